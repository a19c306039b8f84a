import type { GitRepository } from '../../../events/inbound/git-push-received';
import { GitFileNotFoundError, type GitProvider, type GitTreeFile } from '../../ports/git-provider';
import * as z from '../../shared/zod';
import {
  byPath,
  GitHostRequestError,
  type GitRestProviderOptions,
  HttpClient,
  isUnder,
  normaliseFolder,
} from './http-client';

export const GITLAB_API_URL = 'https://gitlab.com/api/v4';

/** `GET /projects/:id/repository/tree`: `id` is the object id (the blob sha for a file). */
const GitLabTreeSchema = z.array(
  z.object({
    id: z.string(),
    name: z.optional(z.string()),
    type: z.string(),
    path: z.string(),
    mode: z.optional(z.string()),
  }),
);

/** The most GitLab serves per page. */
const PER_PAGE = '100';
/** 1,000,000 entries: a bound on a host that keeps answering with a next page. */
const MAX_PAGES = 10_000;

/** The `rel="next"` target of a Link header: `<https://…&page_token=…>; rel="next", <…>; rel="first"`. */
const nextLink = (link: string | null): string | undefined => {
  for (const part of link?.split(/,\s*(?=<)/) ?? []) {
    const match = /^<([^>]*)>(.*)$/.exec(part.trim());
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^;\s]+))/i.exec(match?.[2] ?? '');
    const rels = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/);
    if (match?.[1] && rels.includes('next')) return match[1];
  }
  return undefined;
};

/**
 * GitLab (gitlab.com or self-managed, `baseUrl` `https://host/api/v4`) through its REST API.
 *
 * The project is addressed by `repository.hostId` when the webhook gave it (stable across renames and
 * transfers), else by its URL-encoded path (`group%2Fsub%2Fproject`).
 *
 * listFiles asks for the recursive tree 100 entries a page with keyset pagination and follows the Link
 * header's `rel="next"`; an instance without keyset pagination for trees (before 17.1) pages by number, and
 * the adapter then follows `X-Next-Page`. A `folder` is passed as `path=`; a folder the commit does not have is
 * an empty list, told apart from a missing commit by a one-entry listing of the root.
 *
 * readFile asks for `lfs=true`: a Git LFS file comes back as its content, not its pointer (older instances
 * ignore the parameter).
 */
export class GitLabGitProvider implements GitProvider {
  private readonly http: HttpClient;

  constructor(options: GitRestProviderOptions) {
    this.http = new HttpClient({
      ...options,
      hostName: 'GitLab',
      baseUrl: options.baseUrl ?? GITLAB_API_URL,
      authHeaders: { 'PRIVATE-TOKEN': options.token },
    });
  }

  async listFiles(repository: GitRepository, commit: string, folder?: string): Promise<GitTreeFile[]> {
    const path = normaliseFolder(folder);
    const files: GitTreeFile[] = [];
    let url: URL | undefined = this.http.url(`${this.projectPath(repository)}/repository/tree`, {
      ref: commit,
      recursive: 'true',
      per_page: PER_PAGE,
      pagination: 'keyset',
      path: path || undefined,
    });
    for (let page = 1; url; page++) {
      if (page > MAX_PAGES)
        throw new GitHostRequestError(
          `GitLab kept paging the tree of ${repository.fullName} at ${commit} past ${MAX_PAGES} pages`,
        );
      const result = await this.http.getJson(url, GitLabTreeSchema, { absentOn: page === 1 ? [404] : [] });
      if (!result) {
        if (path && (await this.commitExists(repository, commit))) return [];
        throw new GitHostRequestError(
          `GitLab has no commit ${commit} in ${repository.fullName} (or the token cannot read the project)`,
          404,
        );
      }
      for (const entry of result.body)
        if (entry.type === 'blob' && isUnder(entry.path, path))
          files.push({ path: entry.path, blobSha: entry.id });
      url = this.next(url, result.headers);
    }
    return files.sort(byPath);
  }

  async readFile(
    repository: GitRepository,
    commit: string,
    path: string,
  ): Promise<AsyncIterable<Uint8Array>> {
    const file = encodeURIComponent(path.replace(/^\/+/, ''));
    const url = this.http.url(`${this.projectPath(repository)}/repository/files/${file}/raw`, {
      ref: commit,
      lfs: 'true',
    });
    const body = await this.http.getStream(url, { absentOn: [404] });
    if (!body) throw new GitFileNotFoundError(path, commit);
    return body;
  }

  /** Keyset pagination: the Link header; offset pagination: `X-Next-Page` (empty on the last page). */
  private next(current: URL, headers: Headers): URL | undefined {
    const link = nextLink(headers.get('link'));
    if (link) return this.http.rebase(link);
    const page = headers.get('x-next-page')?.trim();
    if (!page) return undefined;
    const url = new URL(current);
    url.searchParams.delete('pagination');
    url.searchParams.set('page', page);
    return url;
  }

  private async commitExists(repository: GitRepository, commit: string) {
    const url = this.http.url(`${this.projectPath(repository)}/repository/tree`, {
      ref: commit,
      per_page: '1',
    });
    return (await this.http.getJson(url, GitLabTreeSchema, { absentOn: [404] })) !== undefined;
  }

  private projectPath(repository: GitRepository) {
    const id =
      repository.hostId !== undefined ? String(repository.hostId) : encodeURIComponent(repository.fullName);
    return `/projects/${id}`;
  }
}
