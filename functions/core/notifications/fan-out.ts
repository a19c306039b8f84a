import type { DeliveryMessage } from '../../ports/delivery-queue';
import type { NotificationDeps } from './notification-deps';
import { planFanOut } from './plan-fan-out';

export interface FanOutInput {
  id: string;
  detailType: string;
  detail: unknown;
  occurredAt: string;
  productId: string;
}

/**
 * A product event → one queue message per subscription to tell (direct subscribers, downstream products'
 * subscribers with the path, the producer's own channel). Enqueuing is idempotent downstream: a redelivered
 * event yields the same notification ids, and the ledger delivers each once.
 */
export const fanOut = async (
  deps: Pick<NotificationDeps, 'subscriptions' | 'registry' | 'queue' | 'logger'>,
  event: FanOutInput,
): Promise<{ deliveries: number }> => {
  const messages: DeliveryMessage[] = await planFanOut(
    { subscriptions: deps.subscriptions, registry: deps.registry },
    event,
  );
  await deps.queue.enqueue(messages);
  deps.logger.info('notifications planned', {
    event: event.detailType,
    productId: event.productId,
    deliveries: messages.length,
  });
  return { deliveries: messages.length };
};
