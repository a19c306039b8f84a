import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { Channel, Notification } from '../../core/notifications/subscription';
import { type ChannelSender, type DeliveryContext, DeliveryError } from '../../ports/channel-sender';
import { type OutboundMode, postJson, type Resolver } from './outbound-http';

/** The CloudEvents 1.0 envelope of a notification (structured content mode, JSON format). */
export interface NotificationCloudEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  data: Record<string, unknown>;
}

export const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json';
/** Reverse-DNS prefix of the CloudEvents `type`: `io.datamesh.schema-changed-breaking`. */
export const CLOUDEVENT_TYPE_PREFIX = 'io.datamesh.';

export const cloudEventSource = (productId: string): string =>
  `urn:datamesh:product:${encodeURIComponent(productId)}`;

/**
 * The CloudEvent every machine channel (webhook, SQS, EventBridge) carries. `data` leads with what people
 * read (title, summary, audience, path, link), then the domain event's detail; the notification's own fields
 * win a name clash with the detail.
 */
export const cloudEventFor = (notification: Notification): NotificationCloudEvent => {
  const own: Record<string, unknown> = {
    title: notification.title,
    summary: notification.summary,
    audience: notification.audience,
    ...(notification.path ? { path: notification.path } : {}),
    ...(notification.link ? { link: notification.link } : {}),
  };
  return {
    specversion: '1.0',
    id: notification.id,
    source: cloudEventSource(notification.productId),
    type: `${CLOUDEVENT_TYPE_PREFIX}${notification.type}`,
    subject: notification.productId,
    time: notification.occurredAt,
    datacontenttype: 'application/json',
    data: { ...own, ...notification.data, ...own },
  };
};

/** A new Standard Webhooks signing secret: `whsec_` and the base64 of 24 random bytes. */
export const newSigningSecret = (): string => `whsec_${randomBytes(24).toString('base64')}`;

/** The Standard Webhooks headers of one payload: `webhook-id`, `webhook-timestamp` (seconds), `webhook-signature`. */
export const signatureHeaders = (
  secret: string,
  msgId: string,
  payload: string,
  at: Date,
): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> => {
  let webhook: Webhook;
  try {
    webhook = new Webhook(secret);
  } catch (error) {
    throw new DeliveryError(
      `the subscription's signing secret is not a valid whsec_ secret: ${error instanceof Error ? error.message : String(error)}`,
      'permanent',
    );
  }
  return {
    'webhook-id': msgId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': webhook.sign(msgId, at, payload),
  };
};

export interface HttpChannelOptions {
  mode: OutboundMode;
  /** Per request. Default 5 s. */
  timeoutMs?: number;
  /** For tests: host name resolution. */
  resolve?: Resolver;
}

/**
 * Generic webhooks: a CloudEvent, signed with the subscription's secret by the Standard Webhooks scheme, so
 * receivers verify it with any Standard Webhooks library. `webhook-id` is the notification id: a redelivery
 * carries the same id, and receivers can drop duplicates.
 */
export class WebhookChannel implements ChannelSender {
  constructor(private readonly options: HttpChannelOptions & { clock?: () => Date }) {}

  async send(channel: Channel, notification: Notification, context: DeliveryContext): Promise<void> {
    if (channel.kind !== 'webhook') {
      throw new DeliveryError(`the webhook channel cannot deliver to a ${channel.kind} channel`, 'permanent');
    }
    if (!context.signingSecret) {
      throw new DeliveryError(
        `subscription ${context.subscriptionId} has no signing secret: webhooks are always signed`,
        'permanent',
      );
    }
    const payload = JSON.stringify(cloudEventFor(notification));
    const at = this.options.clock?.() ?? new Date();
    await postJson(channel.url, payload, {
      mode: this.options.mode,
      headers: {
        'content-type': `${CLOUDEVENTS_CONTENT_TYPE}; charset=utf-8`,
        ...signatureHeaders(context.signingSecret, notification.id, payload, at),
      },
      ...(this.options.timeoutMs === undefined ? {} : { timeoutMs: this.options.timeoutMs }),
      ...(this.options.resolve ? { resolve: this.options.resolve } : {}),
    });
  }
}
