import { createHash } from 'node:crypto';
import { SubscriptionCreated } from '../../../events/domain/subscription-events';
import type { SubscriptionStore } from '../../ports/subscription-store';
import type * as z from '../../shared/zod';
import type { SupportChannelSchema } from '../contracts/data-contract';
import type { ProductRecord } from '../registry/records';
import { upstreamProductIds } from '../registry/upstream';
import { DEFAULT_MAX_DEPTH, downstreamOf, propagatesDownstream } from './downstream-impact';
import { listedTypesFor, matchingType, type ProductRef } from './match-subscriptions';
import { buildNotification, notificationsFor } from './notification-for-event';
import {
  type Channel,
  ChannelSchema,
  isSlackWebhookUrl,
  type Notification,
  type NotificationType,
  type Subscription,
  SubscriptionSchema,
} from './subscription';
import { PRODUCER_SUBSCRIPTION_PREFIX } from './subscription-id';

export type SupportChannel = z.infer<typeof SupportChannelSchema>;

export interface FanOutPlanDeps {
  subscriptions: Pick<SubscriptionStore, 'forProduct'>;
  registry: {
    getProduct(productId: string): Promise<ProductRecord | undefined>;
    listProducts(): Promise<ProductRecord[]>;
  };
}

/** A product event, as the fan-out receives it. */
export interface FanOutEvent {
  /** The source event's id: with the subscription and type it makes the notification id. */
  id: string;
  detailType: string;
  /** The parsed domain event detail. */
  detail: unknown;
  occurredAt: string;
  productId: string;
}

export interface PlannedDelivery {
  subscription: Subscription;
  notification: Notification;
}

/** What the producer's own channels are told: what went wrong with what they published, and who subscribed. */
export const PRODUCER_TYPES: readonly NotificationType[] = [
  'validation-failed',
  'rejected',
  'subscriber-added',
  'storage-changed',
];

/** Teams incoming webhooks (classic connectors); Power Automate workflow URLs count only with `tool: teams`. */
const TEAMS_HOST_SUFFIXES = ['.webhook.office.com'];
const TEAMS_WORKFLOW_HOST_SUFFIXES = ['.logic.azure.com', '.api.powerplatform.com'];
/** A local fake of Slack or Teams (the local platform); the SSRF guard refuses these on AWS. */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

const emailChannel = (candidate: string | undefined): Channel | undefined => {
  if (!candidate) return undefined;
  const address =
    candidate
      .trim()
      .replace(/^mailto:/i, '')
      .split('?')[0] ?? '';
  const parsed = ChannelSchema.safeParse({ kind: 'email', address });
  return parsed.success ? parsed.data : undefined;
};

