import type { GitHost, GitPushReceivedDetail } from '../../../events/inbound/git-push-received';
import { authenticateDelivery, type WebhookSecrets } from './authenticate-delivery';
import { type DetectedHost, detectHost, lowerCaseHeaders } from './detect-host';
import { type RefUpdate, readPushContent, readRefUpdate } from './normalise-push';
import { branchOf, whyIgnored } from './push-filter';
import { bodyFormat, readPayload } from './webhook-body';

export interface WebhookRequest {
  /** Header names in lower case (others are lower-cased too). */
  headers: Record<string, string | undefined>;
  /** The raw bytes as received: signatures cover these exact bytes. */
  body: Uint8Array;
}

export interface WebhookConfig {
  /** Forgejo falls back to Gitea's secret; the local data repo uses GitHub's. */
  secrets: WebhookSecrets;
  /** The data repo's branch, e.g. `main`; pushes to other branches are ignored. */
  branch: string;
  /** When set, only this repository `fullName` is accepted (others are ignored). */
  repository?: string;
}

export type WebhookOutcome =
  /** Missing, empty or wrong signature or token, or no secret configured for that host. */
  | { status: 401; host?: GitHost; reason: string }
  /** Unknown host (no known event header), malformed body, payload missing required fields. */
  | { status: 400; host?: GitHost; reason: string }
  /** GitHub's `ping` when a hook is created (Gitea and Forgejo send a push as their test delivery). */
  | { status: 200; kind: 'ping'; host: GitHost; deliveryId?: string }
  /** Authentic, but nothing to process: other branch or repository, tag, branch deletion, other event. */
  | { status: 202; kind: 'ignored'; host: GitHost; deliveryId: string; reason: string }
  | {
      status: 202;
      kind: 'push';
      host: GitHost;
      deliveryId: string;
      push: Omit<GitPushReceivedDetail, 'receivedAt'>;
    };

type EventKind = 'push' | 'tag-push' | 'ping' | 'other';

const eventKind = ({ host, event }: DetectedHost): EventKind => {
  switch (host) {
    case 'github':
    case 'local':
      return event === 'push' ? 'push' : event === 'ping' ? 'ping' : 'other';
    case 'gitlab':
      return event === 'Push Hook' ? 'push' : event === 'Tag Push Hook' ? 'tag-push' : 'other';
    case 'gitea':
    case 'forgejo':
      return event === 'push' ? 'push' : 'other';
  }
};

const DELIVERY_HEADERS: Record<GitHost, string> = {
  github: 'X-GitHub-Delivery',
  local: 'X-GitHub-Delivery',
  gitlab: 'Idempotency-Key',
  gitea: 'X-Gitea-Delivery',
  forgejo: 'X-Forgejo-Delivery',
};

/**
 * GitLab sends `Idempotency-Key` (stable across retries) only since 17.x; without it, the push itself names
 * the delivery, so a retry of the same push gets the same id.
 */
const deliveryIdOf = (detected: DetectedHost, update: RefUpdate): string | undefined =>
  detected.deliveryId ??
  (detected.host === 'gitlab'
    ? `gitlab:${update.repository.hostId ?? update.repository.fullName}:${update.ref}:${update.before}:${update.after}`
    : undefined);

/**
 * Turns a git host's webhook delivery into what the receiver answers and, for a push to the data branch, the
 * normalised push. Pure: no clock, no I/O. The delivery is authenticated against the raw body before any of
 * it is parsed; only then is the payload read, and only the fields the platform uses.
 */
export const interpretWebhook = (request: WebhookRequest, config: WebhookConfig): WebhookOutcome => {
  const headers = lowerCaseHeaders(request.headers);
  const detected = detectHost(headers);
  if (detected === undefined) {
    return {
      status: 400,
      reason:
        'not a known git host webhook: none of the X-Forgejo-Event, X-Gitea-Event, X-Gitlab-Event or X-GitHub-Event headers is present',
    };
  }
  const { host } = detected;
  const format = bodyFormat(headers);
  const authentication = authenticateDelivery(host, headers, request.body, format, config.secrets);
  if (!authentication.ok) return { status: 401, host, reason: authentication.reason };

  const kind = eventKind(detected);
  if (kind === 'ping') {
    return detected.deliveryId === undefined
      ? { status: 200, kind: 'ping', host }
      : { status: 200, kind: 'ping', host, deliveryId: detected.deliveryId };
  }
  if (kind === 'other') {
    return {
      status: 202,
      kind: 'ignored',
      host,
      deliveryId: detected.deliveryId ?? '',
      reason: `${host} "${detected.event}" events are not processed: only pushes are`,
    };
  }

  const read = readPayload(request.body, format);
  if (!read.ok) return { status: 400, host, reason: read.reason };
  const update = readRefUpdate(host, read.payload);
  if (!update.ok) return { status: 400, host, reason: update.reason };
  const deliveryId = deliveryIdOf(detected, update.value);
  if (deliveryId === undefined) {
    return { status: 400, host, reason: `the ${DELIVERY_HEADERS[host]} header is missing or empty` };
  }

  const ignored = whyIgnored(update.value, config, kind === 'tag-push');
  if (ignored !== undefined) return { status: 202, kind: 'ignored', host, deliveryId, reason: ignored };

  const content = readPushContent(host, read.payload);
  if (!content.ok) return { status: 400, host, reason: content.reason };
  const { repository, ref, before, after } = update.value;
  return {
    status: 202,
    kind: 'push',
    host,
    deliveryId,
    push: {
      deliveryId,
      repository,
      ref,
      branch: branchOf(ref) ?? ref,
      before,
      after,
      commits: content.value.commits,
      pusher: content.value.pusher,
    },
  };
};
