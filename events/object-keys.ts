/**
 * The object-key conventions the routing rules and the functions share. Kept apart from `rules.ts` so that a
 * function importing them does not bundle every event contract.
 */

/** Objects under this prefix are quarantined files; no rule matches them, so moving a file there never loops. */
export const QUARANTINE_PREFIX = '_quarantine/';

/** The contract file names of a product folder (`<product-id>/datacontract.yaml`). */
export const CONTRACT_FILE_NAMES = ['datacontract.yaml', 'datacontract.yml', 'datacontract.json'] as const;
