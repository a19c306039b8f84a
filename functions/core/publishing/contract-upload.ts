import type { ObjectEventUseCase } from './process-object-event';
import { registerContract } from './register-contract';

/** `<product-id>/datacontract.yaml` was written: register or update the product (see registerContract). */
export const contractUpload: ObjectEventUseCase = {
  accepts: (kind) => kind.kind === 'contract',
  dispatch: (deps, object, kind, ids) =>
    kind.kind === 'contract' ? registerContract(deps, object, kind.productId, ids) : Promise.resolve([]),
};
