import type { ProductRecord, StorageLocation, VersionRecord } from '../core/registry/records';

export type ClaimOutcome =
  | { status: 'claimed' }
  | { status: 'owned-by-other'; productId: string }
  /** Another product owns a prefix of this one, or one inside it, in the same bucket. */
  | { status: 'overlaps'; productId: string; location: StorageLocation };
export type ReleaseOutcome = 'released' | 'absent' | 'owned-by-other';
export type EventClaim = 'claimed' | 'completed' | 'in-progress';

/** The product registry: products, storage locations, versions and processed-event keys. */
export interface Registry {
  getProduct(productId: string): Promise<ProductRecord | undefined>;
  listProducts(): Promise<ProductRecord[]>;
  /**
   * Writes a product if its stored revision is still `expectedRevision` (`undefined` = must not exist yet).
   * Returns false when another writer got there first; the caller re-reads and decides again.
   */
  putProduct(product: ProductRecord, expectedRevision: number | undefined): Promise<boolean>;
  /**
   * Binds a location to a product unless another product owns it or a bucket prefix overlapping it (one bucket
   * prefix, one product: files are never ambiguous). Idempotent for the same product.
   */
  claimLocation(location: StorageLocation, productId: string): Promise<ClaimOutcome>;
  /**
   * The AWS account that registers storage for a product through `ProducerBucket` stacks: the first one to do
   * so, for a product that did not exist yet. Returns the account on record (the given one when it is new).
   */
  claimRegistrant(productId: string, account: string): Promise<string>;
  getRegistrant(productId: string): Promise<string | undefined>;
  /** Records which stack resource holds a producer location now (the last one to register it). */
  holdLocation(location: StorageLocation, holder: string): Promise<void>;
  locationHolder(location: StorageLocation): Promise<string | undefined>;
  /** Unbinds a location from its product (its versions stay). Only the owner can release it. */
  releaseLocation(location: StorageLocation, productId: string): Promise<ReleaseOutcome>;
  /** The product owning the longest registered prefix of `key` in `bucket`. */
  findLocation(
    bucket: string,
    key: string,
  ): Promise<{ productId: string; location: StorageLocation } | undefined>;
  listLocations(productId: string): Promise<StorageLocation[]>;
  /** Appends a version; a second write of the same version id is a no-op returning false. */
  appendVersion(version: VersionRecord): Promise<boolean>;
  /** Newest first. */
  listVersions(productId: string, limit?: number): Promise<VersionRecord[]>;
  /**
   * Records `sequencer` as the newest seen for an object key. Returns 'stale' when a newer (greater) one is
   * already recorded, so an older event arriving late changes nothing.
   */
  advanceSequencer(bucket: string, key: string, sequencer: string): Promise<'current' | 'stale'>;
  /** Starts processing an inbound event: claimed, already completed, or held by a live attempt. */
  beginEvent(idempotencyKey: string, leaseMs: number): Promise<EventClaim>;
  completeEvent(idempotencyKey: string, emittedEventIds: string[]): Promise<void>;
  /** Remembers whether the contract file `bucket/key` at `etag` was accepted, for data files that race it. */
  recordContractOutcome(
    bucket: string,
    key: string,
    outcome: { etag: string; accepted: boolean },
  ): Promise<void>;
  contractOutcome(bucket: string, key: string): Promise<{ etag: string; accepted: boolean } | undefined>;
  /** Gives up a claim after a failed attempt so that the retry need not wait for the lease to run out. */
  releaseEvent(idempotencyKey: string): Promise<void>;
}
