import { setTimeout as sleep } from 'node:timers/promises';
import { type MetadataChangeProposal, MetadataChangeProposalSchema } from '../../core/catalog/proposal';
import {
  CatalogRejectedError,
  type CatalogSink,
  type CatalogStatus,
  CatalogUnavailableError,
} from '../../ports/catalog';
import { retryAfterMs } from '../../shared/retry-after';
import * as z from '../../shared/zod';

export interface DataHubRestEmitterOptions {
  /** GMS: `http://datahub-gms:8080`, `https://<frontend>/api/gms`, `https://<tenant>.acryl.io/gms`. */
  gmsUrl: string;
  /** A personal access token, or a function that fetches it (from Secrets Manager, say) for each ingest. */
  token?: string | (() => Promise<string | undefined>);
  /** Per attempt, until the whole response has arrived. Default 30 s, as the Python emitter. */
  timeoutMs?: number;
  /** Further attempts after a timeout, a network error, a 429, 500, 502, 503 or 504. Default 4. */
  retries?: number;
  /** The wait before retry `attempt` (1 = the first retry). Default 0, 4 s, 8 s, 16 s, … (max 120 s). */
  backoffMs?: (attempt: number) => number;
  /** The longest a `Retry-After` is honoured; a longer one is cut to this. Default 30 s. */
  maxRetryAfterMs?: number;
  fetch?: typeof fetch;
  /** How the emitter waits between attempts (tests record the waits instead). */
  sleep?: (ms: number) => Promise<void>;
  /** Proposals per request. Default 200 (the Python emitter's chunk size). */
  batchMaxProposals?: number;
  /** Request body size; a single larger proposal is still sent, alone. Default 15 MiB. */
  batchMaxBytes?: number;
  /** For GMS older than v0.14.0: `POST /aspects?action=ingestProposal`, one proposal per request. */
  singleProposalEndpoint?: boolean;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_RETRIES = 4;
const DEFAULT_MAX_RETRY_AFTER_MS = 30_000;
const DEFAULT_BATCH_MAX_PROPOSALS = 200;
const DEFAULT_BATCH_MAX_BYTES = 15 * 1024 * 1024;
const BATCH_PATH = '/aspects?action=ingestProposalBatch';
const SINGLE_PATH = '/aspects?action=ingestProposal';
const RETRYABLE = new Set([429, 500, 502, 503, 504]);
const USER_AGENT = 'data-mesh-platform (datahub-emitter)';
/** How many proposals an error message names. */
const NAMED_PROPOSALS = 3;

/** urllib3's schedule with `backoff_factor=2`, as the Python emitter: 0 s, then 4, 8, 16 s, … at most 120 s. */
export const defaultBackoffMs = (attempt: number): number =>
  attempt <= 1 ? 0 : Math.min(120_000, 2_000 * 2 ** (attempt - 1));

const byteLength = (text: string) => Buffer.byteLength(text, 'utf8');

/**
 * Proposals in order, in groups of at most `maxProposals` whose batch body stays within `maxBytes` (a single
 * proposal larger than that forms a group of its own), as the Python emitter's `_emit_restli_mcps`.
 */
export const chunkProposals = (
  proposals: MetadataChangeProposal[],
  maxProposals: number,
  maxBytes: number,
): MetadataChangeProposal[][] => {
  const envelope = byteLength(JSON.stringify({ proposals: [], async: 'false' }));
  const chunks: MetadataChangeProposal[][] = [];
  let current: MetadataChangeProposal[] = [];
  let size = envelope;
  for (const proposal of proposals) {
    const bytes = byteLength(JSON.stringify(proposal));
    // Every proposal after the first adds a comma.
    if (current.length > 0 && (current.length >= maxProposals || size + 1 + bytes > maxBytes)) {
      chunks.push(current);
      current = [];
      size = envelope;
    }
    size += (current.length > 0 ? 1 : 0) + bytes;
    current.push(proposal);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
};

const causeMessage = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error);
  // undici: TypeError('fetch failed') with the socket error (ECONNREFUSED, ECONNRESET, …) as its cause.
  const cause = error.cause;
  if (cause instanceof Error && cause.message) return `${error.message} (${cause.message})`;
  return error.message;
};

const short = (text: string, max = 1000) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
};

