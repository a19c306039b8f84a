import type { GitRepository } from '../../../events/inbound/git-push-received';
import { GitFileNotFoundError, type GitProvider, type GitTreeFile } from '../../ports/git-provider';
import * as z from '../../shared/zod';
import {
  byPath,
  encodePath,
  GitHostRequestError,
  type GitRestProviderOptions,
  HttpClient,
  isUnder,
  normaliseFolder,
  ownerAndName,
} from './http-client';

export const GITHUB_API_URL = 'https://api.github.com';

/** `GET /repos/{owner}/{repo}/git/trees/{sha}`: blobs, trees and submodules (`commit`). */
const GitHubTreeSchema = z.object({
  sha: z.string(),
  truncated: z.optional(z.boolean()),
  tree: z.array(
    z.object({
      path: z.string(),
      mode: z.optional(z.string()),
      type: z.string(),
      sha: z.string(),
      size: z.optional(z.number()),
    }),
  ),
});
type GitHubTree = z.infer<typeof GitHubTreeSchema>;

/** Sub-trees listed at once when a truncated listing is walked directory by directory. */
const WALK_CONCURRENCY = 4;

/**
 * GitHub (github.com or Enterprise Server, `baseUrl` `https://host/api/v3`) through its REST API.
 *
 * listFiles asks for the commit's tree recursively in one request. GitHub truncates that listing beyond
 * 100,000 entries or 7 MB; the adapter then walks the tree instead, as GitHub's documentation advises: one
 * non-recursive listing per directory, each sub-tree tried recursively again (so only the oversized
 * directories are walked level by level), and, with a `folder`, only the directories on the way to it. A single
 * directory too large even for a non-recursive listing is an error.
 *
 * readFile asks the contents API for the raw media type, which serves files up to 100 MB as bytes. Git LFS
 * files come back as their pointer.
 */
export class GitHubGitProvider implements GitProvider {
  private readonly http: HttpClient;

  constructor(options: GitRestProviderOptions) {
    this.http = new HttpClient({
      ...options,
      hostName: 'GitHub',
      baseUrl: options.baseUrl ?? GITHUB_API_URL,
      authHeaders: { Authorization: `Bearer ${options.token}` },
      headers: { 'X-GitHub-Api-Version': '2022-11-28' },
      jsonAccept: 'application/vnd.github+json',
    });
  }

  async listFiles(repository: GitRepository, commit: string, folder?: string): Promise<GitTreeFile[]> {
    const files: GitTreeFile[] = [];
    await this.collect(repository, commit, commit, '', normaliseFolder(folder), files);
    return files.sort(byPath);
  }

  async readFile(
    repository: GitRepository,
    commit: string,
    path: string,
  ): Promise<AsyncIterable<Uint8Array>> {
    const url = this.http.url(`${this.repoPath(repository)}/contents/${encodePath(path)}`, { ref: commit });
    const body = await this.http.getStream(url, {
      accept: 'application/vnd.github.raw+json',
      absentOn: [404],
    });
    if (!body) throw new GitFileNotFoundError(path, commit);
    return body;
  }

  /** The files of tree `sha` (found at `base`, `''` or `dir/`) that lie under `folder`. */
  private async collect(
    repository: GitRepository,
    commit: string,
    sha: string,
    base: string,
    folder: string,
    files: GitTreeFile[],
  ): Promise<void> {
    const whole = await this.tree(repository, commit, sha, true);
    if (!whole.truncated) {
      for (const entry of whole.tree) this.add(files, entry, base, folder);
      return;
    }
    const level = await this.tree(repository, commit, sha, false);
    if (level.truncated)
      throw new GitHostRequestError(
        `GitHub truncated even the non-recursive listing of ${base || 'the root directory'} at ${commit} in ${repository.fullName}: the directory has too many entries for the trees API`,
      );
    const subtrees: { sha: string; base: string }[] = [];
    for (const entry of level.tree) {
      const path = `${base}${entry.path}`;
      if (
        entry.type === 'tree' &&
        (isUnder(path, folder) || folder.startsWith(`${path}/`) || folder === path)
      )
        subtrees.push({ sha: entry.sha, base: `${path}/` });
      else this.add(files, entry, base, folder);
    }
    for (let i = 0; i < subtrees.length; i += WALK_CONCURRENCY)
      await Promise.all(
        subtrees
          .slice(i, i + WALK_CONCURRENCY)
          .map((subtree) => this.collect(repository, commit, subtree.sha, subtree.base, folder, files)),
      );
  }

  private add(files: GitTreeFile[], entry: GitHubTree['tree'][number], base: string, folder: string) {
    // `tree` entries are directories, `commit` entries submodules: neither is a file of this repository.
    if (entry.type !== 'blob') return;
    const path = `${base}${entry.path}`;
    if (!isUnder(path, folder)) return;
    files.push(
      entry.size === undefined
        ? { path, blobSha: entry.sha }
        : { path, blobSha: entry.sha, size: entry.size },
    );
  }

  private async tree(repository: GitRepository, commit: string, sha: string, recursive: boolean) {
    const url = this.http.url(
      `${this.repoPath(repository)}/git/trees/${encodeURIComponent(sha)}`,
      recursive ? { recursive: '1' } : {},
    );
    // 404: no such commit (or no access to the repository); 409: the repository is empty.
    const result = await this.http.getJson(url, GitHubTreeSchema, { absentOn: [404, 409] });
    if (!result)
      throw new GitHostRequestError(
        `GitHub has no commit ${commit} in ${repository.fullName} (or the token cannot read the repository)`,
        404,
      );
    return result.body;
  }

  private repoPath(repository: GitRepository) {
    return `/repos/${ownerAndName('GitHub', repository.fullName)}`;
  }
}
