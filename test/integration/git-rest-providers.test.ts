import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { GitRepository } from '../../events/inbound/git-push-received';
import { GiteaGitProvider } from '../../functions/adapters/git/gitea-git-provider';
import { GitHubGitProvider } from '../../functions/adapters/git/github-git-provider';
import { GitLabGitProvider } from '../../functions/adapters/git/gitlab-git-provider';
import { GitHostAuthError, GitHostRequestError } from '../../functions/adapters/git/http-client';
import { GitFileNotFoundError, GitProviderUnavailableError } from '../../functions/ports/git-provider';

// Real HTTP servers on 127.0.0.1 that answer like the hosts' REST APIs (response shapes from their docs).

const TOKEN = 'glpat-s3cr3t-t0ken-value';
const sha = (text: string) => createHash('sha1').update(text).digest('hex');
const COMMIT = sha('commit');

interface Entry {
  path: string;
  type: 'blob' | 'tree' | 'commit';
  size?: number;
}

/** The commit's files; `vendor/lib` is a submodule. */
const FILES: Entry[] = [
  { path: 'README.md', type: 'blob', size: 120 },
  { path: 'orders/datacontract.yaml', type: 'blob', size: 2048 },
  { path: 'orders/data/2024-01.csv', type: 'blob', size: 1_500_000 },
  { path: 'orders-archive/old.csv', type: 'blob', size: 10 },
  { path: 'dir with space/ünïcødé.csv', type: 'blob', size: 42 },
  { path: 'vendor/lib', type: 'commit' },
];
const DIRS = [
  ...new Set(
    FILES.flatMap((f) =>
      f.path
        .split('/')
        .slice(0, -1)
        .map((_, i, a) => a.slice(0, i + 1).join('/')),
    ),
  ),
];
const objectId = (entry: { path: string; type: string }) =>
  entry.path === '' ? sha('tree:') : sha(`${entry.type}:${entry.path}`);
const treeIdOf = (treeSha: string) =>
  treeSha === COMMIT ? '' : DIRS.find((d) => objectId({ path: d, type: 'tree' }) === treeSha);

/** Entries below directory `dir` (`''` the root), paths relative to it, like `git ls-tree [-r -t]`. */
const entriesOf = (dir: string, recursive: boolean): (Entry & { sha: string; mode: string })[] => {
  const prefix = dir ? `${dir}/` : '';
  const all: Entry[] = [...DIRS.map((path) => ({ path, type: 'tree' as const })), ...FILES];
  return all
    .filter((e) => e.path.startsWith(prefix) && (recursive || !e.path.slice(prefix.length).includes('/')))
    .map((e) => ({
      ...e,
      path: e.path.slice(prefix.length),
      sha: objectId(e),
      mode: e.type === 'tree' ? '040000' : e.type === 'commit' ? '160000' : '100644',
    }))
    .sort((a, b) => (a.path < b.path ? -1 : 1));
};

const BLOBS = FILES.filter((f) => f.type === 'blob').map((f) => ({
  path: f.path,
  blobSha: objectId(f),
  size: f.size,
}));
const sorted = <T extends { path: string }>(files: T[]) =>
  [...files].sort((a, b) => (a.path < b.path ? -1 : 1));

/** 1.5 MB of varied bytes: far more than one chunk of a socket read. */
const BIG = Buffer.alloc(1_500_000, 0);
for (let i = 0; i < BIG.length; i++) BIG[i] = (i * 31 + (i >> 9)) & 0xff;

// ---------------------------------------------------------------------------------------------------------

interface Recorded {
  url: string;
  headers: IncomingHttpHeaders;
}
type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => void;

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

