import type { ChannelSender } from '../../ports/channel-sender';
import type { Clock } from '../../ports/clock';
import type { DeliveryQueue } from '../../ports/delivery-queue';
import type { EventPublisher } from '../../ports/event-publisher';
import type { Logger } from '../../ports/logger';
import type { Registry } from '../../ports/registry';
import type { SubscriptionStore } from '../../ports/subscription-store';

/** What the notification use cases depend on: ports only, built once in a composition root. */
export interface NotificationDeps {
  registry: Registry;
  subscriptions: SubscriptionStore;
  queue: DeliveryQueue;
  channels: ChannelSender;
  events: EventPublisher;
  clock: Clock;
  logger: Logger;
  /** A new webhook signing secret (`whsec_…`). */
  newSecret: () => string;
  settings: NotificationSettings;
}

export interface NotificationSettings {
  /** Where channels may send: `local` allows loopback targets and plain HTTP. */
  mode: 'aws' | 'local';
  /** Deliveries tried this many times before they are dead-lettered and reported. @default 5 */
  maxAttempts: number;
  /** How long one delivery attempt holds its ledger entry. @default 2 min */
  deliveryLeaseMs: number;
  /** The wait before a failed delivery's next attempt, doubled each attempt (see `retryDelayMs`). */
  retryBackoff: RetryBackoff;
}

export interface RetryBackoff {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_NOTIFICATION_SETTINGS: NotificationSettings = {
  mode: 'aws',
  maxAttempts: 5,
  deliveryLeaseMs: 2 * 60 * 1000,
  // 1, 2, 4 and 8 minutes between the five attempts: a receiver that is down for a deploy gets its events.
  retryBackoff: { baseMs: 60_000, maxMs: 15 * 60_000 },
};

/** Locally the same schedule runs in milliseconds, so a walkthrough or a test sees a retry at once. */
const LOCAL_RETRY_BACKOFF: RetryBackoff = { baseMs: 200, maxMs: 5_000 };

export const notificationSettingsFor = (mode: NotificationSettings['mode']): NotificationSettings => ({
  ...DEFAULT_NOTIFICATION_SETTINGS,
  mode,
  ...(mode === 'local' ? { retryBackoff: LOCAL_RETRY_BACKOFF } : {}),
});
