import type { GitTreeFile } from '../../ports/git-provider';
import { readTextWithin, type TextRead } from '../read-text';
import type { GitOpsDeps } from './git-ops-deps';
import type { PushContext } from './push-context';

/** A small text file of the repo (a contract, CODEOWNERS) at the pushed commit, or at `commit`. */
export const readGitText = async (
  deps: Pick<GitOpsDeps, 'git'>,
  context: Pick<PushContext, 'push'>,
  file: GitTreeFile,
  limit: number,
  commit = context.push.after,
): Promise<TextRead> =>
  readTextWithin(() => deps.git.readFile(context.push.repository, commit, file.path), {
    path: file.path,
    limit,
    ...(file.size !== undefined ? { knownSize: file.size } : {}),
  });
