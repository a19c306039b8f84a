import middy from '@middy/core';
import { deliver } from '../core/notifications/deliver';
import type { NotificationDeps } from '../core/notifications/notification-deps';
import { DeliveryMessageSchema } from '../ports/delivery-queue';
import { logger } from '../shared/logger';
import * as z from '../shared/zod';
import { buildNotificationDeps } from './notifications-root';

const SqsEventSchema = z.object({
  Records: z.array(
    z.object({
      messageId: z.string(),
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
 * The fan-out queue's consumer (SQS event source with ReportBatchItemFailures): each message is one delivery;
 * only the failed ones go back to the queue, to be retried with back-off and then dead-lettered.
 */
export const makeHandler = (deps: () => NotificationDeps) =>
  middy<unknown, BatchResponse>()
    .before((request) => logger.startInvocation(request.context))
    .handler(async (event) => {
      const { Records } = SqsEventSchema.parse(event);
      const batchItemFailures: BatchResponse['batchItemFailures'] = [];
      await Promise.all(
        Records.map(async (record) => {
          const message = DeliveryMessageSchema.safeParse(parseJson(record.body));
          if (!message.success) {
            // Retrying cannot fix a malformed message: log it and let it go (the queue's DLQ is for failures).
            logger.error('malformed delivery message dropped', { messageId: record.messageId });
            return;
          }
          try {
            await deliver(deps(), message.data, Number(record.attributes.ApproximateReceiveCount));
          } catch (error) {
            logger.warn('delivery will be retried', { messageId: record.messageId, error: String(error) });
            batchItemFailures.push({ itemIdentifier: record.messageId });
          }
        }),
      );
      return { batchItemFailures };
    });

let deps: NotificationDeps | undefined;
export const handler = makeHandler(() => {
  deps ??= buildNotificationDeps();
  return deps;
});