/**
 * The server's own words: Rest.li's `message` (its `stackTrace` dropped), OpenAPI's `error`/`message`, or the
 * text of a body that is not JSON (a container's error page).
 */
export const serverMessage = (text: string): string => {
  try {
    const json: unknown = JSON.parse(text);
    if (typeof json === 'object' && json !== null && !Array.isArray(json)) {
      const body = json as Record<string, unknown>;
      const parts = [body.error, body.message].filter(
        (p): p is string => typeof p === 'string' && p.trim() !== '',
      );
      if (parts.length > 0) return short(unique(parts).join(': '));
      const { stackTrace: _dropped, ...rest } = body;
      return short(JSON.stringify(rest));
    }
  } catch {
    // not JSON
  }
  return short(text.replace(/<[^>]*>/g, ' '));
};

const unique = (items: string[]) => [...new Set(items)];

const describeProposals = (proposals: MetadataChangeProposal[]): string => {
  const named = proposals.slice(0, NAMED_PROPOSALS).map((p) => `${p.aspectName} of ${p.entityUrn}`);
  const more = proposals.length - named.length;
  return `${named.join('; ')}${more > 0 ? `; and ${more} more` : ''}`;
};

const ConfigSchema = z.object({
  noCode: z.optional(z.unknown()),
  versions: z.optional(z.record(z.string(), z.unknown())),
});

const VersionEntrySchema = z.object({ version: z.string() });

/** The status line of a response and the server's message, for errors. */
const answered = (status: number, message: string) => `answered ${status}${message ? ` (${message})` : ''}`;

/** Everything one attempt can end with, short of success. */
type Failure =
  | { kind: 'retry'; failure: string; delayMs?: number; cause?: unknown }
  | { kind: 'final'; error: Error };

/**
 * The catalog on DataHub: MetadataChangeProposals posted to GMS's Rest.li endpoint
 * `POST /aspects?action=ingestProposalBatch` (`{"proposals": […], "async": "false"}`), the protocol of DataHub's
 * Python `DataHubRestEmitter` (see ../shared/reference/datahub/README.md §1). Requests carry at most 200
 * proposals and 15 MiB; 429/500/502/503/504, timeouts and network errors are retried with back-off (honouring
 * `Retry-After`); a 4xx is final (CatalogRejectedError, dead-lettered); exhausted retries end in
 * CatalogUnavailableError (the bus retries later). The token never appears in a message.
 */
export class DataHubRestEmitter implements CatalogSink {
  readonly gmsUrl: string;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly backoffMs: (attempt: number) => number;
  private readonly maxRetryAfterMs: number;
  private readonly fetch: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly batchMaxProposals: number;
  private readonly batchMaxBytes: number;
  /** Tokens seen, to scrub them from any message (a server may echo a header back). */
  private readonly secrets = new Set<string>();

  constructor(private readonly options: DataHubRestEmitterOptions) {
    this.gmsUrl = options.gmsUrl.trim().replace(/\/+$/, '');
    if (!URL.canParse(this.gmsUrl) || !/^https?:$/.test(new URL(this.gmsUrl).protocol))
      throw new Error(
        `the DataHub GMS URL must be an http(s) URL such as http://datahub-gms:8080, not ${JSON.stringify(options.gmsUrl)}`,
      );
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.retries = Math.max(0, options.retries ?? DEFAULT_RETRIES);
    this.backoffMs = options.backoffMs ?? defaultBackoffMs;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.sleep = options.sleep ?? ((ms) => sleep(ms));
    this.batchMaxProposals = Math.max(1, options.batchMaxProposals ?? DEFAULT_BATCH_MAX_PROPOSALS);
    this.batchMaxBytes = Math.max(1, options.batchMaxBytes ?? DEFAULT_BATCH_MAX_BYTES);
    if (typeof options.token === 'string') this.remember(options.token);
  }

  async ingest(proposals: MetadataChangeProposal[]): Promise<void> {
    if (proposals.length === 0) return;
    this.checkShape(proposals);
    const token = await this.resolveToken();
    if (this.options.singleProposalEndpoint) {
      for (const [index, proposal] of proposals.entries())
        await this.post(SINGLE_PATH, { proposal, async: 'false' }, [proposal], token, {
          index,
          total: proposals.length,
        });
      return;
    }
    const chunks = chunkProposals(proposals, this.batchMaxProposals, this.batchMaxBytes);
    for (const [index, chunk] of chunks.entries())
      await this.post(BATCH_PATH, { proposals: chunk, async: 'false' }, chunk, token, {
        index,
        total: chunks.length,
      });
  }

