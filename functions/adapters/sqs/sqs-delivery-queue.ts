import {
  ChangeMessageVisibilityBatchCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { DeferredDelivery, DeliveryMessage, DeliveryQueue } from '../../ports/delivery-queue';

/** SendMessageBatch and ChangeMessageVisibilityBatch take at most 10 entries. */
const BATCH = 10;
/** SQS's longest visibility timeout: 12 hours. */
const MAX_VISIBILITY_SECONDS = 12 * 60 * 60;

export class DeliveryEnqueueError extends Error {
  override readonly name = 'DeliveryEnqueueError';
}

/** The fan-out queue on AWS: one SQS message per delivery, sent in batches of ten. */
export class SqsDeliveryQueue implements DeliveryQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(messages: DeliveryMessage[]): Promise<void> {
    for (let i = 0; i < messages.length; i += BATCH) {
      const batch = messages.slice(i, i + BATCH);
      const out = await this.client.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: batch.map((message, j) => ({ Id: String(j), MessageBody: JSON.stringify(message) })),
        }),
      );
      if ((out.Failed ?? []).length > 0) {
        // The whole event is retried; deliveries already queued are recognised by the ledger and sent once.
        throw new DeliveryEnqueueError(
          `${out.Failed?.length} of ${batch.length} deliveries were not queued: ${describeFailed(out.Failed)}`,
        );
      }
    }
  }

  /** A message's visibility timeout, changed while it is in flight, is when SQS hands it out again. */
  async retryLater(deliveries: DeferredDelivery[]): Promise<void> {
    for (let i = 0; i < deliveries.length; i += BATCH) {
      const batch = deliveries.slice(i, i + BATCH);
      const out = await this.client.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: batch.map((delivery, j) => ({
            Id: String(j),
            ReceiptHandle: delivery.receiptHandle,
            VisibilityTimeout: Math.min(MAX_VISIBILITY_SECONDS, Math.ceil(delivery.delayMs / 1000)),
          })),
        }),
      );
      if ((out.Failed ?? []).length > 0) {
        throw new DeliveryEnqueueError(
          `${out.Failed?.length} of ${batch.length} retries kept the queue's timeout: ${describeFailed(out.Failed)}`,
        );
      }
    }
  }
}

const describeFailed = (failed: { Code?: string | undefined; Message?: string | undefined }[] = []): string =>
  failed.map((f) => `${f.Code} ${f.Message ?? ''}`.trim()).join('; ');
