import { defineEvent } from '../event-contract';
import * as z from '../zod';

/** The platform's webhook receiver: it verifies git host deliveries and puts one normalised event each. */
export const WEBHOOK_SOURCE = 'datamesh.webhooks';

/** The git hosts whose push webhooks the receiver understands (`local` is the platform's own data repo). */
export const GitHostSchema = z.enum(['github', 'gitlab', 'gitea', 'forgejo', 'local']);

/** 40 (SHA-1) or 64 (SHA-256) hex digits; all zeros stands for "no commit" (branch created or deleted). */
export const CommitShaSchema = z.string().check(z.regex(/^([0-9a-f]{40}|[0-9a-f]{64})$/));

export const GitRepositorySchema = z.object({
  host: GitHostSchema,
  /** `owner/name` (GitLab: the full namespace path, e.g. `group/subgroup/data`). */
  fullName: z.string().check(z.minLength(1)),
  /** Web or clone URL, for people and for the catalog. */
  url: z.optional(z.string()),
  /** The host's numeric id, when it sends one (GitLab project id, GitHub/Gitea repository id). */
  hostId: z.optional(z.number()),
});

export const GitPusherSchema = z.object({
  /** Login on the host (GitHub `pusher.name`, GitLab `user_username`, Gitea `pusher.login`). */
  username: z.string(),
  name: z.optional(z.string()),
  email: z.optional(z.string()),
});

export const GitCommitSchema = z.object({
  id: z.string(),
  message: z.string(),
  timestamp: z.optional(z.string()),
  author: z.optional(z.object({ name: z.optional(z.string()), email: z.optional(z.string()) })),
  added: z.array(z.string()),
  modified: z.array(z.string()),
  removed: z.array(z.string()),
});

export const GitPushReceivedDetailSchema = z.object({
  /** The host's delivery id (GitHub `X-GitHub-Delivery`, GitLab `Idempotency-Key`, Gitea `X-Gitea-Delivery`). */
  deliveryId: z.string().check(z.minLength(1)),
  repository: GitRepositorySchema,
  /** Full ref, `refs/heads/main`. */
  ref: z.string(),
  branch: z.string(),
  before: CommitShaSchema,
  after: CommitShaSchema,
  /**
   * As the host listed them: informative only (GitHub stops at 20, force-pushes drop commits); the processor
   * compares the trees at `before` and `after` instead.
   */
  commits: z.array(GitCommitSchema),
  pusher: GitPusherSchema,
  /** When the receiver accepted the delivery; orders pushes to one branch. */
  receivedAt: z.iso.datetime({ offset: true }),
});

export const GitPushReceived = defineEvent({
  source: WEBHOOK_SOURCE,
  detailType: 'Git Push Received',
  detail: GitPushReceivedDetailSchema,
});

export type GitHost = z.infer<typeof GitHostSchema>;
export type GitRepository = z.infer<typeof GitRepositorySchema>;
export type GitPusher = z.infer<typeof GitPusherSchema>;
export type GitCommit = z.infer<typeof GitCommitSchema>;
export type GitPushReceivedDetail = z.infer<typeof GitPushReceivedDetailSchema>;

export const ZERO_SHA = /^0+$/;
export const isZeroSha = (sha: string): boolean => ZERO_SHA.test(sha);
