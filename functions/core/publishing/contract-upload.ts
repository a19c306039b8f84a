import { DataProductRejected } from '../../../events/domain/product-events';
import type { ObjectEventUseCase } from './process-object-event';
import { registerContract } from './register-contract';

/**
 * `<product-id>/datacontract.yaml` was written: register or update the product (see registerContract), and
 * remember the outcome for data files uploaded alongside it (see publishCsv).
 */
export const contractUpload: ObjectEventUseCase = {
  accepts: (kind) => kind.kind === 'contract',
  dispatch: async (deps, object, kind, ids) => {
    if (kind.kind !== 'contract') return [];
    const events = await registerContract(deps, object, kind.productId, kind.folder, ids);
    const accepted = !events.some((e) => e.contract.detailType === DataProductRejected.detailType);
    if (object.etag)
      await deps.registry.recordContractOutcome(object.bucket, object.key, { etag: object.etag, accepted });
    return events;
  },
};
