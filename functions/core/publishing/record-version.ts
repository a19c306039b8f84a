import {
  DataProductValidationFailed,
  DataProductVersionPublished,
} from '../../../events/domain/product-events';
import { type OutgoingEvent, outgoing } from '../../ports/event-publisher';
import type { Registry } from '../../ports/registry';
import type { CsvValidationResult } from '../csv/validate-csv';
import type { FileRef } from '../file-ref';
import type { VersionRecord } from '../registry/records';
import type { EventFactory } from './rejection';

/**
 * Appends a validated file to the product's history and announces it: `Version Published` for a valid file,
 * `Validation Failed` with its first errors otherwise. The same for uploads and pushes; the version id is
 * deterministic, so a retry appends nothing twice.
 */
export const recordVersion = async (
  registry: Registry,
  ids: EventFactory,
  version: Omit<VersionRecord, 'verdict' | 'quarantinedAs'>,
  result: CsvValidationResult,
  quarantinedAs?: FileRef,
): Promise<OutgoingEvent[]> => {
  const { productId, versionId, object, contractVersion } = version;
  if (result.valid) {
    await registry.appendVersion({ ...version, verdict: 'published' });
    return [
      outgoing(DataProductVersionPublished, {
        metadata: ids.metadata(DataProductVersionPublished.detailType, productId),
        version: {
          versionId,
          object,
          rows: result.rows,
          size: result.bytes,
          sha256: result.sha256,
          contractVersion,
        },
      }),
    ];
  }
  await registry.appendVersion({
    ...version,
    verdict: 'quarantined',
    ...(quarantinedAs ? { quarantinedAs } : {}),
  });
  return [
    outgoing(DataProductValidationFailed, {
      metadata: ids.metadata(DataProductValidationFailed.detailType, productId),
      versionId,
      object,
      ...(quarantinedAs ? { quarantinedAs } : {}),
      contractVersion,
      rows: result.rows,
      errorCount: result.errorCount,
      errors: result.errors,
    }),
  ];
};
