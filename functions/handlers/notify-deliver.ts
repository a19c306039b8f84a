import middy from '@middy/core';
import { type DeliveryResult, DeliveryRetryError, deliverAll } from '../core/notifications/deliver';
import type { NotificationDeps } from '../core/notifications/notification-deps';
import { retryDelayMs } from '../core/notifications/retry-delay';
import { type DeferredDelivery, DeliveryMessageSchema } from '../ports/delivery-queue';
import { logger } from '../shared/logger';
import * as z from '../shared/zod';
import { buildNotificationDeps } from './notifications-root';

const SqsEventSchema = z.object({
  Records: z.array(
    z.object({
      messageId: z.string(),
      receiptHandle: z.string(),
      body: z.string(),
      attributes: z.object({ ApproximateReceiveCount: z.string() }),
    }),
  ),
});

/** A body that is not JSON is as malformed as one of the wrong shape (undefined fails the schema). */
const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

export interface BatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

/**
 * The fan-out queue's consumer (SQS event source with ReportBatchItemFailures): each message is one delivery,
 * the batch delivered together (one read of the subscriptions, one write of the outcomes); only the failed
 * ones go back to the queue, hidden for their back-off (longer each attempt, or what the target asked for),
 * and are dead-lettered after the last.
 */
export const makeHandler = (deps: () => NotificationDeps) =>
  middy<unknown, BatchResponse>()
    .before((request) => logger.startInvocation(request.context))
    .handler(async (event) => {
      const { Records } = SqsEventSchema.parse(event);
      const received = Records.flatMap((record) => {
        const message = DeliveryMessageSchema.safeParse(parseJson(record.body));
        if (message.success) {
          return [
            { record, message: message.data, attempt: Number(record.attributes.ApproximateReceiveCount) },
          ];
        }
        // Retrying cannot fix a malformed message: log it and let it go (the queue's DLQ is for failures).
        logger.error('malformed delivery message dropped', { messageId: record.messageId });
        return [];
      });
      let results: DeliveryResult[] = [];
      try {
        if (received.length > 0) results = await deliverAll(deps(), received);
      } catch (error) {
        results = received.map(() => ({ status: 'rejected', reason: error }));
      }
      const batchItemFailures: BatchResponse['batchItemFailures'] = [];
      const deferred: DeferredDelivery[] = [];
      for (const [i, { record, attempt }] of received.entries()) {
        const result = results[i];
        if (result?.status !== 'rejected') continue;
        const error = result.reason;
        logger.warn('delivery will be retried', { messageId: record.messageId, error: String(error) });
        batchItemFailures.push({ itemIdentifier: record.messageId });
        const asked = error instanceof DeliveryRetryError ? error.retryAfterMs : undefined;
        deferred.push({ receiptHandle: record.receiptHandle, delayMs: backoff(deps, attempt, asked) });
      }
      if (deferred.length > 0) await deferRetries(deps, deferred);
      return { batchItemFailures };
    });

/** The settings may be what failed to load; then the queue's own timeout is the back-off. */
const backoff = (deps: () => NotificationDeps, attempt: number, asked?: number): number => {
  try {
    return retryDelayMs(attempt, deps().settings.retryBackoff, asked);
  } catch {
    return 0;
  }
};

/**
 * Best effort: a message whose back-off could not be set is still retried, after the queue's visibility
 * timeout, so failing here must not fail the batch (that would retry the delivered messages too).
 */
const deferRetries = async (deps: () => NotificationDeps, deferred: DeferredDelivery[]): Promise<void> => {
  const timed = deferred.filter((d) => d.delayMs > 0);
  if (timed.length === 0) return;
  try {
    await deps().queue.retryLater(timed);
  } catch (error) {
    logger.warn('retry back-off not set; the queue timeout applies', { error: String(error) });
  }
};

let deps: NotificationDeps | undefined;
export const handler = makeHandler(() => {
  deps ??= buildNotificationDeps();
  return deps;
});
