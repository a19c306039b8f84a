import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DeliveryMessage, DeliveryQueue } from '../../ports/delivery-queue';

/** SendMessageBatch takes at most 10 messages. */
const BATCH = 10;

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
          `${out.Failed?.length} of ${batch.length} deliveries were not queued: ${out.Failed?.map((f) => `${f.Code} ${f.Message ?? ''}`).join('; ')}`,
        );
      }
    }
  }
}
