import { DataProductStorageChanged } from '../../../events/domain/product-events';
import type { Clock } from '../../ports/clock';
import type { EventPublisher, OutgoingEvent } from '../../ports/event-publisher';
import { outgoing } from '../../ports/event-publisher';
import type { LocationProber } from '../../ports/location-probe';
import type { Registry } from '../../ports/registry';
import { deterministicId } from '../ids';
import { claimProblem } from '../publishing/claim-problem';
import type { S3Location } from './declared-locations';

/** What registering a producer bucket depends on. */
export interface ProducerRegistrationDeps {
  registry: Registry;
  storage: LocationProber;
  events: EventPublisher;
  clock: Clock;
}

/** A producer's bucket prefix for one product, as its stack declares it. */
export interface ProducerLocation {
  productId: string;
  location: S3Location;
}

export type RegistrationOutcome = { ok: true } | { ok: false; reason: string };

/**
 * Registers a producer bucket prefix for a product (a `ProducerBucket` stack being created or updated). The
 * platform must be able to read it, and no other product may own it or a prefix overlapping it; the product
 * itself need not exist yet (its contract usually follows in the bucket). Registering what is already
 * registered changes nothing and announces nothing.
 */
export const registerProducerLocation = async (
  deps: ProducerRegistrationDeps,
  request: ProducerLocation,
  requestId: string,
): Promise<RegistrationOutcome> => {
  const { productId, location } = request;
  const before = await deps.registry.listLocations(productId);
  const known = before.some(
    (l) => l.kind === 's3' && l.bucket === location.bucket && l.prefix === location.prefix,
  );
  if (!known) {
    const probe = await deps.storage.probe(location.bucket, location.prefix);
    if (!probe.readable) return { ok: false, reason: probe.reason };
  }
  const problem = claimProblem(await deps.registry.claimLocation(location, productId), location);
  if (problem) return { ok: false, reason: `${problem.path} ${problem.message}` };
  if (!known) {
    await deps.events.publish([
      await storageChanged(deps, requestId, productId, 'producer-bucket-registered', { added: [location] }),
    ]);
  }
  return { ok: true };
};

/**
 * Gives a producer bucket prefix back (its stack is being deleted, or moved to another prefix). The files
 * stay where they are — the bucket is retained — and so does the product's history; the owner and the
 * subscribers are told, including whether files remain. Never fails for a location that is not (or no
 * longer) this product's, so a stack whose registration never succeeded can always be deleted.
 */
export const deregisterProducerLocation = async (
  deps: ProducerRegistrationDeps,
  request: ProducerLocation,
  requestId: string,
): Promise<RegistrationOutcome> => {
  const { productId, location } = request;
  if ((await deps.registry.releaseLocation(location, productId)) !== 'released') return { ok: true };
  const probe = await deps.storage.probe(location.bucket, location.prefix);
  await deps.events.publish([
    await storageChanged(deps, requestId, productId, 'producer-bucket-deregistered', {
      removed: [location],
      filesRemain: probe.readable && probe.hasObjects,
    }),
  ]);
  return { ok: true };
};

const storageChanged = async (
  deps: ProducerRegistrationDeps,
  requestId: string,
  productId: string,
  reason: 'producer-bucket-registered' | 'producer-bucket-deregistered',
  change: { added?: S3Location[]; removed?: S3Location[]; filesRemain?: boolean },
): Promise<OutgoingEvent> =>
  outgoing(DataProductStorageChanged, {
    metadata: {
      // One id per registration request: a retried request re-sends the same event.
      eventId: deterministicId('event', 'storage-registration', requestId, reason),
      productId,
      correlationId: requestId,
      occurredAt: deps.clock().toISOString(),
    },
    reason,
    added: change.added ?? [],
    removed: change.removed ?? [],
    locations: await deps.registry.listLocations(productId),
    ...(change.filesRemain ? { filesRemain: true } : {}),
  });
