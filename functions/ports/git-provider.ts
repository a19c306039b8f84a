import type { GitRepository } from '../../events/inbound/git-push-received';

/** One file of a commit's tree. */
export interface GitTreeFile {
  /** Repository-relative, `/`-separated, no leading slash: `orders/datacontract.yaml`. */
  path: string;
  /** The blob's object id: equal ids mean equal content, which is how two trees are compared. */
  blobSha: string;
  /** Bytes, when the host reports it. */
  size?: number;
}

/**
 * Reads a data repository at a given commit. One adapter per host (GitHub, GitLab, Gitea/Forgejo REST APIs,
 * a local repository through `git`); the push processor only ever asks for a commit by its sha, never a
 * branch, so what it reads is exactly what was pushed.
 */
export interface GitProvider {
  /** Every file (not directory) of the commit's tree, recursively; under `folder/` only when given. */
  listFiles(repository: GitRepository, commit: string, folder?: string): Promise<GitTreeFile[]>;
  /** The file's bytes as a stream. Throws GitFileNotFoundError when the commit has no such file. */
  readFile(repository: GitRepository, commit: string, path: string): Promise<AsyncIterable<Uint8Array>>;
}

export class GitFileNotFoundError extends Error {
  constructor(
    readonly path: string,
    readonly commit: string,
  ) {
    super(`${path} does not exist at commit ${commit}`);
    this.name = 'GitFileNotFoundError';
  }
}

/** The host did not answer in time or failed (5xx, network): the push is retried, then dead-lettered. */
export class GitProviderUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GitProviderUnavailableError';
  }
}
