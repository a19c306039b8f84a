import type { Clock } from '../../ports/clock';
import type { EventPublisher } from '../../ports/event-publisher';
import type { GitProvider } from '../../ports/git-provider';
import type { LocationProber } from '../../ports/location-probe';
import type { Logger } from '../../ports/logger';
import type { Registry } from '../../ports/registry';
import type { SubscriptionsSyncResult } from '../notifications/gitops-subscriptions';
import type { TeamsConfig } from './ownership';

/** What the push processor depends on: ports only, built once in a composition root. */
export interface GitOpsDeps {
  registry: Registry;
  git: GitProvider;
  events: EventPublisher;
  clock: Clock;
  logger: Logger;
  /** Team → members (usernames or emails), from platform config; CODEOWNERS in the repo adds to it. */
  teams: TeamsConfig;
  settings: GitOpsSettings;
  /** Checks S3 locations a contract declares in its servers before they are registered. */
  storage?: LocationProber;
  /** The platform's default bucket: contracts may not declare prefixes in it. */
  defaultBucket?: string;
  /** Applies a consumer's `subscriptions.yaml` (absent: GitOps subscriptions are not handled). */
  syncSubscriptions?: (file: {
    path: string;
    text: string;
    actor: string;
  }) => Promise<SubscriptionsSyncResult>;
}

export interface GitOpsSettings {
  /** Contracts larger than this are rejected unread. @default 1 MiB */
  maxContractBytes: number;
  /** Errors kept per file in events (the total is always counted). @default 100 */
  maxReportedErrors: number;
  /** How long a started attempt holds a push before another may take over. @default 15 min */
  eventLeaseMs: number;
  /** Product folders processed at once. @default 4 */
  folderConcurrency: number;
}

export const DEFAULT_GIT_OPS_SETTINGS: GitOpsSettings = {
  maxContractBytes: 1024 * 1024,
  maxReportedErrors: 100,
  eventLeaseMs: 15 * 60 * 1000,
  folderConcurrency: 4,
};
