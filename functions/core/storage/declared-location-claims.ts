import type { LocationProber } from '../../ports/location-probe';
import type { Registry } from '../../ports/registry';
import type { DataContract } from '../contracts/data-contract';
import type { Problem } from '../problem';
import { claimProblem } from '../publishing/claim-problem';
import type { StorageLocation } from '../registry/records';
import { declaredS3Locations, type S3Location, sameLocation } from './declared-locations';

export interface StorageDeps {
  registry: Registry;
  /** Checks that the platform can read a declared location before it is registered. */
  storage?: LocationProber;
  /** The platform's default bucket, organised by product folder: no contract may declare a prefix in it. */
  defaultBucket?: string;
}

export type DeclaredClaims =
  | { ok: true }
  | {
      ok: false;
      reason: 'invalid-contract' | 'location-unreadable' | 'location-conflict';
      problems: Problem[];
    };

/**
 * Registers the S3 locations a contract declares in its `servers` for the product, beside its folder. Each
 * new one must be readable by the platform (else nothing is registered and the producer is told why) and free
 * of other products' prefixes; when one of several fails, the ones claimed just now are given back.
 */
export const claimDeclaredLocations = async (
  deps: StorageDeps,
  productId: string,
  contract: DataContract,
): Promise<DeclaredClaims> => {
  const declared = declaredS3Locations(contract);
  if (!declared.ok) return { ok: false, reason: 'invalid-contract', problems: declared.problems };
  if (declared.locations.length === 0) return { ok: true };
  // A declared prefix there could take another product's folder before that product registers it.
  const inDefault = declared.locations.filter((d) => d.location.bucket === deps.defaultBucket);
  if (inDefault.length > 0) {
    return {
      ok: false,
      reason: 'invalid-contract',
      problems: inDefault.map(({ path }) => ({
        path,
        message: `${deps.defaultBucket} is the platform's default bucket, where a product's folder is ${productId}/ by convention: declare only buckets of your own`,
      })),
    };
  }

  const registered = await deps.registry.listLocations(productId);
  const fresh = declared.locations.filter((d) => !registered.some((r) => sameLocation(r, d.location)));
  const unreadable: Problem[] = [];
  for (const { location, path } of fresh) {
    const probe = deps.storage
      ? await deps.storage.probe(location.bucket, location.prefix)
      : { readable: false as const, reason: 'this platform function has no access to buckets' };
    if (!probe.readable) unreadable.push({ path, message: probe.reason });
  }
  if (unreadable.length > 0) return { ok: false, reason: 'location-unreadable', problems: unreadable };

  const claimed: S3Location[] = [];
  for (const { location, path } of fresh) {
    const problem = claimProblem(await deps.registry.claimLocation(location, productId), location);
    if (problem) {
      for (const done of claimed) await deps.registry.releaseLocation(done, productId);
      return { ok: false, reason: 'location-conflict', problems: [{ path, message: problem.message }] };
    }
    claimed.push(location);
  }
  return { ok: true };
};

/**
 * Compares the S3 locations two contracts declare and gives back the ones the new contract dropped. Their
 * files stay where they are (and in the product's history); the result says whether any remain. Computed
 * from the two contracts, not from what this attempt claimed, so a retried event reports the same change.
 */
export const settleDeclaredLocations = async (
  deps: StorageDeps,
  productId: string,
  previous: Pick<DataContract, 'servers'> | undefined,
  current: Pick<DataContract, 'servers'>,
  /** Where the contract itself lives: the product's folder stays registered whatever servers say. */
  folder: StorageLocation,
): Promise<{ added: StorageLocation[]; removed: StorageLocation[]; filesRemain: boolean }> => {
  const before = previous ? declaredS3Locations(previous) : { ok: true as const, locations: [] };
  const now = declaredS3Locations(current);
  if (!before.ok || !now.ok) return { added: [], removed: [], filesRemain: false };
  const added = now.locations
    .filter((n) => !before.locations.some((b) => sameLocation(n.location, b.location)))
    .map((n) => n.location);
  const dropped = before.locations.filter(
    (b) =>
      !now.locations.some((n) => sameLocation(n.location, b.location)) && !sameLocation(b.location, folder),
  );
  const removed: StorageLocation[] = [];
  let filesRemain = false;
  for (const { location } of dropped) {
    if ((await deps.registry.releaseLocation(location, productId)) === 'owned-by-other') continue;
    removed.push(location);
    const probe = await deps.storage?.probe(location.bucket, location.prefix);
    if (probe?.readable && probe.hasObjects) filesRemain = true;
  }
  return { added, removed, filesRemain };
};
