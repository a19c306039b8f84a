import {
  DataProductValidationFailed,
  DataProductVersionPublished,
} from '../../../events/domain/product-events';
import { QUARANTINE_PREFIX } from '../../../events/rules';
import { type OutgoingEvent, outgoing } from '../../ports/event-publisher';
import { validateCsv } from '../csv/validate-csv';
import { deterministicId } from '../ids';
import type { VersionRecord } from '../registry/records';
import { type InboundObject, idempotencyKey, objectRef } from './inbound-object';
import type { PublishingDeps } from './publishing-deps';
import { type EventFactory, rejection } from './rejection';

/**
 * A CSV landed under a product folder: stream it through the validator against the product's current contract,
 * then either record a published version or move the file to quarantine with a report of its errors.
 */
export const publishCsv = async (
  deps: PublishingDeps,
  object: InboundObject,
  folderProductId: string,
  ids: EventFactory,
): Promise<OutgoingEvent[]> => {
  const ref = objectRef(object);
  const found = await deps.registry.findLocation(object.bucket, object.key);
  const product = found ? await deps.registry.getProduct(found.productId) : undefined;
  if (!found || !product) {
    return [
      rejection(ids, folderProductId, 'no-contract', ref, [
        {
          path: object.key,
          message: `no data product "${folderProductId}" is registered in bucket ${object.bucket}`,
        },
      ]),
    ];
  }

  const { contract } = product;
  const body = await deps.objects.read(object.bucket, object.key, object.versionId);
  const result = await validateCsv(
    body,
    { columns: contract.table.columns, dialect: contract.dialect },
    { maxErrors: deps.settings.maxReportedErrors },
  );
  const versionId = deterministicId('version', idempotencyKey(object));
  const base = {
    productId: product.id,
    versionId,
    location: found.location,
    object: ref,
    size: result.bytes,
    sha256: result.sha256,
    rows: result.rows,
    contractVersion: product.contractVersion,
    errorCount: result.errorCount,
    recordedAt: object.eventTime,
    recordedBy: object.requester,
  } satisfies Partial<VersionRecord>;

  if (result.valid) {
    await deps.registry.appendVersion({ ...base, verdict: 'published' });
    return [
      outgoing(DataProductVersionPublished, {
        metadata: ids.metadata(DataProductVersionPublished.detailType, product.id),
        version: {
          versionId,
          object: ref,
          rows: result.rows,
          size: result.bytes,
          sha256: result.sha256,
          contractVersion: product.contractVersion,
        },
      }),
    ];
  }

  const quarantinedAs = await quarantine(deps, object, {
    product: product.id,
    contractVersion: product.contractVersion,
    ...result,
  });
  await deps.registry.appendVersion({ ...base, verdict: 'quarantined', quarantinedAs });
  return [
    outgoing(DataProductValidationFailed, {
      metadata: ids.metadata(DataProductValidationFailed.detailType, product.id),
      versionId,
      object: ref,
      quarantinedAs,
      contractVersion: product.contractVersion,
      rows: result.rows,
      errorCount: result.errorCount,
      errors: result.errors,
    }),
  ];
};

/**
 * Moves the file under the quarantine prefix (which no rule routes, so this never loops) and writes the error
 * report beside it. Each step is idempotent, so a retried event converges to the same state.
 */
const quarantine = async (deps: PublishingDeps, object: InboundObject, report: Record<string, unknown>) => {
  const key = `${QUARANTINE_PREFIX}${object.key}`;
  const copied = await deps.objects.copy(
    { bucket: object.bucket, key: object.key, versionId: object.versionId },
    { bucket: object.bucket, key },
  );
  await deps.objects.putText(
    object.bucket,
    `${key}.errors.json`,
    `${JSON.stringify({ source: objectRef(object), ...report }, null, 2)}\n`,
    'application/json',
  );
  await removeOriginal(deps, object);
  return { bucket: object.bucket, key, ...(copied.versionId ? { versionId: copied.versionId } : {}) };
};

/**
 * Removes exactly the bad write. With a version id that version is deleted (a newer upload stays untouched);
 * without one, the key is deleted only while it still holds the bad bytes (same etag).
 */
const removeOriginal = async (deps: PublishingDeps, object: InboundObject) => {
  if (object.versionId) {
    await deps.objects.delete(object.bucket, object.key, object.versionId);
    return;
  }
  const current = await deps.objects.head(object.bucket, object.key);
  if (current && (!object.etag || current.etag === object.etag))
    await deps.objects.delete(object.bucket, object.key);
};
