import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Channel, Notification } from '../../core/notifications/subscription';
import { type ChannelSender, type DeliveryContext, DeliveryError } from '../../ports/channel-sender';
import { DEFAULT_FROM_ADDRESS, OutboxEmailChannel, SesEmailChannel } from './email-channel';
import type { OutboundMode, Resolver } from './outbound-http';
import { EventBridgeChannel, SqsChannel } from './queue-channels';
import { SlackChannel } from './slack-channel';
import { TeamsChannel } from './teams-channel';
import { WebhookChannel } from './webhook-channel';

/** One sender per channel kind. */
export type ChannelSenders = Record<Channel['kind'], ChannelSender>;

/** The ChannelSender the core sees: dispatches each channel to the sender of its kind. */
export class ChannelRouter implements ChannelSender {
  constructor(private readonly senders: ChannelSenders) {}

  send(channel: Channel, notification: Notification, context: DeliveryContext): Promise<void> {
    const kind: string = channel.kind;
    const sender = Object.hasOwn(this.senders, kind) ? this.senders[channel.kind] : undefined;
    if (!sender) {
      return Promise.reject(new DeliveryError(`there is no sender for ${kind} channels`, 'permanent'));
    }
    return sender.send(channel, notification, context);
  }
}

export interface ChannelRouterOptions {
  /** `local`: http and loopback targets allowed; e-mail to the outbox by default. */
  mode: OutboundMode;
  /** Write e-mail as `.eml` files here instead of sending it through SES. Default locally: `.mesh/outbox`. */
  outboxDir?: string;
  /** The sender of e-mail (verified in SES on AWS). */
  fromAddress?: string;
  ses?: SESv2Client;
  /** Used for every queue; without it, one client per queue region (AWS mode only). */
  sqs?: SQSClient;
  /** Used for every bus; without it, one client per bus region (AWS mode only). */
  eventBridge?: EventBridgeClient;
  /** Per HTTP request (webhook, Slack, Teams). Default 5 s. */
  timeoutMs?: number;
  /** For tests: host name resolution of HTTP targets. */
  resolve?: Resolver;
}

/** A client per region, created on first use. */
const perRegion = <C>(create: (region: string) => C): ((region: string) => C) => {
  const clients = new Map<string, C>();
  return (region) => {
    let client = clients.get(region);
    if (!client) {
      client = create(region);
      clients.set(region, client);
    }
    return client;
  };
};

const unavailable = (what: string): ChannelSender => ({
  send: async () => {
    throw new DeliveryError(`${what} channels are not available here: no client is configured`, 'permanent');
  },
});

/**
 * The platform's channels. E-mail goes to the outbox when `outboxDir` is set (or, locally, when no SES client
 * is given), else through SES. SQS and EventBridge use the given clients; on AWS without them, clients for
 * the target's region; locally without them, they fail permanently (there is no local SQS).
 */
export const buildChannelRouter = (options: ChannelRouterOptions): ChannelRouter => {
  const http = {
    mode: options.mode,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.resolve ? { resolve: options.resolve } : {}),
  };
  const fromAddress = options.fromAddress ?? DEFAULT_FROM_ADDRESS;
  const outboxDir =
    options.outboxDir ?? (options.mode === 'local' && !options.ses ? '.mesh/outbox' : undefined);
  const email = outboxDir
    ? new OutboxEmailChannel({ outboxDir, fromAddress })
    : new SesEmailChannel({ client: options.ses ?? new SESv2Client({}), fromAddress });
  const aws = options.mode === 'aws';
  const sqs = options.sqs
    ? new SqsChannel(options.sqs)
    : aws
      ? new SqsChannel(perRegion((region) => new SQSClient({ region })))
      : unavailable('SQS');
  const eventbridge = options.eventBridge
    ? new EventBridgeChannel(options.eventBridge)
    : aws
      ? new EventBridgeChannel(perRegion((region) => new EventBridgeClient({ region })))
      : unavailable('EventBridge');
  return new ChannelRouter({
    webhook: new WebhookChannel(http),
    slack: new SlackChannel(http),
    teams: new TeamsChannel(http),
    email,
    sqs,
    eventbridge,
  });
};
