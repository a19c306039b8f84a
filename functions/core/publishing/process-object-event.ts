import { QUARANTINE_PREFIX } from '../../../events/object-keys';
import type { OutgoingEvent } from '../../ports/event-publisher';
import { EventInProgressError, ObjectNotFoundError } from '../errors';
import { deterministicId } from '../ids';
import { type InboundObject, idempotencyKey } from './inbound-object';
import { classifyInFolder, classifyObjectKey, keyProblem, type ObjectKeyKind } from './object-key';
import type { PublishingDeps } from './publishing-deps';
import type { EventFactory } from './rejection';

export type ObjectEventOutcome =
  | { status: 'processed'; eventIds: string[] }
  | { status: 'duplicate' }
  | { status: 'stale' }
  | { status: 'ignored'; reason: string };

/** What one use case does with the objects it is responsible for. */
export interface ObjectEventUseCase {
  /** Which keys are this use case's; the others belong to another function and are ignored here. */
  accepts(kind: ObjectKeyKind): boolean;
  dispatch(
    deps: PublishingDeps,
    object: InboundObject,
    kind: ObjectKeyKind,
    ids: EventFactory,
  ): Promise<OutgoingEvent[]>;
  /** Steps that must wait until the events are sent (a retry must still find what it needs to send them). */
  afterPublish?(deps: PublishingDeps, object: InboundObject, events: OutgoingEvent[]): Promise<void>;
}

/**
 * Processes one `Object Created` event with a use case.
 *
 * At-least-once in, exactly-once effect out: the event is claimed by its idempotency key (bucket, key,
 * version/etag, sequencer); an older write of a key arriving after a newer one is dropped by sequencer; all
 * registry writes are conditional and every domain event id is derived from the inbound event, so a retry
 * after a crash re-sends the same ids and consumers keep one of each.
 */
export const processObjectEvent = async (
  deps: PublishingDeps,
  object: InboundObject,
  useCase: ObjectEventUseCase,
): Promise<ObjectEventOutcome> => {
  const resolved = await resolveKey(deps, object);
  const kind = await locateObject(deps, resolved);
  if (kind.kind === 'quarantined') return { status: 'ignored', reason: 'object is in the quarantine prefix' };
  if (kind.kind === 'unregistered') return { status: 'ignored', reason: kind.message };
  if (!useCase.accepts(kind))
    return { status: 'ignored', reason: `${kind.kind} objects are handled elsewhere` };

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
    events = await useCase.dispatch(deps, resolved, kind, ids);
    await deps.events.publish(events);
    await useCase.afterPublish?.(deps, resolved, events);
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

const eventFactory = (deps: PublishingDeps, object: InboundObject, key: string): EventFactory => ({
  origin: key,
  metadata: (detailType, productId) => ({
    eventId: deterministicId('event', key, detailType),
    productId,
    correlationId: object.eventId,
    occurredAt: deps.clock().toISOString(),
  }),
});

/**
 * Which product an object belongs to: the registered location holding its key (a producer bucket's prefix,
 * a contract's declared server, a default-bucket folder once registered), else, in the platform's default
 * bucket, the `<product-id>/` folder convention. Other buckets forward only registered prefixes' files.
 */
const locateObject = async (deps: PublishingDeps, object: InboundObject): Promise<ObjectKeyKind> => {
  if (object.key.startsWith(QUARANTINE_PREFIX)) return { kind: 'quarantined' };
  const found = await deps.registry.findLocation(object.bucket, object.key);
  if (found?.location.kind === 's3') {
    const problem = keyProblem(object.key);
    if (problem) return { kind: 'invalid', productId: found.productId, message: problem };
    const { bucket, prefix } = found.location;
    return classifyInFolder(object.key, found.productId, { bucket, prefix, registered: true });
  }
  const defaultBucket = deps.settings.defaultBucket;
  if (defaultBucket === undefined || object.bucket === defaultBucket)
    return classifyObjectKey(object.key, object.bucket);
  return {
    kind: 'unregistered',
    message: `no product location is registered for s3://${object.bucket}/${object.key}`,
  };
};

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
