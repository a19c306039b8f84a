import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * How a git host authenticates a delivery:
 * - `hub-sha256`: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256>` (GitHub, and what Gitea/Forgejo repeat);
 * - `hub-sha1`: the legacy `X-Hub-Signature: sha1=<hex HMAC-SHA1>` (verifiable, but never accepted by the receiver);
 * - `hex-sha256`: `X-Gitea-Signature` / `X-Forgejo-Signature` / `X-Gogs-Signature`, the hex HMAC-SHA256 without prefix;
 * - `token`: `X-Gitlab-Token`, the configured secret itself (GitLab has no HMAC);
 * - `standard-webhooks`: `webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`, the format
 *   of GitLab's feature-flagged signing token. Not used by the receiver yet; the timestamp's age is not checked.
 */
export type SignatureScheme = 'hub-sha256' | 'hub-sha1' | 'hex-sha256' | 'token' | 'standard-webhooks';

export interface SignatureCheck {
  scheme: SignatureScheme;
  /** The configured secret. An empty secret never verifies anything. */
  secret: string;
  /** The header's value as received. Missing or empty never verifies. */
  header: string | undefined;
  /** The signed bytes: the raw body, except for Gitea/Forgejo form bodies (the decoded `payload` field). */
  payload: Uint8Array;
  /** `standard-webhooks` only: the `webhook-id` and `webhook-timestamp` headers, which are signed too. */
  webhookId?: string;
  webhookTimestamp?: string;
}

/**
 * Compares two byte strings in constant time. Lengths are compared first (which reveals only the length), so
 * a value of the wrong length is a plain `false` rather than the exception `timingSafeEqual` would throw.
 */
export const constantTimeEqual = (a: string | Uint8Array, b: string | Uint8Array): boolean => {
  const left = typeof a === 'string' ? Buffer.from(a, 'utf8') : a;
  const right = typeof b === 'string' ? Buffer.from(b, 'utf8') : b;
  return left.length === right.length && timingSafeEqual(left, right);
};

/** Lower-case hex HMAC of the exact bytes given. */
export const hmacHex = (algorithm: 'sha256' | 'sha1', secret: string, payload: Uint8Array): string =>
  createHmac(algorithm, secret).update(payload).digest('hex');

/**
 * Checks a delivery's signature or token against the secret. Never throws: a missing, empty, malformed or
 * wrong-length header is simply not valid.
 */
export const verifySignature = (check: SignatureCheck): boolean => {
  const { scheme, secret, header, payload } = check;
  if (secret === '' || header === undefined || header === '') return false;
  switch (scheme) {
    case 'hub-sha256':
      return constantTimeEqual(header, `sha256=${hmacHex('sha256', secret, payload)}`);
    case 'hub-sha1':
      return constantTimeEqual(header, `sha1=${hmacHex('sha1', secret, payload)}`);
    case 'hex-sha256':
      return constantTimeEqual(header, hmacHex('sha256', secret, payload));
    case 'token':
      return tokenMatches(header, secret);
    case 'standard-webhooks':
      return standardWebhookMatches(check);
  }
};

/**
 * GitLab sends the token verbatim, minus line breaks. Both sides are hashed before the comparison so that
 * not even the token's length shows in the timing.
 */
const tokenMatches = (header: string, secret: string): boolean => {
  const expected = secret.replace(/[\r\n]/g, '');
  if (expected === '') return false;
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return constantTimeEqual(digest(header), digest(expected));
};

const WHSEC_PREFIX = 'whsec_';

/** Standard Webhooks: the key is the base64 after `whsec_`; the header lists `v1,<base64>` signatures. */
const standardWebhookMatches = (check: SignatureCheck): boolean => {
  const { webhookId, webhookTimestamp, header, payload } = check;
  if (!webhookId || !webhookTimestamp || !header) return false;
  const encodedKey = check.secret.startsWith(WHSEC_PREFIX)
    ? check.secret.slice(WHSEC_PREFIX.length)
    : check.secret;
  const key = Buffer.from(encodedKey, 'base64');
  if (key.length === 0) return false;
  const expected = createHmac('sha256', key)
    .update(`${webhookId}.${webhookTimestamp}.`, 'utf8')
    .update(payload)
    .digest('base64');
  return header
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .some((entry) => constantTimeEqual(entry.slice('v1,'.length), expected));
};
