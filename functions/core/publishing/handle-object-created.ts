import type { OutgoingEvent } from '../../ports/event-publisher';
import { EventInProgressError, ObjectNotFoundError } from '../errors';
import { deterministicId } from '../ids';
import { type InboundObject, idempotencyKey } from './inbound-object';
import { classifyObjectKey } from './object-key';
import { publishCsv } from './publish-csv';
import type { PublishingDeps } from './publishing-deps';
import { objectRef, registerContract } from './register-contract';
import { type EventFactory, rejection } from './rejection';

export type ObjectCreatedOutcome =
  | { status: 'processed'; eventIds: string[] }
  | { status: 'duplicate' }
  | { status: 'stale' }
  | { status: 'ignored'; reason: string };

/**
 * Use case for one `Object Created` event.
 *
 * At-least-once in, exactly-once effect out: the event is claimed by its idempotency key (bucket, key,
 * version/etag, sequencer); an older write of a key arriving after a newer one is dropped by sequencer; all
 * registry writes are conditional and every domain event id is derived from the inbound event, so a retry
 * after a crash re-sends the same ids and consumers keep one of each.
 */
export const handleObjectCreated = async (
  deps: PublishingDeps,
  object: InboundObject,
): Promise<ObjectCreatedOutcome> => {
  const resolved = await resolveKey(deps, object);
  const kind = classifyObjectKey(resolved.key);
  if (kind.kind === 'quarantined') return { status: 'ignored', reason: 'object is in the quarantine prefix' };

  const key = idempotencyKey(resolved);
  const claim = await deps.registry.beginEvent(key, deps.settings.eventLeaseMs);
  if (claim === 'completed') return { status: 'duplicate' };
  if (claim === 'in-progress')
    throw new EventInProgressError(`event ${key} is being processed by another attempt`);

  if ((await deps.registry.advanceSequencer(resolved.bucket, resolved.key, resolved.sequencer)) === 'stale') {
    await deps.registry.completeEvent(key, []);
    return { status: 'stale' };
  }

  const ids = eventFactory(deps, resolved, key);
  let events: OutgoingEvent[];
  try {
    events = await dispatch(deps, resolved, kind, ids);
    await deps.events.publish(events);
  } catch (error) {
    if (error instanceof ObjectNotFoundError) {
      await deps.registry.completeEvent(key, []);
      return { status: 'ignored', reason: 'the object no longer exists' };
    }
    await deps.registry.releaseEvent(key).catch(() => undefined);
    throw error;
  }
  const eventIds = events.map((e) => (e.detail as { metadata: { eventId: string } }).metadata.eventId);
  await deps.registry.completeEvent(key, eventIds);
  deps.logger.info('object processed', { bucket: resolved.bucket, key: resolved.key, events: events.length });
  return { status: 'processed', eventIds };
};

const dispatch = async (
  deps: PublishingDeps,
  object: InboundObject,
  kind: ReturnType<typeof classifyObjectKey>,
  ids: EventFactory,
): Promise<OutgoingEvent[]> => {
  switch (kind.kind) {
    case 'invalid':
      return [
        rejection(ids, kind.productId, 'invalid-key', objectRef(object), [
          { path: object.key, message: kind.message },
        ]),
      ];
    case 'contract':
      return registerContract(deps, object, kind.productId, ids);
    case 'csv':
      return publishCsv(deps, object, kind.productId, ids);
    case 'other': {
      // README.md, dataproduct.yaml … are accepted quietly in a known folder, refused in an unknown one.
      if (await deps.registry.getProduct(kind.productId)) return [];
      return [
        rejection(ids, kind.productId, 'unknown-product', objectRef(object), [
          { path: object.key, message: `no data product "${kind.productId}" is registered` },
        ]),
      ];
    }
    default:
      return [];
  }
};

const eventFactory = (deps: PublishingDeps, object: InboundObject, key: string): EventFactory => ({
  metadata: (detailType, productId) => ({
    eventId: deterministicId('event', key, detailType),
    productId,
    correlationId: object.eventId,
    occurredAt: deps.clock().toISOString(),
  }),
});

/**
 * Whether S3 URL-encodes keys in EventBridge events is not documented (classic notifications do, form-style).
 * Take the key as sent when the object exists under it, else its form-decoded spelling.
 */
const resolveKey = async (deps: PublishingDeps, object: InboundObject): Promise<InboundObject> => {
  if (!/[%+]/.test(object.key)) return object;
  if (await deps.objects.head(object.bucket, object.key, object.versionId)) return object;
  let decoded: string;
  try {
    decoded = decodeURIComponent(object.key.replace(/\+/g, ' '));
  } catch {
    return object;
  }
  if (decoded !== object.key && (await deps.objects.head(object.bucket, decoded, object.versionId))) {
    return { ...object, key: decoded };
  }
  return object;
};
