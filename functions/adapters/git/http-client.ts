import { setTimeout as sleep } from 'node:timers/promises';
import { GitProviderUnavailableError } from '../../ports/git-provider';
import { retryAfterMs } from '../../shared/retry-after';
import type * as z from '../../shared/zod';

/** What the three REST adapters (GitHub, GitLab, Gitea/Forgejo) take. */
export interface GitRestProviderOptions {
  /** The API root, e.g. `https://github.example.com/api/v3`; each adapter has the public host as default. */
  baseUrl?: string;
  /** Sent only to the API's origin; never logged, never part of an error message. */
  token: string;
  /**
   * Per attempt: until the status line and headers arrive (and, for JSON, the whole body). While a file is
   * streamed, the longest wait for its next chunk. Default 10 s.
   */
  timeoutMs?: number;
  /** Further attempts after a timeout, a network error, a 429 or a 5xx. Default 2. */
  retries?: number;
  fetch?: typeof fetch;
}

export interface HttpClientOptions {
  /** How messages name the host: `GitHub`. */
  hostName: string;
  baseUrl: string;
  token: string;
  /** The credentials: sent to the origin of `baseUrl` only, dropped on a redirect to another host. */
  authHeaders: Record<string, string>;
  /** Sent with every request (User-Agent, API version). */
  headers?: Record<string, string>;
  /** Accept header of JSON requests. Default `application/json`. */
  jsonAccept?: string;
  timeoutMs?: number;
  retries?: number;
  fetch?: typeof fetch;
  /** First back-off; doubles on each retry. Default 200 ms. */
  backoffMs?: number;
  /**
   * The longest wait a Retry-After (or a rate-limit reset) may ask for; a longer one fails at once with
   * GitProviderUnavailableError, and the push is retried by the bus instead of holding the Lambda. Default 5 s.
   */
  maxRetryDelayMs?: number;
}

export interface RequestOptions {
  accept?: string;
  /** Statuses that mean "no such thing": the request resolves to undefined instead of throwing. */
  absentOn?: readonly number[];
}

export const USER_AGENT = 'data-mesh-platform (git-provider)';

/** The host answered in a way retrying will not fix: an unexpected 4xx, or a body of the wrong shape. */
export class GitHostRequestError extends Error {
  override readonly name: string = 'GitHostRequestError';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** 401 (the token is invalid or expired) or 403 (it lacks access): a configuration problem, not retried. */
export class GitHostAuthError extends GitHostRequestError {
  override readonly name: string = 'GitHostAuthError';
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_RETRIES = 2;
const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * An abort controller with a re-armable timer. `AbortSignal.timeout` cannot be disarmed: it would cut a file
 * download that simply takes longer than the timeout. This one bounds the wait for the headers (and a JSON
 * body), then each wait for the next chunk of a stream.
 */
class Deadline {
  readonly controller = new AbortController();
  timedOut = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly ms: number) {
    this.arm();
  }

  get signal() {
    return this.controller.signal;
  }

  arm() {
    this.disarm();
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort(new Error(`no answer within ${this.ms} ms`));
    }, this.ms);
  }

  disarm() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

const causeMessage = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error);
  // undici: TypeError('fetch failed') with the socket error (ECONNREFUSED, ECONNRESET, …) as its cause.
  const cause = error.cause;
  if (cause instanceof Error && cause.message) return `${error.message} (${cause.message})`;
  return error.message;
};

const discard = async (response: Response) => {
  await response.body?.cancel().catch(() => undefined);
};

/** The host's own words about an error, short: GitHub/Gitea `message`, GitLab `message` or `error`. */
const errorDetail = async (response: Response): Promise<string> => {
  const text = await response.text().catch(() => '');
  let detail = text;
  try {
    const json: unknown = JSON.parse(text);
    if (typeof json === 'object' && json !== null) {
      const record = json as Record<string, unknown>;
      const message = record.message ?? record.error_description ?? record.error;
      if (typeof message === 'string') detail = message;
      else if (message !== undefined) detail = JSON.stringify(message);
    }
  } catch {
    // not JSON: the text itself (an HTML error page of a proxy, say)
  }
  detail = detail.replace(/\s+/g, ' ').trim();
  return detail.length > 200 ? `${detail.slice(0, 200)}…` : detail;
};

/** Milliseconds to wait as the response asks: Retry-After (seconds or an HTTP date), else a rate-limit reset. */
const requestedDelay = (headers: Headers, now = Date.now()): number | undefined => {
  const asked = retryAfterMs(headers.get('retry-after'), now);
  if (asked !== undefined) return asked;
  // GitHub's primary rate limit: x-ratelimit-remaining 0 and x-ratelimit-reset in epoch seconds.
  if (headers.get('x-ratelimit-remaining') === '0') {
    const reset = Number(headers.get('x-ratelimit-reset'));
    if (Number.isFinite(reset) && reset > 0) return Math.max(0, reset * 1000 - now);
  }
  return undefined;
};

