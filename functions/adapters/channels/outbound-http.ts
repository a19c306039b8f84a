import type { LookupAddress } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { describeUrl } from '../../core/notifications/channel-labels';
import { DeliveryError } from '../../ports/channel-sender';
import LruCache from '../../shared/lru-cache';
import { retryAfterMs } from '../../shared/retry-after';

/**
 * `aws`: the deployed platform — https only, public addresses only. `local`: the local platform — http allowed
 * and loopback allowed (local receivers listen on 127.0.0.1), every other private range still refused.
 */
export type OutboundMode = 'aws' | 'local';

/** Resolves a host name to every address it has (what `dns.lookup(host, { all: true })` returns). */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

export interface PostJsonOptions {
  mode: OutboundMode;
  /** Added to (and overriding) the defaults: `content-type: application/json`, `user-agent`. */
  headers?: Record<string, string>;
  /** The whole request: resolution, connection, status line and the (capped) body. Default 5 s. */
  timeoutMs?: number;
  /**
   * How error messages name the target. Default: origin and path, without credentials, query or fragment. Give
   * one when the path itself is a secret (Slack, Teams connector URLs).
   */
  label?: string;
  /** Host name resolution. Default `dns.lookup(host, { all: true })`; tests inject names. */
  resolve?: Resolver;
}

export interface PostJsonResponse {
  status: number;
  /** The start of the response body (at most 16 KiB), for messages. */
  body: string;
}

export const DEFAULT_TIMEOUT_MS = 5_000;
export const USER_AGENT = 'data-mesh-platform (notifications)';
/** Enough of a response body for an error message; the rest is not read. */
const MAX_BODY_BYTES = 16 * 1024;
/** How much of a response body an error message quotes. */
const MAX_EXCERPT = 200;
/**
 * An idle kept-alive connection is closed after this long: before the usual server-side idle timeouts (Node's
 * 5 s, load balancers' 60 s), so the platform is the side that closes.
 */
const IDLE_CONNECTION_MS = 4_000;
/** Connection pools kept (targets recently posted to); a dropped one's idle connections close on their own. */
const POOL_LIMIT = 64;
/**
 * Idle connections kept per target (in use, there is no cap: see `poolFor`). A pool only holds as many as were
 * once busy at the same time: on Lambda a batch's 10 at most; locally up to the queue's 32 batches of 10 when
 * every subscription posts to one receiver. With 32 kept, such a fan-out closed and reopened hundreds of
 * connections per round (connect and close took about 4 % of its CPU).
 */
const MAX_IDLE_CONNECTIONS_PER_TARGET = 256;

// ---------------------------------------------------------------------------------------------------------------
// Address classification (the SSRF guard)
// ---------------------------------------------------------------------------------------------------------------

/** Why an address is not a public unicast one. */
export type AddressClass = 'loopback' | 'private' | 'link-local' | 'unspecified' | 'multicast' | 'reserved';

interface Classification {
  kind: AddressClass;
  /** What the range is: "10.0.0.0/8", "cloud instance metadata", … */
  note: string;
}

const ipv4ToNumber = (address: string): number => {
  const parts = address.split('.').map(Number);
  return (((parts[0] ?? 0) << 24) | ((parts[1] ?? 0) << 16) | ((parts[2] ?? 0) << 8) | (parts[3] ?? 0)) >>> 0;
};

const inV4 = (n: number, base: string, bits: number): boolean => {
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return (n & mask) >>> 0 === (ipv4ToNumber(base) & mask) >>> 0;
};

