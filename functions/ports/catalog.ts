import type { MetadataChangeProposal } from '../core/catalog/proposal';

/** Where the catalog is, and whether it answers (for `mesh status`). */
export interface CatalogStatus {
  kind: 'datahub' | 'embedded';
  /** GMS URL, or the embedded store's folder. */
  target: string;
  ok: boolean;
  /** DataHub's version (`GET /config`), when known. */
  version?: string;
  /** Why it is not ok. */
  message?: string;
}

/**
 * The metadata catalog: DataHub GMS over its REST protocol on AWS (and locally when configured), an embedded
 * store in the state folder otherwise. Both take the very same proposals.
 */
export interface CatalogSink {
  /** Writes proposals in order; the adapter splits them into requests as the server needs. */
  ingest(proposals: MetadataChangeProposal[]): Promise<void>;
  check(): Promise<CatalogStatus>;
}

/**
 * The catalog refused the request for a reason a retry cannot fix (401/403 bad token, 400/422 invalid
 * proposal): the event is dead-lettered with this message instead of being retried.
 */
export class CatalogRejectedError extends Error {
  override readonly name = 'CatalogRejectedError';
  readonly retryable = false;
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** The catalog did not answer, or answered 429/5xx after the adapter's own retries: retry later. */
export class CatalogUnavailableError extends Error {
  override readonly name = 'CatalogUnavailableError';
}
