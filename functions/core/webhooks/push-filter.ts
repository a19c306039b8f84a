import type { RefUpdate } from './normalise-push';

export const BRANCH_REF_PREFIX = 'refs/heads/';
export const TAG_REF_PREFIX = 'refs/tags/';

/** Which pushes the platform processes: those to one branch, of one repository when it is named. */
export interface PushSelection {
  /** The data repository's branch, e.g. `main`. */
  branch: string;
  /** `owner/name` (GitLab: the namespace path); when set, pushes to other repositories are ignored. */
  repository?: string;
}

/** `main` for `refs/heads/main`; undefined for tags and other refs. */
export const branchOf = (ref: string): string | undefined =>
  ref.startsWith(BRANCH_REF_PREFIX) ? ref.slice(BRANCH_REF_PREFIX.length) : undefined;

/**
 * Why a ref update is not a push the platform processes, or undefined when it is. Branch creations are
 * pushes like any other (`before` is all zeros); deletions, tags, other branches and other repositories are
 * not. Repository names are compared ignoring case, as the hosts resolve them.
 */
export const whyIgnored = (
  update: RefUpdate,
  selection: PushSelection,
  tagEvent = false,
): string | undefined => {
  const { repository, ref } = update;
  if (
    selection.repository !== undefined &&
    repository.fullName.toLowerCase() !== selection.repository.toLowerCase()
  ) {
    return `the push is to repository "${repository.fullName}", not to the data repository "${selection.repository}"`;
  }
  if (tagEvent || ref.startsWith(TAG_REF_PREFIX)) {
    const tag = ref.startsWith(TAG_REF_PREFIX) ? ref.slice(TAG_REF_PREFIX.length) : ref;
    return `tag "${tag}" was ${update.deleted ? 'deleted' : 'pushed'}: only pushes to the data branch "${selection.branch}" are processed`;
  }
  const branch = branchOf(ref);
  if (branch === undefined) return `ref "${ref}" is not a branch: only pushes to branches are processed`;
  if (branch !== selection.branch) {
    return `the push is to branch "${branch}", not to the data branch "${selection.branch}"`;
  }
  if (update.deleted) return `branch "${branch}" was deleted: there is no commit to process`;
  return undefined;
};
