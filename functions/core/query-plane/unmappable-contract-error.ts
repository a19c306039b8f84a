import type { Problem } from '../problem';

/**
 * The contract has a column the query engine has no type for (a contract stored by a newer platform, or a
 * type this mapping does not know). Retrying cannot fix it: the event belongs in the dead-letter queue, and
 * no table is written, so consumers never see half a schema.
 */
export class UnmappableContractError extends Error {
  override readonly name = 'UnmappableContractError';
  readonly retryable = false;

  constructor(
    readonly productId: string,
    readonly problems: readonly Problem[],
  ) {
    super(`${productId}: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  }
}