/** GitHub answers 403 (not only 429) when a rate limit is hit; it says so with these headers. */
const isRateLimited = (response: Response) =>
  response.status === 429 ||
  (response.status === 403 &&
    (response.headers.has('retry-after') || response.headers.get('x-ratelimit-remaining') === '0'));

const isRetryable = (response: Response) => response.status >= 500 || isRateLimited(response);

/** Errors this module raises on purpose; anything else thrown while fetching is a network failure. */
const isFinal = (error: unknown) =>
  error instanceof GitHostRequestError || error instanceof GitProviderUnavailableError;

/**
 * A small GET-only client for the hosts' REST APIs: a timeout per attempt, bounded retries with exponential
 * back-off on timeouts, network errors, 429 and 5xx (honouring Retry-After up to a cap), redirects followed
 * by hand so that the credentials never leave the API's origin, and JSON bodies checked with zod.
 */
export class HttpClient {
  readonly baseUrl: string;
  private readonly origin: string;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly maxRetryDelayMs: number;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: HttpClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.origin = new URL(this.baseUrl).origin;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.retries = Math.max(0, options.retries ?? DEFAULT_RETRIES);
    this.backoffMs = options.backoffMs ?? 200;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 5_000;
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  /** `path` is appended to the base URL as is: encode its segments first (see `encodePath`). */
  url(path: string, query: Record<string, string | undefined> = {}): URL {
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [name, value] of Object.entries(query))
      if (value !== undefined) url.searchParams.set(name, value);
    return url;
  }

  /** A URL the host handed out (a pagination link), re-rooted on the API's origin so the token may go along. */
  rebase(link: string): URL {
    const url = new URL(link, this.baseUrl);
    return new URL(`${url.pathname}${url.search}`, this.origin);
  }

  /** The parsed body and the response headers; undefined when the status is one of `absentOn`. */
  async getJson<S extends z.ZodMiniType>(
    url: URL,
    schema: S,
    options: RequestOptions = {},
  ): Promise<{ body: z.infer<S>; headers: Headers } | undefined> {
    return this.request(
      url,
      { accept: this.options.jsonAccept ?? 'application/json', ...options },
      async (response, deadline) => {
        const text = await response.text();
        deadline.disarm();
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          throw new GitHostRequestError(
            this.scrub(
              `${this.options.hostName} answered GET ${this.show(url)} with a body that is not JSON`,
            ),
            response.status,
          );
        }
        const parsed = schema.safeParse(json);
        if (!parsed.success) {
          const details = parsed.error.issues
            .map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`)
            .join('; ');
          throw new GitHostRequestError(
            this.scrub(
              `${this.options.hostName} answered GET ${this.show(url)} with an unexpected body: ${details}`,
            ),
            response.status,
          );
        }
        return { body: parsed.data, headers: response.headers };
      },
    );
  }

  /**
   * The body as it arrives, chunk by chunk, never buffered whole; undefined when the status is one of
   * `absentOn`. Stopping the iteration early closes the connection. A stall longer than the timeout, or a
   * connection lost mid-body, fails the iteration with GitProviderUnavailableError (not retried: the bytes
   * already handed out cannot be taken back).
   */
  async getStream(url: URL, options: RequestOptions = {}): Promise<AsyncIterable<Uint8Array> | undefined> {
    return this.request(url, options, async (response, deadline) => {
      deadline.disarm();
      const body = response.body;
      if (!body) return (async function* () {})();
      return this.iterate(url, body, deadline);
    });
  }

  private async *iterate(url: URL, body: ReadableStream<Uint8Array>, deadline: Deadline) {
    const reader = body.getReader();
    let done = false;
    try {
      while (!done) {
        deadline.arm();
        let chunk: Awaited<ReturnType<typeof reader.read>>;
        try {
          chunk = await reader.read();
        } catch (error) {
          const what = deadline.timedOut
            ? `sent nothing for ${this.timeoutMs} ms`
            : `failed: ${causeMessage(error)}`;
          throw new GitProviderUnavailableError(
            this.scrub(`${this.describeHost()} stopped sending GET ${this.show(url)}: ${what}`),
            { cause: error },
          );
        } finally {
          deadline.disarm();
        }
        done = chunk.done;
        if (chunk.value) yield chunk.value;
      }
    } finally {
      deadline.disarm();
      if (!done) await reader.cancel().catch(() => undefined);
      reader.releaseLock();
    }
  }

  private async request<T>(
    url: URL,
    options: RequestOptions,
    consume: (response: Response, deadline: Deadline) => Promise<T>,
  ): Promise<T | undefined> {
    const attempts = this.retries + 1;
    for (let attempt = 1; ; attempt++) {
      const deadline = new Deadline(this.timeoutMs);
      let failure: string;
      let cause: unknown;
      let delay: number | undefined;
      try {
        const response = await this.send(url, options.accept ?? 'application/json', deadline.signal);
        if (response.ok) return await consume(response, deadline);
        if (options.absentOn?.includes(response.status)) {
          await discard(response);
          return undefined;
        }
        const detail = await errorDetail(response);
        const status = `${response.status}${detail ? ` ${detail}` : ''}`;
        if (!isRetryable(response)) {
          if (response.status === 401 || response.status === 403)
            throw new GitHostAuthError(
              this.scrub(`${this.options.hostName} rejected the token: ${status} (GET ${this.show(url)})`),
              response.status,
            );
          throw new GitHostRequestError(
            this.scrub(`${this.options.hostName} answered ${status} to GET ${this.show(url)}`),
            response.status,
          );
        }
        failure = `answered ${status}`;
        delay = requestedDelay(response.headers);
        if (delay !== undefined && delay > this.maxRetryDelayMs)
          throw new GitProviderUnavailableError(
            this.scrub(
              `${this.describeHost()} is unavailable: GET ${this.show(url)} ${failure} and asks to retry in ${Math.ceil(delay / 1000)} s`,
            ),
          );
      } catch (error) {
        if (isFinal(error)) throw error;
        failure = deadline.timedOut
          ? `did not answer within ${this.timeoutMs} ms`
          : `failed: ${causeMessage(error)}`;
        cause = error;
      } finally {
        deadline.disarm();
      }
      if (attempt >= attempts)
        throw new GitProviderUnavailableError(
          this.scrub(
            `${this.describeHost()} is unavailable: GET ${this.show(url)} ${failure} (${attempts} attempt${attempts === 1 ? '' : 's'})`,
          ),
          { cause },
        );
      await sleep(delay ?? this.backoffMs * 2 ** (attempt - 1));
    }
  }

  /** One attempt, following redirects by hand: the credentials go to the API's origin only. */
  private async send(url: URL, accept: string, signal: AbortSignal): Promise<Response> {
    let current = url;
    let authorised = true;
    for (let hop = 0; ; hop++) {
      authorised &&= current.origin === this.origin;
      const response = await this.fetch(current, {
        method: 'GET',
        redirect: 'manual',
        signal,
        headers: {
          'User-Agent': USER_AGENT,
          ...this.options.headers,
          Accept: accept,
          ...(authorised ? this.options.authHeaders : {}),
        },
      });
      if (!REDIRECTS.has(response.status)) return response;
      const location = response.headers.get('location');
      await discard(response);
      if (!location || hop >= MAX_REDIRECTS)
        throw new GitHostRequestError(
          this.scrub(
            `${this.options.hostName} answered GET ${this.show(url)} with ${location ? 'too many redirects' : `a ${response.status} without a location`}`,
          ),
          response.status,
        );
      current = new URL(location, current);
    }
  }

  private describeHost() {
    return `${this.options.hostName} (${this.baseUrl})`;
  }

  /** A request's path and query, for messages: the base URL is named once, in `describeHost`. */
  private show(url: URL) {
    return url.origin === this.origin ? `${url.pathname}${url.search}` : url.href;
  }

  /** A last guard: a host echoing the token back must not put it into a message. */
  private scrub(message: string) {
    const token = this.options.token;
    return token.length >= 4 ? message.replaceAll(token, '[token]') : message;
  }
}

/** Each `/`-separated segment URL-encoded, the slashes kept: `dir with space/ü.csv` → `dir%20with%20space/%C3%BC.csv`. */
export const encodePath = (path: string): string =>
  path.replace(/^\/+/, '').split('/').map(encodeURIComponent).join('/');

/** `owner/name` as two encoded path segments, for GitHub and Gitea. */
export const ownerAndName = (hostName: string, fullName: string): string => {
  const parts = fullName.split('/');
  if (parts.length !== 2 || !parts[0] || !parts[1])
    throw new Error(`${hostName} repositories are named owner/name, not ${JSON.stringify(fullName)}`);
  return `${encodeURIComponent(parts[0])}/${encodeURIComponent(parts[1])}`;
};

/** `orders`, `orders/`, `/orders/` → `orders`; none or `/` → `` (the whole tree). */
export const normaliseFolder = (folder: string | undefined): string =>
  (folder ?? '').replace(/^(\.\/|\/)+/, '').replace(/\/+$/, '');

/** Whether `path` lies under `folder` (as normalised); everything lies under ``. */
export const isUnder = (path: string, folder: string): boolean =>
  folder === '' || path.startsWith(`${folder}/`);

export const byPath = (a: { path: string }, b: { path: string }) =>
  a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
