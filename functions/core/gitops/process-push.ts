import { type GitPushReceivedDetail, isZeroSha } from '../../../events/inbound/git-push-received';
import type { OutgoingEvent } from '../../ports/event-publisher';
import { PRODUCT_ID_PATTERN } from '../contracts/data-contract';
import { readCsvRecords } from '../csv/read-csv-records';
import { EventInProgressError } from '../errors';
import { consumerOf, withoutSubscriptions } from '../notifications/gitops-subscriptions';
import { readTextWithin } from '../read-text';
import { DATA_CATALOG_FILE, parseDataCatalog } from './data-catalog';
import type { GitOpsDeps } from './git-ops-deps';
import { parseCodeowners } from './ownership';
import { publishFolder } from './publish-folder';
import { type PushContext, repositoryKey } from './push-context';
import { readGitText } from './read-git-text';
import { changedPaths, diffTrees, topFolder } from './tree-diff';

export type PushOutcome =
  | { status: 'processed'; folders: string[]; eventIds: string[] }
  | { status: 'duplicate' }
  | { status: 'ignored'; reason: string };

const CODEOWNERS_PATHS = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'];
const MAX_SMALL_FILE = 1024 * 1024;
const MAX_CATALOG_ROWS = 10_000;

/**
 * A push to the data repo's branch: compare the trees at `before` and `after`, find the product folders it
 * touched, and publish each one exactly like an upload would (publishFolder).
 *
 * At-least-once in, exactly-once effect out: the push is claimed by repository and commit range, so a
 * redelivery (even under another delivery id) is a no-op; each folder's events are published as soon as the
 * folder is done, with ids derived from the commit and path, and every registry write is conditional or
 * idempotent, so a retry after a failure part-way repeats nothing that took effect.
 */
export const processPush = async (
  deps: GitOpsDeps,
  push: GitPushReceivedDetail,
  correlationId: string,
): Promise<PushOutcome> => {
  if (isZeroSha(push.after))
    return { status: 'ignored', reason: 'branch deletion: there is nothing to publish' };
  const repoKey = repositoryKey(push.repository);
  const key = ['git', repoKey, push.before, push.after].join('|');
  const claim = await deps.registry.beginEvent(key, deps.settings.eventLeaseMs);
  if (claim === 'completed') return { status: 'duplicate' };
  if (claim === 'in-progress')
    throw new EventInProgressError(`push ${key} is being processed by another attempt`);

  try {
    const context = await pushContext(deps, push, repoKey, correlationId);
    const folders = touchedFolders(context);
    const eventIds: string[] = [];
    await forEachLimited(folders, deps.settings.folderConcurrency, async (folder) => {
      const events = await publishFolder(deps, context, folder);
      await deps.events.publish(events);
      eventIds.push(...events.map(eventIdOf));
    });
    await syncSubscriptionFiles(deps, context);
    await deps.registry.completeEvent(key, eventIds);
    deps.logger.info('push processed', { repository: repoKey, after: push.after, folders: folders.length });
    return { status: 'processed', folders, eventIds };
  } catch (error) {
    await deps.registry.releaseEvent(key).catch(() => undefined);
    throw error;
  }
};

/**
 * `<folder>/subscriptions.yaml` files the push added, changed or removed: each is the whole truth about one
 * consumer's GitOps subscriptions (a removed file removes them), and a consumer is declared in one file only.
 */
