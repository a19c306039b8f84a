import type { GitPushReceivedDetail, GitRepository } from '../../../events/inbound/git-push-received';
import type { GitTreeFile } from '../../ports/git-provider';
import { deterministicId } from '../ids';
import type { EventFactory } from '../publishing/rejection';
import type { CatalogRow } from './data-catalog';
import type { CodeownersRule } from './ownership';
import type { TreeDiff } from './tree-diff';

/** Everything one push's folders share: the trees, the diff, and the rules read at the right commits. */
export interface PushContext {
  push: GitPushReceivedDetail;
  /** `host:owner/name`: how locations and file refs name the repository. */
  repositoryKey: string;
  /** The inbound event id, as correlation id of every event the push causes. */
  correlationId: string;
  after: Map<string, GitTreeFile>;
  diff: TreeDiff;
  changed: Set<string>;
  /** Read at `before`, so that a push cannot grant itself rights. */
  codeowners: CodeownersRule[];
  catalog: CatalogRow[];
  /** The catalog at `before`, when the push changed it: how a folder removed with its row is recognised. */
  catalogBefore: CatalogRow[];
}

export const repositoryKey = (repository: GitRepository): string =>
  `${repository.host}:${repository.fullName}`;

/** Domain event ids derive from the repository, the pushed commit and the file, so a redelivery repeats them. */
export const fileEvents = (context: PushContext, path: string, now: () => Date): EventFactory => {
  const key = ['git', context.repositoryKey, context.push.after, path].join('|');
  return {
    origin: key,
    metadata: (detailType, productId) => ({
      eventId: deterministicId('event', key, detailType),
      productId,
      correlationId: context.correlationId,
      occurredAt: now().toISOString(),
    }),
  };
};

export const gitFileRef = (context: PushContext, path: string) => ({
  repository: context.repositoryKey,
  path,
  commit: context.push.after,
});

export const filesUnder = (context: PushContext, folder: string): GitTreeFile[] =>
  [...context.after.values()].filter((file) => file.path.startsWith(`${folder}/`));
