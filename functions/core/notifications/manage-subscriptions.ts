import { SubscriptionCreated } from '../../../events/domain/subscription-events';
import { outgoing } from '../../ports/event-publisher';
import { deterministicId } from '../ids';
import type { Problem } from '../problem';
import type { NotificationDeps } from './notification-deps';
import {
  type Channel,
  DEFAULT_NOTIFICATION_TYPES,
  isSlackWebhookUrl,
  type NotificationType,
  type Subscription,
  type SubscriptionTarget,
} from './subscription';
import { subscriptionId } from './subscription-id';

export interface SubscriptionRequest {
  consumer: string;
  target: SubscriptionTarget;
  /** @default DEFAULT_NOTIFICATION_TYPES */
  events?: NotificationType[];
  channel: Channel;
  source: Subscription['source'];
  createdBy?: string;
  /** GitOps: the file that declares it. */
  declaredIn?: string;
}

export type SubscriptionOutcome =
  | { status: 'created'; subscription: Subscription; signingSecret?: string }
  | { status: 'exists'; subscription: Subscription }
  | { status: 'invalid'; problems: Problem[] };

/** Checks a channel can work at all before storing it (delivery re-checks every request: SSRF, TLS, …). */
const channelProblems = (channel: Channel, mode: 'aws' | 'local'): Problem[] => {
  if (channel.kind === 'webhook' || channel.kind === 'slack' || channel.kind === 'teams') {
    const url = new URL(channel.url);
    if (mode === 'aws' && url.protocol !== 'https:')
      return [{ path: 'channel.url', message: `${channel.kind} targets must use https://` }];
    if (channel.kind === 'slack' && mode === 'aws' && !isSlackWebhookUrl(channel.url)) {
      return [
        {
          path: 'channel.url',
          message: 'a Slack incoming webhook URL looks like https://hooks.slack.com/services/T…/B…/…',
        },
      ];
    }
  }
  return [];
};

/** The event types a request asks for: those it names (each once), or the defaults when it names none. */
export const requestedEvents = (events: readonly NotificationType[] | undefined): NotificationType[] => [
  ...new Set(events ?? DEFAULT_NOTIFICATION_TYPES),
];

/**
 * Creates a subscription, the same record whether it comes from the API, the CLI or the data repo. The same
 * consumer, target and channel make the same subscription: a second request answers with the first. A webhook
 * gets a signing secret, returned once, here. The owner team is told through `Subscription Created`.
 */
export const createSubscription = async (
  deps: Pick<NotificationDeps, 'subscriptions' | 'registry' | 'events' | 'clock' | 'settings' | 'newSecret'>,
  request: SubscriptionRequest,
): Promise<SubscriptionOutcome> => {
  const problems = channelProblems(request.channel, deps.settings.mode);
  if ('productId' in request.target) {
    if (!(await deps.registry.getProduct(request.target.productId))) {
      problems.push({
        path: 'product',
        message: `no data product "${request.target.productId}" is registered`,
      });
    }
  } else {
    const domain = request.target.domain;
    const products = await deps.registry.listProducts();
    if (!products.some((p) => p.domain === domain)) {
      problems.push({ path: 'domain', message: `no data product is registered in domain "${domain}"` });
    }
  }
  if (problems.length > 0) return { status: 'invalid', problems };

  const subscription: Subscription = {
    id: subscriptionId(request.consumer, request.target, request.channel),
    consumer: request.consumer,
    target: request.target,
    events: requestedEvents(request.events),
    channel: request.channel,
    source: request.source,
    status: 'active',
    createdAt: deps.clock().toISOString(),
    ...(request.createdBy ? { createdBy: request.createdBy } : {}),
    ...(request.declaredIn ? { declaredIn: request.declaredIn } : {}),
  };
  const stored = await deps.subscriptions.create({ ...subscription, pending: true });
  // A subscription made by an earlier request that died before announcing it (and handing out its secret)
  // is finished by this one, with the record as it was stored.
  if (!stored.subscription.pending) return { status: 'exists', subscription: stored.subscription };
  const { pending: _, ...made } = stored.subscription;

  let signingSecret: string | undefined;
  if (made.channel.kind === 'webhook') {
    signingSecret = await deps.subscriptions.putFirstSecret(made.id, deps.newSecret());
  }
  await announce(deps, made);
  await deps.subscriptions.markAnnounced(made.id);
  return { status: 'created', subscription: made, ...(signingSecret ? { signingSecret } : {}) };
};

/** `Subscription Created`: the owner team hears who subscribed. */
const announce = async (deps: Pick<NotificationDeps, 'events'>, subscription: Subscription) => {
  await deps.events.publish([
    outgoing(SubscriptionCreated, {
      metadata: {
        // The id is the subscription's, but a subscription deleted and made again is a new subscriber: its
        // creation time makes it a new event (and a new notice for the owner team), a retry the same one.
        eventId: deterministicId('subscription-created', subscription.id, subscription.createdAt),
        productId: 'productId' in subscription.target ? subscription.target.productId : '*',
        correlationId: subscription.id,
        occurredAt: subscription.createdAt,
      },
      subscriptionId: subscription.id,
      consumer: subscription.consumer,
      target: subscription.target,
      events: subscription.events,
      channel: subscription.channel.kind,
      source: subscription.source,
    }),
  ]);
};

export type RotateOutcome =
  | { status: 'rotated'; subscription: Subscription; signingSecret: string }
  | { status: 'not-found' }
  | { status: 'no-secret'; message: string };

/**
 * A new signing secret for a webhook subscription, returned once; the old one stops working at once. How a
 * consumer gets the secret of a subscription made in the data repo (GitOps), or one it lost.
 */
export const rotateSecret = async (
  deps: Pick<NotificationDeps, 'subscriptions' | 'newSecret'>,
  id: string,
): Promise<RotateOutcome> => {
  const subscription = await deps.subscriptions.get(id);
  if (!subscription) return { status: 'not-found' };
  if (subscription.channel.kind !== 'webhook') {
    return {
      status: 'no-secret',
      message: `a ${subscription.channel.kind} subscription has no signing secret (only webhooks are signed)`,
    };
  }
  const signingSecret = deps.newSecret();
  await deps.subscriptions.putSecret(id, signingSecret);
  return { status: 'rotated', subscription, signingSecret };
};
