import type { GitHost } from '../../../events/inbound/git-push-received';
import { headerValue, type WebhookHeaders } from './detect-host';
import { type SignatureScheme, verifySignature } from './verify-signature';
import { type BodyFormat, formPayload } from './webhook-body';

/** One secret per host family; `local` (the platform's own data repo) uses GitHub's, Forgejo falls back to Gitea's. */
export type WebhookSecrets = Partial<Record<'github' | 'gitlab' | 'gitea' | 'forgejo', string>>;

export type Authentication = { ok: true } | { ok: false; reason: string };

interface HostAuth {
  scheme: SignatureScheme;
  /** Header names as sent, tried in order; the first non-empty one is checked. */
  headers: readonly string[];
}

const HOST_AUTH: Record<GitHost, HostAuth> = {
  github: { scheme: 'hub-sha256', headers: ['X-Hub-Signature-256'] },
  local: { scheme: 'hub-sha256', headers: ['X-Hub-Signature-256'] },
  gitlab: { scheme: 'token', headers: ['X-Gitlab-Token'] },
  gitea: { scheme: 'hex-sha256', headers: ['X-Gitea-Signature'] },
  forgejo: { scheme: 'hex-sha256', headers: ['X-Forgejo-Signature', 'X-Gitea-Signature'] },
};

const nonEmpty = (value: string | undefined): string | undefined => (value === '' ? undefined : value);

/** The secret that authenticates a host's deliveries, if one is configured (an empty string is none). */
export const secretFor = (host: GitHost, secrets: WebhookSecrets): string | undefined => {
  switch (host) {
    case 'github':
    case 'local':
      return nonEmpty(secrets.github);
    case 'gitlab':
      return nonEmpty(secrets.gitlab);
    case 'gitea':
      return nonEmpty(secrets.gitea);
    case 'forgejo':
      return nonEmpty(secrets.forgejo) ?? nonEmpty(secrets.gitea);
  }
};

/**
 * The bytes the host signed: the raw body, except that Gitea and Forgejo sign the JSON of a form body's
 * `payload` field rather than the form body itself (GitHub signs the whole form body).
 */
const signedBytes = (host: GitHost, body: Uint8Array, format: BodyFormat): Uint8Array | undefined => {
  if (format === 'json' || (host !== 'gitea' && host !== 'forgejo')) return body;
  const payload = formPayload(body);
  return payload === undefined ? undefined : Buffer.from(payload, 'utf8');
};

/**
 * Authenticates a delivery against the raw bytes received, before anything is parsed. A host without a
 * configured secret authenticates nothing: an unsigned delivery is never accepted.
 */
export const authenticateDelivery = (
  host: GitHost,
  headers: WebhookHeaders,
  body: Uint8Array,
  format: BodyFormat,
  secrets: WebhookSecrets,
): Authentication => {
  const secret = secretFor(host, secrets);
  if (secret === undefined) {
    const key = host === 'local' ? 'github' : host === 'forgejo' ? 'forgejo (or gitea)' : host;
    return { ok: false, reason: `no ${key} webhook secret is configured, so ${host} deliveries are refused` };
  }
  const { scheme, headers: names } = HOST_AUTH[host];
  const sent = names
    .map((name) => ({ name, value: headerValue(headers, name.toLowerCase()) }))
    .find((candidate) => candidate.value !== undefined);
  const what = scheme === 'token' ? 'token' : 'signature';
  const expectedHeader = names[0] ?? '';
  if (sent?.value === undefined) {
    return {
      ok: false,
      reason: `the ${expectedHeader} header is missing or empty: set the webhook's secret on ${host} to the configured one`,
    };
  }
  const payload = signedBytes(host, body, format);
  const valid = payload !== undefined && verifySignature({ scheme, secret, header: sent.value, payload });
  return valid
    ? { ok: true }
    : {
        ok: false,
        reason: `the ${sent.name} ${what} does not match: the webhook's secret differs, or the body was altered`,
      };
};
