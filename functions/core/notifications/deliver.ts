import { NotificationFailed } from '../../../events/domain/subscription-events';
import { DeliveryError } from '../../ports/channel-sender';
import type { DeliveryMessage } from '../../ports/delivery-queue';
import { outgoing } from '../../ports/event-publisher';
import { deterministicId } from '../ids';
import type { NotificationDeps } from './notification-deps';

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

/**
 * Delivers one queued notification exactly once per subscription: the ledger entry is claimed first (a
 * delivered one is never sent again, whatever the queue redelivers), the channel is called, and the outcome
 * recorded. A 410 Gone pauses the subscription; permanent failures are not retried; retryable ones are, by
 * the queue, until the last attempt, which reports `Notification Failed`.
 */
export const deliver = async (
  deps: NotificationDeps,
  message: DeliveryMessage,
  attempt: number,
): Promise<DeliveryOutcome> => {
  const { notification } = message;
  const current = message.subscription.id.startsWith('producer:')
    ? { subscription: message.subscription }
    : await deps.subscriptions.getWithSecret(message.subscription.id);
  if (!current) return { status: 'skipped', reason: 'the subscription was deleted' };
  const stored = current.subscription;
  if (stored.status !== 'active')
    return { status: 'skipped', reason: `the subscription is ${stored.status}` };

  const key = { subscriptionId: stored.id, notificationId: notification.id };
  const claim = await deps.subscriptions.claimDelivery(
    { ...key, productId: notification.productId, type: notification.type },
    deps.settings.deliveryLeaseMs,
  );
  if (claim.status === 'delivered') return { status: 'duplicate' };
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
    await deps.subscriptions.failDelivery(key.subscriptionId, key.notificationId, failure.message);
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
    return { status: 'failed', reason: failure.message, paused };
  }
  await deps.subscriptions.completeDelivery(key.subscriptionId, key.notificationId);
  return { status: 'delivered' };
};
