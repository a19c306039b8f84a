import type { GitHost } from '../../../events/inbound/git-push-received';

/** Request headers with lower-case names. */
export type WebhookHeaders = Record<string, string | undefined>;

/** The `User-Agent` prefix of the platform's own local data repository hook (GitHub format, host `local`). */
export const LOCAL_HOOK_USER_AGENT = 'mesh-data-repo-hook/';

export interface DetectedHost {
  host: GitHost;
  /** The event header's value: `push`, `ping`, `Push Hook`, `Tag Push Hook`, `pull_request`, … */
  event: string;
  /** The delivery id the host put in a header, if any (GitLab's fallback is built from the payload). */
  deliveryId?: string;
}

/** A header's value, trimmed; an empty value counts as absent (Gitea sends empty signature headers). */
export const headerValue = (headers: WebhookHeaders, name: string): string | undefined => {
  const value = headers[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
};

/** The same headers with lower-case names, whatever the caller passed. */
export const lowerCaseHeaders = (headers: WebhookHeaders): WebhookHeaders =>
  Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));

/**
 * Tells which host sent a delivery from its event header. Forgejo also sends Gitea's and GitHub's headers,
 * and Gitea GitHub's, so the most specific host is tried first: Forgejo, Gitea, GitLab, then GitHub (or the
 * local data repo, which speaks GitHub's format with its own `User-Agent`). Undefined: no known event header.
 */
export const detectHost = (headers: WebhookHeaders): DetectedHost | undefined => {
  const header = (name: string) => headerValue(headers, name);
  const detected = (host: GitHost, event: string, deliveryId: string | undefined): DetectedHost =>
    deliveryId === undefined ? { host, event } : { host, event, deliveryId };

  const forgejo = header('x-forgejo-event');
  if (forgejo)
    return detected('forgejo', forgejo, header('x-forgejo-delivery') ?? header('x-gitea-delivery'));
  const gitea = header('x-gitea-event');
  if (gitea) return detected('gitea', gitea, header('x-gitea-delivery'));
  const gitlab = header('x-gitlab-event');
  if (gitlab) return detected('gitlab', gitlab, header('idempotency-key'));
  const github = header('x-github-event');
  if (github) {
    const local = header('user-agent')?.startsWith(LOCAL_HOOK_USER_AGENT) ?? false;
    return detected(local ? 'local' : 'github', github, header('x-github-delivery'));
  }
  return undefined;
};