const syncSubscriptionFiles = async (deps: GitOpsDeps, context: PushContext) => {
  const sync = deps.syncSubscriptions;
  if (!sync) return;
  const { push } = context;
  const files = [...context.changed].filter((p) => /^[^/]+\/subscriptions\.ya?ml$/.test(p)).sort();
  const apply = async (path: string, text: string) => {
    const result = await sync({ path, text, actor: push.pusher.username });
    const log = result.problems.length > 0 ? deps.logger.warn : deps.logger.info;
    log.call(deps.logger, 'subscriptions file applied', { path, ...result });
  };
  const current = new Map<string, string>();
  for (const path of files) {
    const file = context.after.get(path);
    if (!file) continue;
    const read = await readGitText(deps, context, file, MAX_SMALL_FILE);
    if (read.ok) current.set(path, read.text);
    else deps.logger.warn('subscriptions file not applied', { path, problems: read.problems });
  }
  // First the consumers that files let go of: those of removed files, and the old name of a renamed consumer
  // (the file as it was, with no subscriptions). So a consumer moved to another file, or a name one file gives
  // up and another takes in the same push, is free before a file claims it.
  // A new branch had nothing before.
  for (const path of isZeroSha(push.before) ? [] : files) {
    const after = current.get(path);
    // Nothing is let go of when the file as it is now could not be read.
    if (context.after.has(path) && after === undefined) continue;
    const before = await readTextWithin(() => deps.git.readFile(push.repository, push.before, path), {
      path,
      limit: MAX_SMALL_FILE,
    }).catch(() => undefined);
    const released = before?.ok ? withoutSubscriptions(before.text) : undefined;
    if (released && (after === undefined || consumerOf(after) !== consumerOf(released))) {
      await apply(path, released);
    }
  }
  for (const [path, text] of current) await apply(path, text);
};

const eventIdOf = (event: OutgoingEvent): string =>
  (event.detail as { metadata: { eventId: string } }).metadata.eventId;

const pushContext = async (
  deps: GitOpsDeps,
  push: GitPushReceivedDetail,
  repoKey: string,
  correlationId: string,
): Promise<PushContext> => {
  const [beforeFiles, afterFiles] = await Promise.all([
    // A new branch (the first push to a repository too) has no tree before: git hosts answer 404 for 000…0.
    isZeroSha(push.before) ? [] : deps.git.listFiles(push.repository, push.before),
    deps.git.listFiles(push.repository, push.after),
  ]);
  const diff = diffTrees(beforeFiles, afterFiles);
  const after = new Map(afterFiles.map((file) => [file.path, file]));
  const context: PushContext = {
    push,
    repositoryKey: repoKey,
    correlationId,
    after,
    diff,
    changed: new Set(changedPaths(diff)),
    codeowners: [],
    catalog: [],
    catalogBefore: [],
  };
  // CODEOWNERS as it was before the push: a push cannot grant its own author rights.
  const codeowners = beforeFiles.find((file) => CODEOWNERS_PATHS.includes(file.path));
  if (codeowners) {
    const text = await readGitText(deps, context, codeowners, MAX_SMALL_FILE, push.before);
    if (text.ok) context.codeowners = parseCodeowners(text.text).rules;
  }
  const readCatalog = async (sha: string) => {
    const read = await readCsvRecords(await deps.git.readFile(push.repository, sha, DATA_CATALOG_FILE), {
      maxRecords: MAX_CATALOG_ROWS,
    });
    return parseDataCatalog(read, (id) => PRODUCT_ID_PATTERN.test(id));
  };
  if (after.has(DATA_CATALOG_FILE)) {
    const parsed = await readCatalog(push.after);
    context.catalog = parsed.rows;
    if (parsed.problems.length > 0)
      deps.logger.warn('data catalog rows ignored', { problems: parsed.problems });
  }
  if (context.changed.has(DATA_CATALOG_FILE) && beforeFiles.some((file) => file.path === DATA_CATALOG_FILE)) {
    context.catalogBefore = (await readCatalog(push.before)).rows;
  }
  return context;
};

/**
 * Product folders whose files changed, plus the folders of `data_catalog.csv` rows when that file changed.
 * Hidden folders (`.github/`) and `_`-prefixed ones are the repo's own, not products.
 */
const touchedFolders = (context: PushContext): string[] => {
  const folders = new Set<string>();
  for (const path of context.changed) {
    const folder = topFolder(path);
    if (folder && !folder.startsWith('.') && !folder.startsWith('_')) folders.add(folder);
  }
  if (context.changed.has(DATA_CATALOG_FILE)) for (const row of context.catalog) folders.add(row.folder);
  return [...folders].sort();
};

const forEachLimited = async <T>(items: T[], limit: number, work: (item: T) => Promise<void>) => {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
};