const V4_RANGES: ReadonlyArray<[base: string, bits: number, kind: AddressClass, note: string]> = [
  ['0.0.0.0', 32, 'unspecified', '0.0.0.0'],
  ['0.0.0.0', 8, 'reserved', '"this network" 0.0.0.0/8'],
  ['10.0.0.0', 8, 'private', '10.0.0.0/8'],
  ['100.64.0.0', 10, 'private', 'carrier-grade NAT 100.64.0.0/10'],
  ['127.0.0.0', 8, 'loopback', '127.0.0.0/8'],
  ['169.254.169.254', 32, 'link-local', 'cloud instance metadata'],
  ['169.254.0.0', 16, 'link-local', '169.254.0.0/16'],
  ['172.16.0.0', 12, 'private', '172.16.0.0/12'],
  ['192.0.0.0', 24, 'reserved', 'IETF protocol assignments 192.0.0.0/24'],
  ['192.0.2.0', 24, 'reserved', 'documentation 192.0.2.0/24'],
  ['192.168.0.0', 16, 'private', '192.168.0.0/16'],
  ['198.18.0.0', 15, 'reserved', 'benchmarking 198.18.0.0/15'],
  ['198.51.100.0', 24, 'reserved', 'documentation 198.51.100.0/24'],
  ['203.0.113.0', 24, 'reserved', 'documentation 203.0.113.0/24'],
  ['224.0.0.0', 4, 'multicast', '224.0.0.0/4'],
  ['240.0.0.0', 4, 'reserved', '240.0.0.0/4 and broadcast'],
];

const classifyV4 = (address: string): Classification | undefined => {
  const n = ipv4ToNumber(address);
  const range = V4_RANGES.find(([base, bits]) => inV4(n, base, bits));
  return range ? { kind: range[2], note: range[3] } : undefined;
};

