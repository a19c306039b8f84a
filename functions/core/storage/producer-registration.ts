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
  /** The platform's default bucket: its folders are registered by convention, never by a producer stack. */
  defaultBucket?: string;
}

/** A producer's bucket prefix for one product, as its stack declares it. */
export interface ProducerLocation {
  productId: string;
  location: S3Location;
  /** The account of the stack asking: it must own the bucket, and be the product's registrant. */
  account: string;
  /** The stack resource asking (its physical id): only the resource holding a location gives it back. */
  resource: string;
}

export type RegistrationOutcome = { ok: true } | { ok: false; reason: string };

/**
 * Registers a producer bucket prefix for a product (a `ProducerBucket` stack being created or updated).
 * - The bucket must belong to the stack's account and be readable by the platform, and no other product may
 *   own the prefix or one overlapping it; the platform's default bucket is never a producer's.
 * - The product is bound to the first account that registers storage for it, and only while the product does
 *   not exist yet (its contract usually follows in the bucket): a product published through the default bucket
 *   or the data repo moves to its own bucket by declaring it in its contract, where its owners decide.
 * Registering what is already registered changes nothing and announces nothing.
 */
export const registerProducerLocation = async (
  deps: ProducerRegistrationDeps,
  request: ProducerLocation,
  requestId: string,
): Promise<RegistrationOutcome> => {
  const { productId, location, account } = request;
  if (location.bucket === deps.defaultBucket) {
    return {
      ok: false,
      reason: `${location.bucket} is the platform's default bucket, where products are folders by convention: register a bucket of your own`,
    };
  }
  const registrant = await deps.registry.getRegistrant(productId);
  if (registrant === undefined && (await deps.registry.getProduct(productId))) {
    return {
      ok: false,
      reason: `product ${productId} is already published through the platform's bucket or the data repo: move it to your bucket by declaring the bucket in its contract's servers`,
    };
  }
  if (registrant !== undefined && registrant !== account) {
    return { ok: false, reason: `product ${productId} registers its storage from account ${registrant}` };
  }

  const before = await deps.registry.listLocations(productId);
  const known = before.some(
    (l) => l.kind === 's3' && l.bucket === location.bucket && l.prefix === location.prefix,
  );
  if (!known) {
    const probe = await deps.storage.probe(location.bucket, location.prefix, account);
    if (!probe.readable) return { ok: false, reason: probe.reason };
  }
  const problem = claimProblem(await deps.registry.claimLocation(location, productId), location);
  if (problem) return { ok: false, reason: `${problem.path} ${problem.message}` };
  try {
    const owner = await deps.registry.claimRegistrant(productId, account);
    if (owner !== account) {
      // Another account registered the product in the meantime: give the prefix back.
      if (!known) await deps.registry.releaseLocation(location, productId);
      return { ok: false, reason: `product ${productId} registers its storage from account ${owner}` };
    }
    // The newest resource to register it holds it: a renamed or moved construct's old resource, deleted after
    // the new one was created, must not give it back.
    await deps.registry.holdLocation(location, request.resource);
    if (!known) {
      await deps.events.publish([
        await storageChanged(deps, requestId, productId, 'producer-bucket-registered', { added: [location] }),
      ]);
    }
    return { ok: true };
  } catch (error) {
    // The request fails (CloudFormation is answered FAILED): a prefix this request claimed is given back, so
    // that nothing stays registered unannounced and the next attempt registers and announces it afresh.
    if (!known) await deps.registry.releaseLocation(location, productId).catch(() => undefined);
    throw error;
  }
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
  const { productId, location, account } = request;
  // Only the product's registrant account gives its storage back, and only the resource holding it.
  if ((await deps.registry.getRegistrant(productId)) !== account) return { ok: true };
  const holder = await deps.registry.locationHolder(location);
  if (holder !== undefined && holder !== request.resource) return { ok: true };
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
