import { CONTRACT_FILE_NAMES, QUARANTINE_PREFIX } from '../../../events/object-keys';
import type { OutgoingEvent } from '../../ports/event-publisher';
import { validateCsv } from '../csv/validate-csv';
import { ContractPendingError } from '../errors';
import { deterministicId } from '../ids';
import { type InboundObject, idempotencyKey, objectRef } from './inbound-object';
import type { ProductFolder } from './object-key';
import type { PublishingDeps } from './publishing-deps';
import { recordVersion } from './record-version';
import { type EventFactory, rejection } from './rejection';

/**
 * A CSV landed under a product folder: stream it through the validator against the product's current contract,
 * then either record a published version or move the file to quarantine with a report of its errors.
 */
export const publishCsv = async (
  deps: PublishingDeps,
  object: InboundObject,
  folderProductId: string,
  folder: ProductFolder,
  ids: EventFactory,
): Promise<OutgoingEvent[]> => {
  const ref = objectRef(object);
  // The folder was looked up once, when the event was located (processObjectEvent).
  const product = folder.registered ? await deps.registry.getProduct(folderProductId) : undefined;
  if (!product) {
    const contractFile = await folderContract(deps, folder);
    if (contractFile?.pending) {
      throw new ContractPendingError(
        `${contractFile.key} is not registered yet; the data file will be retried`,
      );
    }
    const message = contractFile
      ? `${contractFile.key} was not accepted (see its Data Product Rejected event): fix it, then upload this file again`
      : `no data product "${folderProductId}" is registered in bucket ${object.bucket}: upload ${folder.prefix}datacontract.yaml first`;
    return [rejection(ids, folderProductId, 'no-contract', ref, [{ path: object.key, message }])];
  }

  const { contract } = product;
  const body = await deps.objects.read(object.bucket, object.key, object.versionId);
  const result = await validateCsv(
    body,
    { columns: contract.table.columns, dialect: contract.dialect },
    { maxErrors: deps.settings.maxReportedErrors },
  );
  const versionId = deterministicId('version', idempotencyKey(object));
  const version = {
    productId: product.id,
    versionId,
    location: { kind: 's3' as const, bucket: folder.bucket, prefix: folder.prefix },
    object: ref,
    size: result.bytes,
    sha256: result.sha256,
    rows: result.rows,
    contractVersion: product.contractVersion,
    errorCount: result.errorCount,
    recordedAt: object.eventTime,
    recordedBy: object.requester,
  };
  if (result.valid) return recordVersion(deps.registry, ids, version, result);
  const quarantinedAs = await quarantine(deps, object, {
    product: product.id,
    contractVersion: product.contractVersion,
    ...result,
  });
  return recordVersion(deps.registry, ids, version, result, quarantinedAs);
};

/**
 * Copies the file under the quarantine prefix (which no rule routes, so this never loops) and writes the error
 * report beside it. Each step is idempotent, so a retried event converges to the same state. The original is
 * removed only once `Validation Failed` is sent (`removeOriginal`, after publishing): were it removed first and
 * the event not sent, the retry would find nothing to read and the producer would never be told.
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
  return { bucket: object.bucket, key, ...(copied.versionId ? { versionId: copied.versionId } : {}) };
};

/**
 * Removes exactly the bad write. With a version id that version is deleted (a newer upload stays untouched);
 * without one, the key is deleted only while it still holds the bad bytes (same etag).
 */
export const removeOriginal = async (deps: PublishingDeps, object: InboundObject): Promise<void> => {
  if (object.versionId) {
    await deps.objects.delete(object.bucket, object.key, object.versionId);
    return;
  }
  const current = await deps.objects.head(object.bucket, object.key);
  if (current && (!object.etag || current.etag === object.etag))
    await deps.objects.delete(object.bucket, object.key);
};

/**
 * Contract and data uploaded back to back are processed concurrently, so the data can arrive first. A contract
 * file written within the grace period and not yet seen rejected means "not registered yet": retry (the bus or
 * Lambda will) rather than reject. A rejected contract, or an old one that still is not registered, means the
 * data file is rejected too.
 */
const folderContract = async (deps: PublishingDeps, { bucket, prefix }: ProductFolder) => {
  for (const name of CONTRACT_FILE_NAMES) {
    const key = `${prefix}${name}`;
    const contract = await deps.objects.head(bucket, key);
    if (!contract) continue;
    const outcome = await deps.registry.contractOutcome(bucket, key);
    if (outcome && outcome.etag === contract.etag && !outcome.accepted) return { key, pending: false };
    const age = contract.lastModified ? deps.clock().getTime() - contract.lastModified.getTime() : 0;
    return { key, pending: age < deps.settings.contractGraceMs };
  }
  return undefined;
};
