import { defineEvent } from '../event-contract';
import * as z from '../zod';
import { PLATFORM_SOURCE } from './common';

const SubscriptionMetadataSchema = z.object({
  eventId: z.string(),
  /** The subscribed product, or `*` for a domain subscription (see `target`). */
  productId: z.string(),
  correlationId: z.string(),
  occurredAt: z.iso.datetime({ offset: true }),
});

/** A consumer subscribed to a product (or a domain); its owner team is told who. */
export const SubscriptionCreated = defineEvent({
  source: PLATFORM_SOURCE,
  detailType: 'Subscription Created',
  detail: z.object({
    metadata: SubscriptionMetadataSchema,
    subscriptionId: z.string(),
    consumer: z.string(),
    target: z.union([z.object({ productId: z.string() }), z.object({ domain: z.string() })]),
    events: z.array(z.string()),
    /** The channel kind only: targets and secrets stay in the subscription store. */
    channel: z.string(),
    source: z.enum(['api', 'cli', 'gitops']),
  }),
});

/** A notification could not be delivered after its retries (or the target is gone). */
export const NotificationFailed = defineEvent({
  source: PLATFORM_SOURCE,
  detailType: 'Notification Failed',
  detail: z.object({
    metadata: SubscriptionMetadataSchema,
    subscriptionId: z.string(),
    notificationId: z.string(),
    notificationType: z.string(),
    channel: z.string(),
    attempts: z.number(),
    error: z.string(),
    /** True when the subscription was paused (its target answered 410 Gone). */
    paused: z.boolean(),
  }),
});

export type SubscriptionCreatedDetail = z.infer<typeof SubscriptionCreated.detail>;
export type NotificationFailedDetail = z.infer<typeof NotificationFailed.detail>;
