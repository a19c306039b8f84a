import type { ClaimOutcome } from '../../ports/registry';
import { locationUri, type StorageLocation } from '../file-ref';
import type { Problem } from '../problem';

/** Why a location could not be claimed, in the words a producer needs; undefined when it was. */
export const claimProblem = (claim: ClaimOutcome, location: StorageLocation): Problem | undefined => {
  switch (claim.status) {
    case 'claimed':
      return undefined;
    case 'owned-by-other':
      return { path: locationUri(location), message: `already registered to product "${claim.productId}"` };
    case 'overlaps':
      return {
        path: locationUri(location),
        message: `overlaps ${locationUri(claim.location)}, registered to product "${claim.productId}": one prefix holds one product's files`,
      };
  }
};
