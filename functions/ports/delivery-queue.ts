import { NotificationSchema, SubscriptionSchema } from '../core/notifications/subscription';
import * as z from '../shared/zod';

/**
 * One notification for one subscription: the unit of the fan-out queue, so that one slow or broken target never
 * delays the others. The subscription travels with it (producer channels are not stored subscriptions); the
 * delivery re-reads stored ones, which may have been paused or deleted since.
 */
export const DeliveryMessageSchema = z.object({
  subscription: SubscriptionSchema,
  notification: NotificationSchema,
});

export type DeliveryMessage = z.infer<typeof DeliveryMessageSchema>;

/**
 * Messages handed to one invocation of the delivery handler (SQS event source `batchSize`, and the local
 * queue's batches): the batch's subscriptions are read, and its outcomes written, in one request each.
 */
export const DELIVERY_BATCH_SIZE = 10;

/** A received message to try again later: its receipt (SQS receipt handle) and how long to keep it hidden. */
export interface DeferredDelivery {
  receiptHandle: string;
  delayMs: number;
}

/** The fan-out queue: SQS on AWS, an in-process queue with the same retry and dead-letter behaviour locally. */
export interface DeliveryQueue {
  enqueue(messages: DeliveryMessage[]): Promise<void>;
  /**
   * Keeps failed messages out of sight for their back-off before the queue hands them out again (SQS:
   * their visibility timeout). Without it they return after the queue's fixed timeout.
   */
  retryLater(deliveries: DeferredDelivery[]): Promise<void>;
}
