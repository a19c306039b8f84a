import type { OutgoingEvent } from '../../ports/event-publisher';
import type { GitTreeFile } from '../../ports/git-provider';
import { validateCsv } from '../csv/validate-csv';
import type { StorageLocation } from '../file-ref';
import { deterministicId } from '../ids';
import { recordVersion } from '../publishing/record-version';
import type { ProductRecord } from '../registry/records';
import type { GitOpsDeps } from './git-ops-deps';
import { fileEvents, gitFileRef, type PushContext } from './push-context';

/**
 * A CSV file of the pushed commit, streamed from the git host through the same validator as an upload. A
 * version's location is the repository, its object the path at the commit (the seed's default storage). A
 * bad file cannot be moved out of git history: its version is recorded as quarantined, which keeps it out of
 * the query plane, and the failure is announced with its row and column errors.
 */
export const publishGitCsv = async (
  deps: GitOpsDeps,
  context: PushContext,
  product: ProductRecord,
  location: StorageLocation,
  file: GitTreeFile,
): Promise<OutgoingEvent[]> => {
  const ids = fileEvents(context, file.path, () => deps.clock());
  const ref = gitFileRef(context, file.path);
  const { contract } = product;
  const result = await validateCsv(
    await deps.git.readFile(context.push.repository, context.push.after, file.path),
    { columns: contract.table.columns, dialect: contract.dialect },
    { maxErrors: deps.settings.maxReportedErrors },
  );
  const versionId = deterministicId('version', 'git', context.repositoryKey, file.path, context.push.after);
  const version = {
    productId: product.id,
    versionId,
    location,
    object: ref,
    size: result.bytes,
    sha256: result.sha256,
    rows: result.rows,
    contractVersion: product.contractVersion,
    errorCount: result.errorCount,
    recordedAt: context.push.receivedAt,
    recordedBy: context.push.pusher.username,
  };
  return recordVersion(deps.registry, ids, version, result);
};