const serve = async (handler: Handler) => {
  const requests: Recorded[] = [];
  const server = createServer((req, res) => {
    requests.push({ url: req.url ?? '', headers: req.headers });
    handler(req, res, new URL(req.url ?? '/', 'http://emulator'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, requests };
};

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
};

/** Writes the bytes in 64 KB pieces, as a server streaming a blob does. */
const sendBytes = (res: ServerResponse, bytes: Buffer, contentType = 'application/octet-stream') => {
  res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': String(bytes.length) });
  for (let i = 0; i < bytes.length; i += 65_536) res.write(bytes.subarray(i, i + 65_536));
  res.end();
};

const contentOf = (path: string) =>
  path === 'orders/data/2024-01.csv' ? BIG : Buffer.from(`content of ${path}\n`);

const collect = async (stream: AsyncIterable<Uint8Array>) => {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return { chunks, bytes: Buffer.concat(chunks) };
};

const decodedPath = (rawPath: string) => rawPath.split('/').map(decodeURIComponent).join('/');

// ---------------------------------------------------------------------------------------------------------

const githubRepo: GitRepository = { host: 'github', fullName: 'acme/data-products' };

/** GitHub Enterprise Server style: the API under `/api/v3`. `truncateRoot` emulates a too-large repository. */
const github = (options: { truncateRoot?: boolean } = {}): Handler => {
  return (req, res, url) => {
    const tree = /^\/api\/v3\/repos\/acme\/data-products\/git\/trees\/([0-9a-f]+)$/.exec(url.pathname);
    if (tree?.[1]) {
      const dir = treeIdOf(tree[1]);
      if (dir === undefined) return json(res, 404, { message: 'Not Found', status: '404' });
      const recursive = url.searchParams.has('recursive');
      const truncated = recursive && dir === '' && options.truncateRoot === true;
      const entries = entriesOf(dir, recursive).slice(0, truncated ? 2 : undefined);
      return json(res, 200, {
        sha: tree[1],
        url: `https://ghe.example.com/api/v3/repos/acme/data-products/git/trees/${tree[1]}`,
        tree: entries.map((e) => ({
          path: e.path,
          mode: e.mode,
          type: e.type,
          sha: e.sha,
          ...(e.type === 'blob' ? { size: e.size } : {}),
          ...(e.type === 'commit' ? {} : { url: `https://ghe.example.com/api/v3/repos/.../${e.sha}` }),
        })),
        truncated,
      });
    }
    const contents = /^\/api\/v3\/repos\/acme\/data-products\/contents\/(.+)$/.exec(url.pathname);
    if (contents?.[1] && url.searchParams.get('ref') === COMMIT && req.headers.accept?.includes('raw')) {
      const path = decodedPath(contents[1]);
      if (!FILES.some((f) => f.path === path && f.type === 'blob'))
        return json(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
      return sendBytes(res, contentOf(path), 'application/vnd.github.raw+json');
    }
    json(res, 404, { message: 'Not Found' });
  };
};

describe('GitHubGitProvider', () => {
  it('lists the blobs of the commit tree (not directories, not submodules) with the API headers', async () => {
    const server = await serve(github());
    const provider = new GitHubGitProvider({ baseUrl: `${server.origin}/api/v3/`, token: TOKEN });

    expect(await provider.listFiles(githubRepo, COMMIT)).toEqual(sorted(BLOBS));

    expect(server.requests.map((r) => r.url)).toEqual([
      `/api/v3/repos/acme/data-products/git/trees/${COMMIT}?recursive=1`,
    ]);
    const headers = server.requests[0]?.headers;
    expect(headers?.authorization).toBe(`Bearer ${TOKEN}`);
    expect(headers?.accept).toBe('application/vnd.github+json');
    expect(headers?.['x-github-api-version']).toBe('2022-11-28');
    expect(headers?.['user-agent']).toMatch(/data-mesh-platform/);
  });

  it('keeps only the files under a folder, given with or without its trailing slash', async () => {
    const server = await serve(github());
    const provider = new GitHubGitProvider({ baseUrl: `${server.origin}/api/v3`, token: TOKEN });

    for (const folder of ['orders', 'orders/', '/orders/'])
      expect((await provider.listFiles(githubRepo, COMMIT, folder)).map((f) => f.path)).toEqual([
        'orders/data/2024-01.csv',
        'orders/datacontract.yaml',
      ]);
    expect(await provider.listFiles(githubRepo, COMMIT, 'nowhere')).toEqual([]);
  });

  it('walks the sub-trees when GitHub truncates the recursive listing, along the folder only', async () => {
    const server = await serve(github({ truncateRoot: true }));
    const provider = new GitHubGitProvider({ baseUrl: `${server.origin}/api/v3`, token: TOKEN });

    expect(await provider.listFiles(githubRepo, COMMIT)).toEqual(sorted(BLOBS));

    server.requests.length = 0;
    expect((await provider.listFiles(githubRepo, COMMIT, 'orders')).map((f) => f.path)).toEqual([
      'orders/data/2024-01.csv',
      'orders/datacontract.yaml',
    ]);
    const trees = `/api/v3/repos/acme/data-products/git/trees`;
    expect(server.requests.map((r) => r.url)).toEqual([
      `${trees}/${COMMIT}?recursive=1`,
      `${trees}/${COMMIT}`,
      `${trees}/${objectId({ path: 'orders', type: 'tree' })}?recursive=1`,
    ]);
  });

  it('streams a file of 1.5 MB through the raw media type, its path encoded segment by segment', async () => {
    const server = await serve(github());
    const provider = new GitHubGitProvider({ baseUrl: `${server.origin}/api/v3`, token: TOKEN });

    const { chunks, bytes } = await collect(
      await provider.readFile(githubRepo, COMMIT, 'orders/data/2024-01.csv'),
    );
    expect(chunks.length).toBeGreaterThan(1);
    expect(bytes.equals(BIG)).toBe(true);

    const unicode = await collect(await provider.readFile(githubRepo, COMMIT, 'dir with space/ünïcødé.csv'));
    expect(unicode.bytes.toString()).toBe('content of dir with space/ünïcødé.csv\n');
    expect(server.requests[1]?.url).toBe(
      `/api/v3/repos/acme/data-products/contents/dir%20with%20space/%C3%BCn%C3%AFc%C3%B8d%C3%A9.csv?ref=${COMMIT}`,
    );
    expect(server.requests[1]?.headers.accept).toBe('application/vnd.github.raw+json');
  });

  it('throws GitFileNotFoundError on 404', async () => {
    const server = await serve(github());
    const provider = new GitHubGitProvider({ baseUrl: `${server.origin}/api/v3`, token: TOKEN });

    const error = await provider.readFile(githubRepo, COMMIT, 'orders/missing.csv').catch((e) => e);
    expect(error).toBeInstanceOf(GitFileNotFoundError);
    expect(error).toMatchObject({ path: 'orders/missing.csv', commit: COMMIT });
  });

  it('says no commit for a tree GitHub does not have', async () => {
    const server = await serve(github());
    const provider = new GitHubGitProvider({ baseUrl: `${server.origin}/api/v3`, token: TOKEN });

    await expect(provider.listFiles(githubRepo, sha('nope'))).rejects.toThrow(
      /GitHub has no commit [0-9a-f]{40}/,
    );
  });

  it('retries a 503, then succeeds', async () => {
    let calls = 0;
    const server = await serve((req, res, url) => {
      if (calls++ === 0) return json(res, 503, { message: 'Service Unavailable' });
      github()(req, res, url);
    });
    const provider = new GitHubGitProvider({ baseUrl: `${server.origin}/api/v3`, token: TOKEN });

    expect(await provider.listFiles(githubRepo, COMMIT)).toHaveLength(BLOBS.length);
    expect(server.requests).toHaveLength(2);
  });

  it('rejects a 401 as a token problem, without retrying and without the token in the message', async () => {
    const server = await serve((_req, res) =>
      json(res, 401, {
        message: 'Bad credentials',
        documentation_url: 'https://docs.github.com/rest',
        status: '401',
      }),
    );
    const provider = new GitHubGitProvider({ baseUrl: `${server.origin}/api/v3`, token: TOKEN });

    const error = await provider.listFiles(githubRepo, COMMIT).catch((e) => e);
    expect(error).toBeInstanceOf(GitHostAuthError);
    expect(error.message).toMatch(/^GitHub rejected the token: 401 Bad credentials \(GET \/api\/v3\/repos\//);
    expect(error.message).not.toContain(TOKEN);
    expect(server.requests).toHaveLength(1);
  });

  it('gives up at once on a rate limit that resets later than it is willing to wait', async () => {
    const reset = String(Math.floor(Date.now() / 1000) + 3600);
    const server = await serve((_req, res) =>
      json(
        res,
        403,
        { message: 'API rate limit exceeded for user ID 1.' },
        { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset },
      ),
    );
    const provider = new GitHubGitProvider({ baseUrl: `${server.origin}/api/v3`, token: TOKEN });

    const error = await provider.listFiles(githubRepo, COMMIT).catch((e) => e);
    expect(error).toBeInstanceOf(GitProviderUnavailableError);
    expect(error.message).toMatch(/API rate limit exceeded .* asks to retry in 3[56]\d\d s/);
    expect(server.requests).toHaveLength(1);
  });

  it('fails with GitProviderUnavailableError, naming the host, when the host never answers', async () => {
    const server = await serve(() => {
      // never answers
    });
    const provider = new GitHubGitProvider({
      baseUrl: `${server.origin}/api/v3`,
      token: TOKEN,
      timeoutMs: 200,
      retries: 1,
    });

    const error = await provider.listFiles(githubRepo, COMMIT).catch((e) => e);
    expect(error).toBeInstanceOf(GitProviderUnavailableError);
    expect(error.message).toBe(
      `GitHub (${server.origin}/api/v3) is unavailable: GET /api/v3/repos/acme/data-products/git/trees/${COMMIT}?recursive=1 did not answer within 200 ms (2 attempts)`,
    );
    expect(server.requests).toHaveLength(2);
  });

  it('fails the stream with GitProviderUnavailableError when the host stalls mid-file', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Length': '1000000' });
      res.write(Buffer.alloc(1000, 1));
    });
    const provider = new GitHubGitProvider({
      baseUrl: `${server.origin}/api/v3`,
      token: TOKEN,
      timeoutMs: 200,
    });

    const stream = await provider.readFile(githubRepo, COMMIT, 'orders/data/2024-01.csv');
    const error = await collect(stream).catch((e) => e);
    expect(error).toBeInstanceOf(GitProviderUnavailableError);
    expect(error.message).toMatch(/stopped sending GET .*: sent nothing for 200 ms/);
  });
});

// ---------------------------------------------------------------------------------------------------------

const gitlabRepo: GitRepository = { host: 'gitlab', fullName: 'group/sub/data' };
const PROJECT = '/api/v4/projects/group%2Fsub%2Fdata';

/** GitLab's tree answers `pageSize` entries a page: keyset (Link header) or offset (X-Next-Page) pagination. */
const gitlab = (origin: () => string, options: { pageSize: number; offset?: boolean }): Handler => {
  return (req, res, url) => {
    const raw = (req.url ?? '').split('?')[0] ?? '';
    const project =
      /^\/api\/v4\/projects\/(group%2Fsub%2Fdata|42)\/repository\/(tree|files\/([^/]+)\/raw)$/.exec(raw);
    if (!project) return json(res, 404, { error: '404 Not Found' });
    if (url.searchParams.get('ref') !== COMMIT) return json(res, 404, { message: '404 Tree Not Found' });
    if (project[2] === 'tree') {
      const path = url.searchParams.get('path') ?? '';
      if (path && !DIRS.includes(path)) return json(res, 404, { message: '404 Tree Not Found' });
      const recursive = url.searchParams.get('recursive') === 'true';
      const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 20), options.pageSize);
      const entries = entriesOf(path, recursive).map((e) => {
        const full = path ? `${path}/${e.path}` : e.path;
        return { id: e.sha, name: full.split('/').pop(), type: e.type, path: full, mode: e.mode };
      });
      let start: number;
      const headers: Record<string, string> = {};
      if (options.offset) {
        const page = Number(url.searchParams.get('page') ?? 1);
        start = (page - 1) * perPage;
        Object.assign(headers, {
          'X-Page': String(page),
          'X-Per-Page': String(perPage),
          'X-Prev-Page': page > 1 ? String(page - 1) : '',
          'X-Next-Page': start + perPage < entries.length ? String(page + 1) : '',
        });
      } else {
        const token = url.searchParams.get('page_token');
        start = token ? entries.findIndex((e) => e.id === Buffer.from(token, 'base64url').toString()) + 1 : 0;
        const last = entries[start + perPage - 1];
        if (start + perPage < entries.length && last) {
          const next = new URL(`${origin()}${raw}`);
          for (const [name, value] of url.searchParams) next.searchParams.set(name, value);
          next.searchParams.set('page_token', Buffer.from(last.id).toString('base64url'));
          headers.Link = `<${next.href}>; rel="next", <${origin()}${raw}?pagination=keyset>; rel="first"`;
        }
      }
      return json(res, 200, entries.slice(start, start + perPage), headers);
    }
    const path = decodeURIComponent(project[3] ?? '');
    if (!FILES.some((f) => f.path === path && f.type === 'blob'))
      return json(res, 404, { message: '404 File Not Found' });
    sendBytes(res, contentOf(path), 'text/plain; charset=utf-8');
  };
};

