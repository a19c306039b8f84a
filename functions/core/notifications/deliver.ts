import { NotificationFailed } from '../../../events/domain/subscription-events';
import { DeliveryError } from '../../ports/channel-sender';
import type { DeliveryMessage } from '../../ports/delivery-queue';
import { outgoing } from '../../ports/event-publisher';
import type { ClaimedDelivery, SubscriptionWithSecret } from '../../ports/subscription-store';
import { deterministicId } from '../ids';
import { CompletionBatch } from './completion-batch';
import type { NotificationDeps } from './notification-deps';
import { isProducerSubscription } from './subscription-id';

export type DeliveryOutcome =
  | { status: 'delivered' }
  | { status: 'duplicate' }
  | { status: 'skipped'; reason: string }
  | { status: 'failed'; reason: string; paused: boolean };

/** The delivery is being retried (a retryable failure, or another attempt holds it): let the queue retry. */
export class DeliveryRetryError extends Error {
  override readonly name = 'DeliveryRetryError';
  constructor(
    message: string,
    /** The target's own `Retry-After`, when it gave one. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** How long a sent delivery may wait for its batch's others before it is recorded on its own. */
const COMPLETION_WINDOW_MS = 100;

/** One received queue message: the delivery and which receive of it this is. */
export interface QueuedDelivery {
  message: DeliveryMessage;
  attempt: number;
}

/** What became of one delivery of a batch: an outcome, or the error that sends it back to the queue. */
export type DeliveryResult = PromiseSettledResult<DeliveryOutcome>;

type Attempted = { sent: ClaimedDelivery } | { outcome: DeliveryOutcome };

/**
 * Delivers a batch of queued notifications, each exactly once per subscription: the subscriptions (and their
 * secrets) are read together, each ledger entry is claimed first (a delivered one is never sent again, whatever
 * the queue redelivers), each channel is called, and the delivered ones are recorded together (a slow target
 * holds the others' records back by `COMPLETION_WINDOW_MS` at most). A 410 Gone pauses the subscription;
 * permanent failures are not retried; retryable ones are, by the queue, until the last attempt, which reports
 * `Notification Failed`. Results are in the order of `deliveries`.
 */
export const deliverAll = async (
  deps: NotificationDeps,
  deliveries: readonly QueuedDelivery[],
): Promise<DeliveryResult[]> => {
  const storedIds = deliveries
    .map(({ message }) => message.subscription.id)
    .filter((id) => !isProducerSubscription(id));
  let current: Map<string, SubscriptionWithSecret | Error>;
  try {
    current = storedIds.length > 0 ? await deps.subscriptions.getWithSecrets(storedIds) : new Map();
  } catch (error) {
    return deliveries.map(() => ({ status: 'rejected', reason: error }));
  }
  const completions = new CompletionBatch(deps.subscriptions, deliveries.length, COMPLETION_WINDOW_MS);
  return Promise.all(
    deliveries.map(async ({ message, attempt }): Promise<DeliveryResult> => {
      // Producer channels are not stored: the message's copy is the subscription.
      const found = isProducerSubscription(message.subscription.id)
        ? { subscription: message.subscription }
        : current.get(message.subscription.id);
      let attempted: Attempted;
      try {
        if (found instanceof Error) throw found;
        attempted = await attemptOne(deps, message, attempt, found);
      } catch (error) {
        completions.settled();
        return { status: 'rejected', reason: error };
      }
      if ('outcome' in attempted) {
        completions.settled();
        return { status: 'fulfilled', value: attempted.outcome };
      }
      try {
        await completions.record(attempted.sent);
        return { status: 'fulfilled', value: { status: 'delivered' } };
      } catch (error) {
        // Sent but not recorded: the retry finds the claim and sends again once its lease runs out.
        return { status: 'rejected', reason: error };
      }
    }),
  );
};

/** Claims and sends one delivery; the caller records it when sent. Throws to have the queue retry. */
const attemptOne = async (
  deps: NotificationDeps,
  message: DeliveryMessage,
  attempt: number,
  current: SubscriptionWithSecret | undefined,
): Promise<Attempted> => {
  const { notification } = message;
  if (!current) return { outcome: { status: 'skipped', reason: 'the subscription was deleted' } };
  const stored = current.subscription;
  if (stored.status !== 'active')
    return { outcome: { status: 'skipped', reason: `the subscription is ${stored.status}` } };
  // Its creation has not finished (the subscriber has no 201 and no secret yet): it starts when it does.
  if (stored.pending)
    return { outcome: { status: 'skipped', reason: 'the subscription is not created yet' } };

  const delivery = {
    subscriptionId: stored.id,
    notificationId: notification.id,
    productId: notification.productId,
    type: notification.type,
  };
  const claim = await deps.subscriptions.claimDelivery(delivery, deps.settings.deliveryLeaseMs);
  if (claim.status === 'delivered') return { outcome: { status: 'duplicate' } };
  if (claim.status === 'in-progress')
    throw new DeliveryRetryError(`delivery ${notification.id} is in progress`);

  try {
    const signingSecret = stored.channel.kind === 'webhook' ? current.signingSecret : undefined;
    await deps.channels.send(stored.channel, notification, {
      subscriptionId: stored.id,
      ...(signingSecret ? { signingSecret } : {}),
    });
  } catch (error) {
    const failure =
      error instanceof DeliveryError
        ? error
        : new DeliveryError(error instanceof Error ? error.message : String(error), 'retryable');
    await deps.subscriptions.failDelivery(delivery.subscriptionId, delivery.notificationId, failure.message);
    const last = failure.kind !== 'retryable' || attempt >= deps.settings.maxAttempts;
    const paused = failure.kind === 'gone';
    if (paused) await deps.subscriptions.pause(stored.id, `the target answered 410 Gone: ${failure.message}`);
    if (last) {
      await deps.events.publish([
        outgoing(NotificationFailed, {
          metadata: {
            eventId: deterministicId('notification-failed', notification.id, stored.id),
            productId: notification.productId,
            correlationId: notification.source.eventId,
            occurredAt: deps.clock().toISOString(),
          },
          subscriptionId: stored.id,
          notificationId: notification.id,
          notificationType: notification.type,
          channel: stored.channel.kind,
          attempts: claim.attempts,
          error: failure.message,
          paused,
        }),
      ]);
      deps.logger.warn('notification failed', {
        subscriptionId: stored.id,
        notificationId: notification.id,
        error: failure.message,
      });
    }
    if (failure.kind === 'retryable') throw new DeliveryRetryError(failure.message, failure.retryAfterMs);
    return { outcome: { status: 'failed', reason: failure.message, paused } };
  }
  return {
    sent: {
      ...delivery,
      attempts: claim.attempts,
      ...(claim.lastError ? { lastError: claim.lastError } : {}),
    },
  };
};
