/** Whether the platform may list (and so read) a bucket prefix, and whether anything is stored under it. */
export type LocationProbe = { readable: true; hasObjects: boolean } | { readable: false; reason: string };

/** Checks a storage location before it is registered (and whether files remain when it is given back). */
export interface LocationProber {
  /**
   * The answer, or, when the platform may not read it, why (no such bucket, access denied). With
   * `expectedOwner`, a bucket of another account is refused too. Transient failures throw.
   */
  probe(bucket: string, prefix: string, expectedOwner?: string): Promise<LocationProbe>;
}