  async check(): Promise<CatalogStatus> {
    const status = { kind: 'datahub' as const, target: this.gmsUrl };
    const notGms = /\/(api\/)?gms$/.test(this.gmsUrl)
      ? 'this is not DataHub GMS (its GET /config has no noCode "true")'
      : `this is the DataHub frontend, not GMS: use ${this.gmsUrl}/api/gms`;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    try {
      const response = await this.fetch(`${this.gmsUrl}/config`, {
        method: 'GET',
        redirect: 'manual',
        signal: controller.signal,
        headers: {
          Accept: 'application/json',
          'X-RestLi-Protocol-Version': '2.0.0',
          'User-Agent': USER_AGENT,
        },
      });
      const text = await response.text();
      if (response.status >= 300 && response.status < 400)
        return {
          ...status,
          ok: false,
          message: this.scrub(
            `GET /config redirects to ${response.headers.get('location') ?? '(nowhere)'}: ${notGms}`,
          ),
        };
      if (response.status === 401 || response.status === 403)
        return {
          ...status,
          ok: false,
          message: this.scrub(
            `GET /config ${answered(response.status, serverMessage(text))}: GMS serves it without a token, so this is not GMS or a proxy in front of it asks for one`,
          ),
        };
      if (response.status !== 200)
        return {
          ...status,
          ok: false,
          message: this.scrub(`GET /config ${answered(response.status, serverMessage(text))}`),
        };
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        return { ...status, ok: false, message: `GET /config did not answer JSON: ${notGms}` };
      }
      const config = ConfigSchema.safeParse(json);
      if (!config.success || config.data.noCode !== 'true') return { ...status, ok: false, message: notGms };
      const core = VersionEntrySchema.safeParse(config.data.versions?.['acryldata/datahub']);
      const version = core.success ? core.data.version : undefined;
      return { ...status, ok: true, ...(version ? { version } : {}) };
    } catch (error) {
      const reason = controller.signal.aborted
        ? `did not answer within ${this.timeoutMs} ms`
        : `unreachable: ${causeMessage(error)}`;
      return { ...status, ok: false, message: this.scrub(`GET /config ${reason}`) };
    } finally {
      clearTimeout(timer);
    }
  }

  /** The port's type is loose (strings); a malformed proposal is refused here rather than by a 422. */
  private checkShape(proposals: MetadataChangeProposal[]) {
    for (const proposal of proposals) {
      const result = MetadataChangeProposalSchema.safeParse(proposal);
      if (!result.success) {
        const { aspectName = '?', entityUrn = '?' } = proposal as Partial<MetadataChangeProposal>;
        throw new CatalogRejectedError(
          `not a valid MetadataChangeProposal (${aspectName} of ${entityUrn}): ${result.error.issues
            .map((i) => `${i.path.join('.') || '(proposal)'}: ${i.message}`)
            .join('; ')}`,
          400,
        );
      }
    }
  }

  private async resolveToken(): Promise<string | undefined> {
    const { token } = this.options;
    if (typeof token !== 'function') return token || undefined;
    let value: string | undefined;
    try {
      value = await token();
    } catch (error) {
      throw new CatalogUnavailableError(`could not get the DataHub token: ${causeMessage(error)}`, {
        cause: error,
      });
    }
    if (value) this.remember(value);
    return value || undefined;
  }

  private remember(token: string) {
    if (token.length >= 4) this.secrets.add(token);
  }

  /** A last guard: a server echoing the Authorization header back must not put the token into a message. */
  private scrub(message: string): string {
    let out = message;
    for (const secret of this.secrets) out = out.replaceAll(secret, '[token]');
    return out;
  }

  private async post(
    path: string,
    body: unknown,
    proposals: MetadataChangeProposal[],
    token: string | undefined,
    position: { index: number; total: number },
  ): Promise<void> {
    const payload = JSON.stringify(body);
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'X-RestLi-Protocol-Version': '2.0.0',
      Accept: 'application/json',
      'User-Agent': USER_AGENT,
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    };
    const where =
      position.total > 1
        ? ` (request ${position.index + 1} of ${position.total}${position.index > 0 ? `; the ${position.index} before it were written` : ''})`
        : '';
    const attempts = this.retries + 1;
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.attempt(path, payload, headers, proposals, token !== undefined, where);
      if (outcome === undefined) return;
      if (outcome.kind === 'final') throw outcome.error;
      if (attempt >= attempts)
        throw new CatalogUnavailableError(
          this.scrub(
            `DataHub GMS at ${this.gmsUrl} is unavailable: POST ${path} ${outcome.failure} (${attempts} attempt${attempts === 1 ? '' : 's'})${where}`,
          ),
          { cause: outcome.cause },
        );
      const requested = outcome.delayMs;
      const delay =
        requested !== undefined
          ? Math.min(requested, this.maxRetryAfterMs)
          : Math.max(0, this.backoffMs(attempt));
      if (delay > 0) await this.sleep(delay);
    }
  }

  /** One request: undefined when it succeeded. */
  private async attempt(
    path: string,
    payload: string,
    headers: Record<string, string>,
    proposals: MetadataChangeProposal[],
    withToken: boolean,
    where: string,
  ): Promise<Failure | undefined> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    let status: number;
    let text: string;
    let responseHeaders: Headers;
    try {
      const response = await this.fetch(`${this.gmsUrl}${path}`, {
        method: 'POST',
        redirect: 'manual',
        signal: controller.signal,
        headers,
        body: payload,
      });
      status = response.status;
      responseHeaders = response.headers;
      text = await response.text();
    } catch (error) {
      return {
        kind: 'retry',
        failure: controller.signal.aborted
          ? `did not answer within ${this.timeoutMs} ms`
          : `failed: ${causeMessage(error)}`,
        cause: error,
      };
    } finally {
      clearTimeout(timer);
    }
    if (status >= 200 && status < 300) return undefined;
    const message = serverMessage(text);
    const final = (error: Error): Failure => ({ kind: 'final', error });
    const rejected = (detail: string) =>
      final(new CatalogRejectedError(this.scrub(`${detail}${where}`), status));
    if (RETRYABLE.has(status))
      return {
        kind: 'retry',
        failure: answered(status, message),
        ...(status === 429 || status === 503
          ? { delayMs: retryAfterMs(responseHeaders.get('retry-after')) }
          : {}),
      };
    if (status === 401 || status === 403)
      return rejected(
        withToken
          ? `DataHub rejected the token: POST ${path} ${answered(status, message)} at ${this.gmsUrl}; check the catalog's DataHub access token (expired, revoked, or without the privilege to edit these entities)`
          : `DataHub GMS at ${this.gmsUrl} ${answered(status, message)} to POST ${path}: it needs an access token and none is configured`,
      );
    if (status === 400 || status === 422)
      return rejected(
        `DataHub GMS at ${this.gmsUrl} rejected the proposals: POST ${path} ${answered(status, message)}; proposals: ${describeProposals(proposals)}`,
      );
    if (status >= 300 && status < 400)
      return rejected(
        `DataHub GMS at ${this.gmsUrl} answered POST ${path} with a ${status} redirect to ${responseHeaders.get('location') ?? '(nowhere)'}: the URL must point at GMS (http://<gms>:8080 or https://<frontend>/api/gms), not the frontend`,
      );
    if (status === 404)
      return rejected(
        `DataHub GMS at ${this.gmsUrl} ${answered(status, message)} to POST ${path}: is this the GMS URL (http://<gms>:8080 or https://<frontend>/api/gms)? GMS older than v0.14.0 has no ingestProposalBatch: set singleProposalEndpoint`,
      );
    if (status === 413)
      return rejected(
        `DataHub GMS at ${this.gmsUrl} ${answered(status, message)} to POST ${path}: the request of ${Buffer.byteLength(payload)} bytes is too large; lower batchMaxBytes (a proxy in front of GMS may have a smaller limit)`,
      );
    if (status >= 500)
      return final(
        new CatalogUnavailableError(
          this.scrub(
            `DataHub GMS at ${this.gmsUrl} is unavailable: POST ${path} ${answered(status, message)}${where}`,
          ),
        ),
      );
    return rejected(`DataHub GMS at ${this.gmsUrl} ${answered(status, message)} to POST ${path}`);
  }
}
