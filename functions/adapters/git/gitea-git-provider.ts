import type { GitRepository } from '../../../events/inbound/git-push-received';
import { ConfigurationError } from '../../core/errors';
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

/** `GET /repos/{owner}/{repo}/git/trees/{sha}`: `tree` is null on a page past the end. */
const GiteaTreeSchema = z.object({
  sha: z.string(),
  tree: z.nullish(
    z.array(
      z.object({
        path: z.string(),
        mode: z.optional(z.string()),
        type: z.string(),
        size: z.optional(z.number()),
        sha: z.string(),
      }),
    ),
  ),
  truncated: z.optional(z.boolean()),
  page: z.optional(z.number()),
  total_count: z.optional(z.number()),
});

/** Gitea's default cap (`[api] DEFAULT_GIT_TREES_PER_PAGE`); an instance with a lower cap serves fewer. */
const PER_PAGE = 1000;
const MAX_PAGES = 10_000;

export interface GiteaGitProviderOptions extends GitRestProviderOptions {
  /** How messages name the host. Default `Gitea`. */
  hostName?: 'Gitea' | 'Forgejo';
}

/**
 * Gitea and Forgejo (which share the API) through their REST API. `baseUrl` is required, there is no public
 * default host: `https://gitea.example.com/api/v1`, `https://codeberg.org/api/v1`.
 *
 * listFiles pages through the recursive tree. It stops when a page says it is not `truncated`, when the entries
 * received reach `total_count`, or on an empty page: older Gitea versions set `truncated` on every page of a
 * listing longer than one page, the last included.
 *
 * readFile reads `/media/{path}`, which serves a Git LFS file's content where `/raw/` would give its pointer.
 */
export class GiteaGitProvider implements GitProvider {
  private readonly http: HttpClient;
  private readonly hostName: string;

  constructor(options: GiteaGitProviderOptions) {
    this.hostName = options.hostName ?? 'Gitea';
    if (!options.baseUrl)
      throw new ConfigurationError(
        `${this.hostName} has no public default host: baseUrl (https://host/api/v1) is required`,
      );
    this.http = new HttpClient({
      ...options,
      hostName: this.hostName,
      baseUrl: options.baseUrl,
      authHeaders: { Authorization: `token ${options.token}` },
    });
  }

  async listFiles(repository: GitRepository, commit: string, folder?: string): Promise<GitTreeFile[]> {
    const path = normaliseFolder(folder);
    const files: GitTreeFile[] = [];
    let received = 0;
    for (let page = 1; ; page++) {
      if (page > MAX_PAGES)
        throw new GitHostRequestError(
          `${this.hostName} kept paging the tree of ${repository.fullName} at ${commit} past ${MAX_PAGES} pages`,
        );
      const url = this.http.url(`${this.repoPath(repository)}/git/trees/${encodeURIComponent(commit)}`, {
        recursive: 'true',
        per_page: String(PER_PAGE),
        page: String(page),
      });
      // Gitea answers 400 "sha not found" for a commit it does not have; 404 is a repository it does not show.
      const result = await this.http.getJson(url, GiteaTreeSchema, { absentOn: [400, 404] });
      if (!result)
        throw new GitHostRequestError(
          `${this.hostName} has no commit ${commit} in ${repository.fullName} (or the token cannot read the repository)`,
          404,
        );
      const entries = result.body.tree ?? [];
      for (const entry of entries) {
        // `tree` entries are directories, `commit` entries submodules.
        if (entry.type !== 'blob' || !isUnder(entry.path, path)) continue;
        files.push(
          entry.size === undefined
            ? { path: entry.path, blobSha: entry.sha }
            : { path: entry.path, blobSha: entry.sha, size: entry.size },
        );
      }
      received += entries.length;
      const total = result.body.total_count;
      if (!result.body.truncated || entries.length === 0 || (total !== undefined && received >= total)) break;
    }
    return files.sort(byPath);
  }

  async readFile(
    repository: GitRepository,
    commit: string,
    path: string,
  ): Promise<AsyncIterable<Uint8Array>> {
    const url = this.http.url(`${this.repoPath(repository)}/media/${encodePath(path)}`, { ref: commit });
    const body = await this.http.getStream(url, { absentOn: [404] });
    if (!body) throw new GitFileNotFoundError(path, commit);
    return body;
  }

  private repoPath(repository: GitRepository) {
    return `/repos/${ownerAndName(this.hostName, repository.fullName)}`;
  }
}