describe('GitLabGitProvider', () => {
  const start = async (options: { pageSize: number; offset?: boolean }) => {
    let origin = '';
    const server = await serve(gitlab(() => origin, options));
    origin = server.origin;
    return server;
  };

  it('pages through the recursive tree by the Link header (keyset), the project path encoded', async () => {
    const server = await start({ pageSize: 3 });
    const provider = new GitLabGitProvider({ baseUrl: `${server.origin}/api/v4`, token: TOKEN });

    const files = await provider.listFiles(gitlabRepo, COMMIT);
    expect(files).toEqual(sorted(BLOBS.map(({ path, blobSha }) => ({ path, blobSha }))));

    expect(server.requests.length).toBeGreaterThan(2);
    expect(server.requests[0]?.url).toBe(
      `${PROJECT}/repository/tree?ref=${COMMIT}&recursive=true&per_page=100&pagination=keyset`,
    );
    expect(server.requests[1]?.url).toMatch(/[?&]page_token=/);
    expect(server.requests.every((r) => r.headers['private-token'] === TOKEN)).toBe(true);
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('follows X-Next-Page (offset pagination) and addresses the project by its id when known', async () => {
    const server = await start({ pageSize: 4, offset: true });
    const provider = new GitLabGitProvider({ baseUrl: `${server.origin}/api/v4`, token: TOKEN });

    const files = await provider.listFiles({ ...gitlabRepo, hostId: 42 }, COMMIT);
    expect(files.map((f) => f.path)).toEqual(sorted(BLOBS).map((f) => f.path));
    expect(server.requests.map((r) => r.url)).toEqual([
      `/api/v4/projects/42/repository/tree?ref=${COMMIT}&recursive=true&per_page=100&pagination=keyset`,
      `/api/v4/projects/42/repository/tree?ref=${COMMIT}&recursive=true&per_page=100&page=2`,
      `/api/v4/projects/42/repository/tree?ref=${COMMIT}&recursive=true&per_page=100&page=3`,
    ]);
  });

  it('asks for a folder with path=; a folder the commit lacks is empty, a commit it lacks an error', async () => {
    const server = await start({ pageSize: 100 });
    const provider = new GitLabGitProvider({ baseUrl: `${server.origin}/api/v4`, token: TOKEN });

    expect((await provider.listFiles(gitlabRepo, COMMIT, 'orders/')).map((f) => f.path)).toEqual([
      'orders/data/2024-01.csv',
      'orders/datacontract.yaml',
    ]);
    expect(server.requests[0]?.url).toBe(
      `${PROJECT}/repository/tree?ref=${COMMIT}&recursive=true&per_page=100&pagination=keyset&path=orders`,
    );

    expect(await provider.listFiles(gitlabRepo, COMMIT, 'nowhere')).toEqual([]);
    await expect(provider.listFiles(gitlabRepo, sha('nope'), 'orders')).rejects.toThrow(
      /GitLab has no commit/,
    );
  });

  it('streams a raw file, its whole path encoded (slashes as %2F), and 404s as GitFileNotFoundError', async () => {
    const server = await start({ pageSize: 100 });
    const provider = new GitLabGitProvider({ baseUrl: `${server.origin}/api/v4`, token: TOKEN });

    const { chunks, bytes } = await collect(
      await provider.readFile(gitlabRepo, COMMIT, 'orders/data/2024-01.csv'),
    );
    expect(chunks.length).toBeGreaterThan(1);
    expect(bytes.equals(BIG)).toBe(true);

    const unicode = await collect(await provider.readFile(gitlabRepo, COMMIT, 'dir with space/ünïcødé.csv'));
    expect(unicode.bytes.toString()).toBe('content of dir with space/ünïcødé.csv\n');
    expect(server.requests[1]?.url).toBe(
      `${PROJECT}/repository/files/dir%20with%20space%2F%C3%BCn%C3%AFc%C3%B8d%C3%A9.csv/raw?ref=${COMMIT}&lfs=true`,
    );

    await expect(provider.readFile(gitlabRepo, COMMIT, 'orders/missing.csv')).rejects.toBeInstanceOf(
      GitFileNotFoundError,
    );
  });

  it('follows a redirect to another host (LFS object storage) without the token', async () => {
    const storage = await serve((_req, res) => sendBytes(res, Buffer.from('lfs object')));
    const server = await serve((_req, res) => {
      res.writeHead(302, { Location: `${storage.origin}/lfs/objects/ab/cd?X-Amz-Signature=x` });
      res.end();
    });
    const provider = new GitLabGitProvider({ baseUrl: `${server.origin}/api/v4`, token: TOKEN });

    const { bytes } = await collect(await provider.readFile(gitlabRepo, COMMIT, 'big.parquet'));
    expect(bytes.toString()).toBe('lfs object');
    expect(server.requests[0]?.headers['private-token']).toBe(TOKEN);
    expect(storage.requests[0]?.headers['private-token']).toBeUndefined();
  });

  it('never puts the token into a message, even when the host echoes it', async () => {
    const server = await serve((_req, res) =>
      json(res, 403, { message: `403 Forbidden - token ${TOKEN} lacks read_api` }),
    );
    const provider = new GitLabGitProvider({ baseUrl: `${server.origin}/api/v4`, token: TOKEN });

    const error = await provider.listFiles(gitlabRepo, COMMIT).catch((e) => e);
    expect(error).toBeInstanceOf(GitHostAuthError);
    expect(error.message).toMatch(
      /^GitLab rejected the token: 403 403 Forbidden - token \[token\] lacks read_api/,
    );
    expect(error.message).not.toContain(TOKEN);
  });

  it('gives up at once on a 429 whose Retry-After is beyond the cap', async () => {
    const server = await serve((_req, res) =>
      json(res, 429, { message: 'Retry later' }, { 'Retry-After': '3600' }),
    );
    const provider = new GitLabGitProvider({ baseUrl: `${server.origin}/api/v4`, token: TOKEN });

    await expect(provider.listFiles(gitlabRepo, COMMIT)).rejects.toThrow(
      new GitProviderUnavailableError(
        `GitLab (${server.origin}/api/v4) is unavailable: GET ${PROJECT}/repository/tree?ref=${COMMIT}&recursive=true&per_page=100&pagination=keyset answered 429 Retry later and asks to retry in 3600 s`,
      ),
    );
    expect(server.requests).toHaveLength(1);
  });
});

// ---------------------------------------------------------------------------------------------------------

const giteaRepo: GitRepository = { host: 'forgejo', fullName: 'acme/data-products' };

/** Gitea serves at most `maxPerPage` tree entries a page; `legacy` sets `truncated` on the last page too. */
const gitea = (options: { maxPerPage: number; legacy?: boolean }): Handler => {
  return (_req, res, url) => {
    const tree = /^\/api\/v1\/repos\/acme\/data-products\/git\/trees\/([0-9a-f]+)$/.exec(url.pathname);
    if (tree?.[1]) {
      if (treeIdOf(tree[1]) !== '') return json(res, 400, { message: `sha not found [${tree[1]}]`, url: '' });
      const entries = entriesOf('', url.searchParams.get('recursive') === 'true');
      const requested = Number(url.searchParams.get('per_page') ?? 0);
      const perPage = requested <= 0 || requested > options.maxPerPage ? options.maxPerPage : requested;
      const page = Math.max(1, Number(url.searchParams.get('page') ?? 1));
      const start = perPage * (page - 1);
      const body = {
        sha: tree[1],
        url: 'https://gitea.example.com/api/v1/…',
        tree: null as unknown,
        truncated: false,
        page,
        total_count: entries.length,
      };
      if (start < entries.length) {
        body.tree = entries.slice(start, start + perPage).map((e) => ({ ...e, size: e.size ?? 0, url: '' }));
        body.truncated = options.legacy ? entries.length > perPage : start + perPage < entries.length;
      }
      return json(res, 200, body, { 'X-Total-Count': String(entries.length) });
    }
    const media = /^\/api\/v1\/repos\/acme\/data-products\/media\/(.+)$/.exec(url.pathname);
    if (media?.[1] && url.searchParams.get('ref') === COMMIT) {
      const path = decodedPath(media[1]);
      if (FILES.some((f) => f.path === path && f.type === 'blob')) return sendBytes(res, contentOf(path));
    }
    json(res, 404, {
      errors: [],
      message: "The target couldn't be found.",
      url: 'https://gitea.example.com/api/swagger',
    });
  };
};

describe('GiteaGitProvider', () => {
  it('follows the pages of a truncated tree, with the token header', async () => {
    const server = await serve(gitea({ maxPerPage: 4 }));
    const provider = new GiteaGitProvider({ baseUrl: `${server.origin}/api/v1`, token: TOKEN });

    expect(await provider.listFiles(giteaRepo, COMMIT)).toEqual(sorted(BLOBS));
    const tree = `/api/v1/repos/acme/data-products/git/trees/${COMMIT}?recursive=true&per_page=1000`;
    expect(server.requests.map((r) => r.url)).toEqual([`${tree}&page=1`, `${tree}&page=2`, `${tree}&page=3`]);
    expect(server.requests[0]?.headers.authorization).toBe(`token ${TOKEN}`);
  });

  it('stops at total_count on a Gitea that marks every page truncated', async () => {
    const server = await serve(gitea({ maxPerPage: 5, legacy: true }));
    const provider = new GiteaGitProvider({ baseUrl: `${server.origin}/api/v1`, token: TOKEN });

    expect(await provider.listFiles(giteaRepo, COMMIT, 'orders')).toEqual(
      sorted(BLOBS.filter((f) => f.path.startsWith('orders/'))),
    );
    // 11 entries, 5 a page: 3 pages, not a 4th empty one.
    expect(server.requests).toHaveLength(3);
  });

  it('streams /media/ files and 404s as GitFileNotFoundError; a 503 with Retry-After: 0 is retried', async () => {
    let calls = 0;
    const handler = gitea({ maxPerPage: 1000 });
    const server = await serve((req, res, url) => {
      if (calls++ === 0) return json(res, 503, { message: 'maintenance' }, { 'Retry-After': '0' });
      handler(req, res, url);
    });
    const provider = new GiteaGitProvider({
      baseUrl: `${server.origin}/api/v1`,
      token: TOKEN,
      hostName: 'Forgejo',
    });

    const { chunks, bytes } = await collect(
      await provider.readFile(giteaRepo, COMMIT, 'orders/data/2024-01.csv'),
    );
    expect(chunks.length).toBeGreaterThan(1);
    expect(bytes.equals(BIG)).toBe(true);
    expect(server.requests.map((r) => r.url)).toEqual([
      `/api/v1/repos/acme/data-products/media/orders/data/2024-01.csv?ref=${COMMIT}`,
      `/api/v1/repos/acme/data-products/media/orders/data/2024-01.csv?ref=${COMMIT}`,
    ]);

    await collect(await provider.readFile(giteaRepo, COMMIT, 'dir with space/ünïcødé.csv'));
    expect(server.requests[2]?.url).toBe(
      `/api/v1/repos/acme/data-products/media/dir%20with%20space/%C3%BCn%C3%AFc%C3%B8d%C3%A9.csv?ref=${COMMIT}`,
    );

    await expect(provider.readFile(giteaRepo, COMMIT, 'missing.csv')).rejects.toBeInstanceOf(
      GitFileNotFoundError,
    );
  });

  it('says no commit when Gitea answers 400 sha not found', async () => {
    const server = await serve(gitea({ maxPerPage: 1000 }));
    const provider = new GiteaGitProvider({
      baseUrl: `${server.origin}/api/v1`,
      token: TOKEN,
      hostName: 'Forgejo',
    });

    const error = await provider.listFiles(giteaRepo, sha('nope')).catch((e) => e);
    expect(error).toBeInstanceOf(GitHostRequestError);
    expect(error.message).toMatch(/^Forgejo has no commit/);
  });

  it('fails with GitProviderUnavailableError when the connection drops', async () => {
    const server = await serve((req) => req.socket.destroy());
    const provider = new GiteaGitProvider({ baseUrl: `${server.origin}/api/v1`, token: TOKEN, retries: 0 });

    const error = await provider.listFiles(giteaRepo, COMMIT).catch((e) => e);
    expect(error).toBeInstanceOf(GitProviderUnavailableError);
    expect(error.message).toMatch(
      new RegExp(`^Gitea \\(${server.origin}/api/v1\\) is unavailable: GET .* failed: fetch failed`),
    );
  });
});
