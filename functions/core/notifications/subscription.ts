import * as z from '../../shared/zod';
import { ProductIdSchema } from '../contracts/data-contract';

/** Where a notification goes. Secrets (webhook signing keys) are not part of the channel. */
export const ChannelSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('webhook'), url: z.url() }),
  z.object({ kind: z.literal('slack'), url: z.url() }),
  z.object({ kind: z.literal('teams'), url: z.url() }),
  z.object({ kind: z.literal('email'), address: z.email() }),
  z.object({
    kind: z.literal('sqs'),
    queueArn: z
      .string()
      .check(z.regex(/^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,80}(\.fifo)?$/)),
  }),
  z.object({
    kind: z.literal('eventbridge'),
    busArn: z
      .string()
      .check(z.regex(/^arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:event-bus\/[A-Za-z0-9._\-/]+$/)),
  }),
]);

/**
 * What a subscriber can be told about. `schema-changed-breaking` is `schema-changed` restricted to breaking
 * changes; `subscriber-added` is for producers (someone subscribed to their product); `storage-changed` (the
 * product's files now live elsewhere) reaches every subscriber, whatever types they chose.
 */
export const NotificationTypeSchema = z.enum([
  'version-published',
  'schema-changed',
  'schema-changed-breaking',
  'validation-failed',
  'deprecated',
  'rejected',
  'subscriber-added',
  'storage-changed',
]);

/** The events a subscription gets when it names none. */
export const DEFAULT_NOTIFICATION_TYPES = [
  'version-published',
  'schema-changed',
  'validation-failed',
  'deprecated',
  'storage-changed',
] as const satisfies readonly z.infer<typeof NotificationTypeSchema>[];

/** One product, or every product of a domain. */
export const SubscriptionTargetSchema = z.union([
  z.object({ productId: ProductIdSchema }),
  z.object({ domain: z.string().check(z.minLength(1)) }),
]);

export const SubscriptionSchema = z.object({
  /** Deterministic from consumer, target and channel: the same subscription made twice is one subscription. */
  id: z.string(),
  /** A team or a person (`team:analytics`, `alice@example.com`). */
  consumer: z.string().check(z.minLength(1)),
  target: SubscriptionTargetSchema,
  events: z.array(NotificationTypeSchema).check(z.minLength(1)),
  channel: ChannelSchema,
  /** How it was made: all three end in the same record. */
  source: z.enum(['api', 'cli', 'gitops']),
  status: z.enum(['active', 'paused']),
  /** Why it is paused (a webhook answered 410 Gone, …). */
  pausedReason: z.optional(z.string()),
  createdAt: z.string(),
  createdBy: z.optional(z.string()),
  /** The data repo file that declares a GitOps subscription (`analytics/subscriptions.yaml`). */
  declaredIn: z.optional(z.string()),
  /**
   * Stored, but not yet announced nor its secret handed out: a creation that died half-way, which its retry
   * (the same request again) finishes instead of answering that the subscription exists.
   */
  pending: z.optional(z.literal(true)),
});

/** What a channel delivers: one event about one product, for one audience. */
export const NotificationSchema = z.object({
  /** Deterministic from the source event and the subscription: what makes a delivery exactly-once. */
  id: z.string(),
  type: NotificationTypeSchema,
  productId: z.string(),
  audience: z.enum(['consumer', 'producer']),
  occurredAt: z.string(),
  /** One line: "orders 2.0.0: breaking schema change". */
  title: z.string(),
  /** A few lines for people: what changed, the verdict, the errors. */
  summary: z.string(),
  /** The domain event's detail, for machines (CloudEvent data). */
  data: z.record(z.string(), z.unknown()),
  /** For downstream impact: the path from the changed product to the subscribed one (`orders → daily-revenue`). */
  path: z.optional(z.array(z.string())),
  link: z.optional(z.string()),
  source: z.object({ eventId: z.string(), detailType: z.string() }),
});

export type Channel = z.infer<typeof ChannelSchema>;
export type NotificationType = z.infer<typeof NotificationTypeSchema>;
export type SubscriptionTarget = z.infer<typeof SubscriptionTargetSchema>;
export type Subscription = z.infer<typeof SubscriptionSchema>;
export type Notification = z.infer<typeof NotificationSchema>;

const SLACK_HOSTS = new Set(['hooks.slack.com', 'hooks.slack-gov.com']);

/** Whether a URL is a Slack incoming webhook: `https://hooks.slack.com/services/…` (or slack-gov.com). */
export const isSlackWebhookUrl = (url: string): boolean => {
  try {
    const parsed = new URL(url);
    return (
      parsed.protocol === 'https:' &&
      SLACK_HOSTS.has(parsed.hostname) &&
      parsed.port === '' &&
      parsed.pathname.startsWith('/services/') &&
      parsed.pathname.length > '/services/'.length
    );
  } catch {
    return false;
  }
};