/** Eight 16-bit groups of an IPv6 address (zone id dropped, embedded dotted quad folded in). */
const ipv6Groups = (address: string): number[] => {
  let text = address.replace(/%.*$/, '').toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1]) {
    const n = ipv4ToNumber(dotted[1]);
    text = `${text.slice(0, -dotted[1].length)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => Number.parseInt(g, 16)));
  const headGroups = parse(head);
  if (tail === undefined) return headGroups;
  const tailGroups = parse(tail);
  return [...headGroups, ...Array(8 - headGroups.length - tailGroups.length).fill(0), ...tailGroups];
};

const embeddedV4 = (hi: number, lo: number): string => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;

const classifyV6 = (address: string): Classification | undefined => {
  const g = ipv6Groups(address);
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
  const zeroPrefix = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0;
  if (zeroPrefix && g5 === 0 && g6 === 0 && g7 === 0) return { kind: 'unspecified', note: '::' };
  if (zeroPrefix && g5 === 0 && g6 === 0 && g7 === 1) return { kind: 'loopback', note: '::1' };
  const via = (v4: string, what: string): Classification | undefined => {
    const inner = classifyV4(v4);
    return inner ? { kind: inner.kind, note: `${what} ${v4}: ${inner.note}` } : undefined;
  };
  // IPv4-mapped (::ffff:a.b.c.d): the connection goes to the IPv4 address.
  if (zeroPrefix && g5 === 0xffff) return via(embeddedV4(g6, g7), 'IPv4-mapped');
  // IPv4-compatible (deprecated ::a.b.c.d).
  if (zeroPrefix && g5 === 0) {
    return via(embeddedV4(g6, g7), 'IPv4-compatible') ?? { kind: 'reserved', note: 'IPv4-compatible ::/96' };
  }
  // IPv4-translated ::ffff:0:a.b.c.d.
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0xffff && g5 === 0) {
    return via(embeddedV4(g6, g7), 'IPv4-translated') ?? { kind: 'reserved', note: '::ffff:0:0:0/96' };
  }
  // NAT64: the well-known prefix reaches the embedded IPv4 address; the local-use one is private.
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) {
    return via(embeddedV4(g6, g7), 'NAT64');
  }
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 1)
    return { kind: 'private', note: 'local-use NAT64 64:ff9b:1::/48' };
  if (g0 === 0x2002) return via(embeddedV4(g1, g2), '6to4');
  if ((g0 & 0xfe00) === 0xfc00) return { kind: 'private', note: 'unique local fc00::/7' };
  if ((g0 & 0xffc0) === 0xfe80) return { kind: 'link-local', note: 'fe80::/10' };
  if ((g0 & 0xffc0) === 0xfec0) return { kind: 'private', note: 'site-local fec0::/10' };
  if ((g0 & 0xff00) === 0xff00) return { kind: 'multicast', note: 'ff00::/8' };
  if (g0 === 0x2001 && g1 === 0x0db8) return { kind: 'reserved', note: 'documentation 2001:db8::/32' };
  if (g0 === 0x2001 && g1 === 0) return { kind: 'reserved', note: 'Teredo 2001::/32' };
  if (g0 === 0x100 && g1 === 0 && g2 === 0 && g3 === 0) return { kind: 'reserved', note: 'discard 100::/64' };
  // Everything allocated for global unicast is in 2000::/3.
  if ((g0 & 0xe000) !== 0x2000) return { kind: 'reserved', note: 'outside global unicast 2000::/3' };
  return undefined;
};

/** What kind of non-public address this is; undefined for a public unicast address (or no IP at all). */
export const classifyAddress = (address: string): Classification | undefined => {
  const bare = address.replace(/^\[|\]$/g, '');
  const family = isIP(bare.replace(/%.*$/, ''));
  if (family === 4) return classifyV4(bare);
  if (family === 6) return classifyV6(bare);
  return undefined;
};

/** Why the platform must not connect to this address in this mode; undefined when it may. */
export const addressRefusal = (address: string, mode: OutboundMode): string | undefined => {
  const found = classifyAddress(address);
  if (!found) return undefined;
  if (found.kind === 'loopback' && mode === 'local') return undefined;
  const article = /^[aeiou]/.test(found.kind) ? 'an' : 'a';
  return `${address} is ${article} ${found.kind} address (${found.note})`;
};

// ---------------------------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------------------------

const excerpt = (body: string): string => {
  const line = body.replace(/\s+/g, ' ').trim();
  return line.length > MAX_EXCERPT ? `${line.slice(0, MAX_EXCERPT)}…` : line;
};

/**
 * The delivery outcome of an HTTP status: undefined when delivered, else the error. `target` names the request
 * (`POST https://…`); `redirectTo`, a redirect's location as messages may show it; `retryAfterMs`, what a
 * target that asks for a retry (429, 503…) said to wait.
 */
export const statusError = (
  status: number,
  target: string,
  body = '',
  redirectTo?: string,
  retryAfterMs?: number,
): DeliveryError | undefined => {
  if (status >= 200 && status < 300) return undefined;
  const said = excerpt(body);
  const answered = `${target} answered ${status}${said ? `: ${said}` : ''}`;
  if (status >= 300 && status < 400) {
    const to = redirectTo ? ` (to ${redirectTo})` : '';
    return new DeliveryError(
      `${target} answered ${status}, a redirect${to}: redirects are not followed`,
      'permanent',
    );
  }
  if (status === 410) return new DeliveryError(answered, 'gone');
  if (status === 408 || status === 425 || status === 429 || (status >= 500 && status < 600)) {
    return new DeliveryError(answered, 'retryable', retryAfterMs);
  }
  return new DeliveryError(answered, 'permanent');
};

const describeLocation = (location: string | undefined, base: URL): string | undefined => {
  if (!location) return undefined;
  try {
    return describeUrl(new URL(location, base));
  } catch {
    return 'an invalid location';
  }
};

// ---------------------------------------------------------------------------------------------------------------
// The request
// ---------------------------------------------------------------------------------------------------------------

const defaultResolve: Resolver = (hostname) => dnsLookup(hostname, { all: true });

/** A `lookup` for the socket that answers with the addresses already checked: no second resolution. */
const pinnedLookup =
  (addresses: LookupAddress[]): LookupFunction =>
  (hostname, options, callback) => {
    const wanted = options.family === 4 || options.family === 6 ? options.family : 0;
    const usable = addresses.filter((a) => wanted === 0 || a.family === wanted);
    const first = usable[0];
    if (!first) {
      const error: NodeJS.ErrnoException = new Error(`no IPv${wanted} address for ${hostname}`);
      error.code = 'ENOTFOUND';
      callback(error, '', 0);
      return;
    }
    if (options.all) callback(null, usable);
    else callback(null, first.address, first.family);
  };

const abortable = <T>(promise: Promise<T>, signal: AbortSignal): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });

class Timeout extends Error {}

const errorCode = (error: unknown): string | undefined =>
  error && typeof error === 'object' && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;

