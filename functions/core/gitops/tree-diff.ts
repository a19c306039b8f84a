import type { GitTreeFile } from '../../ports/git-provider';

export interface TreeDiff {
  added: string[];
  modified: string[];
  removed: string[];
}

/**
 * What a push changed, from the trees at `before` and `after` rather than from the commit list the host sent
 * (GitHub stops listing at 20 commits, and a force-push's list omits what it dropped). Equal blob ids mean
 * equal content, so nothing is read to compare.
 */
export const diffTrees = (before: readonly GitTreeFile[], after: readonly GitTreeFile[]): TreeDiff => {
  const old = new Map(before.map((file) => [file.path, file.blobSha]));
  const diff: TreeDiff = { added: [], modified: [], removed: [] };
  for (const file of after) {
    const previous = old.get(file.path);
    if (previous === undefined) diff.added.push(file.path);
    else if (previous !== file.blobSha) diff.modified.push(file.path);
    old.delete(file.path);
  }
  diff.removed = [...old.keys()];
  return diff;
};

/** The top-level folder of a repository path, or undefined for a file at the root. */
export const topFolder = (path: string): string | undefined => {
  const slash = path.indexOf('/');
  return slash > 0 ? path.slice(0, slash) : undefined;
};

export const changedPaths = (diff: TreeDiff): string[] => [...diff.added, ...diff.modified, ...diff.removed];