const chatChannel = (tool: string | undefined, rawUrl: string | undefined): Channel | undefined => {
  if (!rawUrl) return undefined;
  let url: URL;
  try {
    url = new URL(rawUrl.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const host = url.hostname.toLowerCase();
  let kind: 'slack' | 'teams' | undefined;
  if (isSlackWebhookUrl(url.href)) kind = 'slack';
  else if (TEAMS_HOST_SUFFIXES.some((suffix) => host.endsWith(suffix))) kind = 'teams';
  else if (tool === 'teams' && TEAMS_WORKFLOW_HOST_SUFFIXES.some((suffix) => host.endsWith(suffix)))
    kind = 'teams';
  else if ((tool === 'slack' || tool === 'teams') && LOOPBACK_HOSTS.has(host)) kind = tool;
  if (!kind) return undefined;
  const parsed = ChannelSchema.safeParse({ kind, url: url.href });
  return parsed.success ? parsed.data : undefined;
};

/**
 * The channel a contract's `support` entry can be notified on, if any:
 * - an email address (`tool: email`, a `mailto:` URL, or a `channel` that is an address) → email;
 * - a Slack incoming webhook URL (`hooks.slack.com`) → slack; a Teams incoming webhook
 *   (`*.webhook.office.com`, or a Power Automate workflow URL with `tool: teams`) → teams;
 *   a loopback URL with `tool: slack|teams` → that kind (local fakes).
 * Other URLs are links for people (a Slack channel `…/archives/C…`, a ticket board, a wiki) and get nothing:
 * posting to them cannot work, and a contract is no place to register an unsigned webhook receiver.
 */
export const producerChannel = (entry: SupportChannel): Channel | undefined => {
  const tool = entry.tool?.trim().toLowerCase();
  return (
    chatChannel(tool, entry.url) ??
    (entry.url?.trim().toLowerCase().startsWith('mailto:') ? emailChannel(entry.url) : undefined) ??
    (tool === 'email' || entry.channel.includes('@') ? emailChannel(entry.channel) : undefined)
  );
};

const shortHash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

const channelTarget = (channel: Channel): string => {
  switch (channel.kind) {
    case 'email':
      return `email:${channel.address.toLowerCase()}`;
    case 'sqs':
      return `sqs:${channel.queueArn}`;
    case 'eventbridge':
      return `eventbridge:${channel.busArn}`;
    default:
      return `${channel.kind}:${channel.url}`;
  }
};

/**
 * The owner team's own channels, from the `support` entries of the product's contract: synthetic (never stored)
 * subscriptions to `validation-failed`, `rejected` and `subscriber-added`, id `producer:<productId>:<hash of the channel>`, consumer
 * `team:<owner team>`, source `gitops` (declared in the contract), created when the product last changed.
 */
export const producerSubscriptions = (product: ProductRecord): Subscription[] => {
  const byId = new Map<string, Subscription>();
  for (const entry of product.contract.support) {
    const channel = producerChannel(entry);
    if (!channel) continue;
    const candidate = SubscriptionSchema.safeParse({
      id: `${PRODUCER_SUBSCRIPTION_PREFIX}${product.id}:${shortHash(channelTarget(channel))}`,
      consumer: `team:${product.ownerTeam}`,
      target: { productId: product.id },
      events: [...PRODUCER_TYPES],
      channel,
      source: 'gitops',
      status: 'active',
      createdAt: product.updatedAt,
    } satisfies Subscription);
    if (candidate.success && !byId.has(candidate.data.id)) byId.set(candidate.data.id, candidate.data);
  }
  return [...byId.values()];
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The changed product's id and domain: from the registry, else from the event's product summary. */
const productRef = (event: FanOutEvent, product: ProductRecord | undefined): ProductRef => {
  if (product) return { id: product.id, domain: product.domain };
  const summary = isRecord(event.detail) && isRecord(event.detail.product) ? event.detail.product : undefined;
  return { id: event.productId, domain: typeof summary?.domain === 'string' ? summary.domain : undefined };
};

/**
 * For each product, the products that depend on it: those naming it among their contract's `upstreamProducts`,
 * or among the input ports of their `dataproduct.yaml` (ODPS: by its contract id, or by product id as the port's
 * name).
 */
const dependentsIndex = (products: ProductRecord[]): Map<string, string[]> => {
  const index = new Map<string, string[]>();
  for (const product of products) {
    for (const upstream of upstreamProductIds(product, products)) {
      index.set(upstream, [...(index.get(upstream) ?? []), product.id]);
    }
  }
  return index;
};

/**
 * Who is told about a product event, and what: one delivery per subscription, never two.
 * 1. Direct subscribers (the product, or its domain), of the most specific type each asked for.
 * 2. If the event propagates (breaking schema change, validation failure, deprecation): the subscribers of every
 *    product derived from it, transitively (contract `upstreamProducts`), with the path from the changed product.
 * 3. The owner team's channels from the contract's `support` entries, for validation failures, rejections and
 *    new subscriptions (audience `producer`).
 * A new subscription (`Subscription Created`, product `*` for a domain) is not told of itself.
 * A subscription reached twice (a domain subscription covering the product and a dependent) keeps its direct
 * delivery, else the one with the shortest path.
 */
export const planFanOut = async (
  deps: FanOutPlanDeps,
  event: FanOutEvent,
  options: { maxDepth?: number } = {},
): Promise<PlannedDelivery[]> => {
  const product = await deps.registry.getProduct(event.productId);
  const types = notificationsFor(event, product);
  if (types.length === 0) return [];

  const sourceEvent = { id: event.id, detailType: event.detailType, occurredAt: event.occurredAt };
  const planned = new Map<string, PlannedDelivery>();
  const created =
    event.detailType === SubscriptionCreated.detailType && isRecord(event.detail)
      ? event.detail.subscriptionId
      : undefined;
  const add = (
    subscription: Subscription,
    type: NotificationType,
    audience: Notification['audience'],
    path?: string[],
  ) => {
    if (planned.has(subscription.id) || subscription.id === created) return;
    planned.set(subscription.id, {
      subscription,
      notification: buildNotification({
        type,
        productId: event.productId,
        audience,
        sourceEvent,
        detail: event.detail,
        subscriptionId: subscription.id,
        ...(path ? { path } : {}),
      }),
    });
  };

  const changed = productRef(event, product);
  const listing = listedTypesFor(types);
  for (const subscription of await deps.subscriptions.forProduct(changed.id, changed.domain, listing)) {
    const type = matchingType(subscription, types, changed);
    if (type) add(subscription, type, 'consumer');
  }

  if (types.some(propagatesDownstream)) {
    const products = await deps.registry.listProducts();
    const byId = new Map(products.map((p) => [p.id, p]));
    const index = dependentsIndex(products);
    const downstream = await downstreamOf(event.productId, (id) => index.get(id) ?? [], {
      maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
    });
    const subscribers = await Promise.all(
      downstream.map(async (node) => {
        const ref: ProductRef = { id: node.productId, domain: byId.get(node.productId)?.domain };
        return {
          node,
          ref,
          subscriptions: await deps.subscriptions.forProduct(ref.id, ref.domain, listing),
        };
      }),
    );
    for (const { node, ref, subscriptions } of subscribers) {
      for (const subscription of subscriptions) {
        const type = matchingType(subscription, types, ref);
        if (type) add(subscription, type, 'consumer', node.path);
      }
    }
  }

  const producerTypes = types.filter((type) => PRODUCER_TYPES.includes(type));
  if (product && producerTypes.length > 0) {
    for (const subscription of producerSubscriptions(product)) {
      const type = matchingType(subscription, producerTypes, changed);
      if (type) add(subscription, type, 'producer');
    }
  }
  return [...planned.values()];
};