const errorText = (error: unknown): string => {
  const message = error instanceof Error ? error.message : String(error);
  const code = errorCode(error);
  return code && !message.includes(code) ? `${code} ${message}` : message;
};

/** The addresses to connect to, every one checked; throws a permanent DeliveryError when any is refused. */
const resolveChecked = async (
  url: URL,
  mode: OutboundMode,
  target: string,
  resolve: Resolver,
  signal: AbortSignal,
): Promise<LookupAddress[] | undefined> => {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const literal = isIP(host);
  let addresses: LookupAddress[];
  if (literal) {
    addresses = [{ address: host, family: literal }];
  } else {
    try {
      addresses = await abortable(resolve(host), signal);
    } catch (error) {
      if (error instanceof Timeout) throw error;
      const code = errorCode(error);
      // NXDOMAIN is an answer, not an outage: the target's name does not exist.
      if (code === 'ENOTFOUND' || code === 'ENODATA') {
        throw new DeliveryError(`${target} failed: the host ${host} does not resolve (${code})`, 'permanent');
      }
      throw new DeliveryError(`${target} failed: resolving ${host}: ${errorText(error)}`, 'retryable');
    }
    if (addresses.length === 0) {
      throw new DeliveryError(`${target} failed: the host ${host} has no address`, 'permanent');
    }
  }
  for (const { address } of addresses) {
    const refusal = addressRefusal(address, mode);
    if (refusal) {
      const via = literal ? '' : ` (${host} resolves to it)`;
      throw new DeliveryError(
        `${target} refused: ${refusal}${via}; notifications are sent to public addresses only`,
        'permanent',
      );
    }
  }
  return literal ? undefined : addresses;
};

// ---------------------------------------------------------------------------------------------------------------
// Connections
// ---------------------------------------------------------------------------------------------------------------

/**
 * Kept-alive connections, pooled by origin and by the addresses its host was checked to resolve to: a request
 * reuses a connection only to an address its own check allowed, so pooling never bypasses the SSRF guard, and
 * a burst of notifications to one receiver (or Slack) pays one TCP and TLS handshake, not one each.
 */
const pools = new LruCache<string, http.Agent>(POOL_LIMIT);

const poolFor = (url: URL, pinned: LookupAddress[] | undefined): http.Agent => {
  const addresses = pinned ? pinned.map(({ address }) => address).sort() : [];
  const key = `${url.protocol}//${url.host} ${addresses.join(' ')}`;
  let pool = pools.get(key);
  if (!pool) {
    const options = {
      keepAlive: true,
      // No cap on connections in use: a request waiting for one of ours would spend the target's timeout on
      // our queue. The callers bound them (a Lambda sends one batch at a time; the local queue its concurrency).
      maxFreeSockets: MAX_IDLE_CONNECTIONS_PER_TARGET,
      // Applies to idle connections: the pool closes one idle this long.
      timeout: IDLE_CONNECTION_MS,
      scheduling: 'lifo' as const,
    };
    pool = url.protocol === 'https:' ? new https.Agent(options) : new http.Agent(options);
    pools.set(key, pool);
  }
  return pool;
};

/**
 * A kept-alive connection that broke under the request: most often one the target had already closed (its idle
 * timeout, or a Lambda environment thawed after a while), so the request is sent once more on a connection of
 * its own. Rarely the target had read it; webhook receivers drop the repeat by its `webhook-id`.
 */
class StaleConnection extends Error {}
const STALE_CONNECTION_CODES = new Set(['ECONNRESET', 'EPIPE']);

interface RawResponse {
  status: number;
  body: string;
  location: string | undefined;
  retryAfter: string | undefined;
}

