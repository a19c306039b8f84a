import { DataProductValidationFailed } from '../../../events/domain/product-events';
import { readTextWithin } from '../read-text';
import { applyDescriptor, DESCRIPTOR_FILE_NAME } from './apply-descriptor';
import { objectRef } from './inbound-object';
import type { ObjectEventUseCase } from './process-object-event';
import { publishCsv, removeOriginal } from './publish-csv';
import { rejection } from './rejection';

/**
 * Every object in a product folder except its contract: CSVs are validated and published or quarantined,
 * the folder's `dataproduct.yaml` (ODPS) records its input ports, other files are accepted quietly in a known
 * folder and refused in an unknown one, bad keys are refused.
 */
export const dataUpload: ObjectEventUseCase = {
  accepts: (kind) => kind.kind === 'csv' || kind.kind === 'other' || kind.kind === 'invalid',
  dispatch: async (deps, object, kind, ids) => {
    switch (kind.kind) {
      case 'invalid':
        return [
          rejection(ids, kind.productId, 'invalid-key', objectRef(object), [
            { path: object.key, message: kind.message },
          ]),
        ];
      case 'csv':
        return publishCsv(deps, object, kind.productId, kind.folder, ids);
      case 'other':
        if (object.key === `${kind.folder.prefix}${DESCRIPTOR_FILE_NAME}`) {
          const text = await readTextWithin(
            () => deps.objects.read(object.bucket, object.key, object.versionId),
            {
              path: object.key,
              limit: deps.settings.maxContractBytes,
              knownSize: object.size,
            },
          );
          if (!text.ok)
            return [rejection(ids, kind.productId, 'invalid-descriptor', objectRef(object), text.problems)];
          return applyDescriptor(
            deps,
            { productId: kind.productId, text: text.text, ref: objectRef(object), path: object.key },
            ids,
          );
        }
        if (await deps.registry.getProduct(kind.productId)) return [];
        return [
          rejection(ids, kind.productId, 'unknown-product', objectRef(object), [
            { path: object.key, message: `no data product "${kind.productId}" is registered` },
          ]),
        ];
      default:
        return [];
    }
  },
  // A file that failed validation was copied to quarantine; it leaves the product folder once that is told.
  afterPublish: async (deps, object, events) => {
    if (events.some((e) => e.contract.detailType === DataProductValidationFailed.detailType))
      await removeOriginal(deps, object);
  },
};