const send = (
  url: URL,
  payload: string,
  headers: Record<string, string>,
  pinned: LookupAddress[] | undefined,
  signal: AbortSignal,
  agent: http.Agent | false,
): Promise<RawResponse> =>
  new Promise<RawResponse>((resolve, reject) => {
    const transport = url.protocol === 'https:' ? https : http;
    const request = transport.request({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname.replace(/^\[|\]$/g, ''),
      ...(url.port ? { port: Number(url.port) } : {}),
      path: `${url.pathname}${url.search}`,
      ...(url.username || url.password
        ? { auth: `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` }
        : {}),
      headers: { ...headers, 'content-length': String(Buffer.byteLength(payload)) },
      ...(pinned ? { lookup: pinnedLookup(pinned) } : {}),
      agent,
      signal,
    });
    request.on('error', (error) => {
      const stale = request.reusedSocket && STALE_CONNECTION_CODES.has(errorCode(error) ?? '');
      reject(stale ? new StaleConnection(errorText(error), { cause: error }) : error);
    });
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let settled = false;
      const finish = () => {
        if (settled) return;
        settled = true;
        resolve({
          status: response.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          location: response.headers.location,
          retryAfter: response.headers['retry-after'],
        });
      };
      response.on('data', (chunk: Buffer) => {
        if (settled) return;
        chunks.push(chunk);
        size += chunk.length;
        if (size >= MAX_BODY_BYTES) {
          finish();
          response.destroy();
        }
      });
      response.on('end', finish);
      // The status is known: a body cut short (timeout, reset) does not change the outcome.
      response.on('error', finish);
      response.on('close', finish);
    });
    request.end(payload);
  });

/**
 * The one way the platform posts to a subscriber's target. Before connecting, the host is resolved and every
 * address checked (a name with any private address is refused: no DNS games); the socket then connects to
 * those checked addresses only, so a second, different answer (DNS rebinding) is never used. Redirects are
 * not followed. Resolves when the target answered 2xx; otherwise throws a DeliveryError whose kind says what
 * to do: 410 → `gone`; 408, 425, 429, 5xx, timeouts, network errors → `retryable`; everything else (other
 * 4xx, 3xx, refused targets) → `permanent`.
 *
 * A string body is sent as it is (JSON already serialised, e.g. a signed payload); anything else as JSON.
 */
export const postJson = async (
  url: string,
  body: unknown,
  options: PostJsonOptions,
): Promise<PostJsonResponse> => {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DeliveryError('the target URL is not a valid URL', 'permanent');
  }
  const target = `POST ${options.label ?? describeUrl(parsed)}`;
  const allowed = options.mode === 'aws' ? ['https:'] : ['https:', 'http:'];
  if (!allowed.includes(parsed.protocol)) {
    throw new DeliveryError(
      `${target} refused: ${parsed.protocol.slice(0, -1)} is not allowed${options.mode === 'aws' ? ', only https' : ', only http and https'}`,
      'permanent',
    );
  }
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': USER_AGENT,
    ...Object.fromEntries(Object.entries(options.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
  };

  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Timeout()), timeoutMs);
  const timedOut = () => new DeliveryError(`${target} timed out after ${timeoutMs} ms`, 'retryable');
  try {
    const pinned = await resolveChecked(
      parsed,
      options.mode,
      target,
      options.resolve ?? defaultResolve,
      controller.signal,
    );
    let response: RawResponse;
    try {
      const post = (agent: http.Agent | false) =>
        send(parsed, payload, headers, pinned, controller.signal, agent);
      // The pool may hold more dead connections: the second try gets a fresh one.
      response = await post(poolFor(parsed, pinned)).catch((error: unknown) =>
        error instanceof StaleConnection ? post(false) : Promise.reject(error),
      );
    } catch (error) {
      if (controller.signal.aborted) throw timedOut();
      if (errorCode(error) === 'ERR_INVALID_CHAR' || errorCode(error) === 'ERR_INVALID_HTTP_TOKEN') {
        throw new DeliveryError(`${target} failed: ${errorText(error)}`, 'permanent');
      }
      throw new DeliveryError(`${target} failed: ${errorText(error)}`, 'retryable');
    }
    const failure = statusError(
      response.status,
      target,
      response.body,
      describeLocation(response.location, parsed),
      retryAfterMs(response.retryAfter),
    );
    if (failure) throw failure;
    return { status: response.status, body: response.body };
  } catch (error) {
    if (error instanceof Timeout) throw timedOut();
    throw error;
  } finally {
    clearTimeout(timer);
  }
};
