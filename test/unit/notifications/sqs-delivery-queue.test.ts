import { ChangeMessageVisibilityBatchCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { SqsDeliveryQueue } from '../../../functions/adapters/sqs/sqs-delivery-queue';
import { sampleNotification } from '../channels/sample-notification';
import { aSubscription } from './fixtures';

const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/deliveries';

/** SQS has no local counterpart the tests can run, so its client is mocked (aws-sdk-client-mock). */
describe('Class: SqsDeliveryQueue', () => {
  const sqs = mockClient(SQSClient);
  const queue = new SqsDeliveryQueue(new SQSClient({ region: 'eu-west-1' }), QUEUE_URL);

  afterEach(() => {
    sqs.reset();
  });

  it('queues one message per delivery, ten per SendMessageBatch', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const message = { subscription: aSubscription(), notification: sampleNotification() };

    await queue.enqueue(Array.from({ length: 12 }, () => message));

    const calls = sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input);
    expect(calls.map((input) => input.Entries?.length)).toEqual([10, 2]);
    expect(JSON.parse(calls[0]?.Entries?.[0]?.MessageBody ?? '')).toEqual(message);
  });

  it('sets each failed message’s back-off as its visibility timeout, in whole seconds up to 12 hours', async () => {
    sqs.on(ChangeMessageVisibilityBatchCommand).resolves({ Successful: [], Failed: [] });

    await queue.retryLater([
      { receiptHandle: 'r-1', delayMs: 60_000 },
      { receiptHandle: 'r-2', delayMs: 1_500 },
      { receiptHandle: 'r-3', delayMs: 3 * 24 * 3600_000 },
    ]);

    expect(sqs.commandCalls(ChangeMessageVisibilityBatchCommand).map((c) => c.args[0].input)).toEqual([
      {
        QueueUrl: QUEUE_URL,
        Entries: [
          { Id: '0', ReceiptHandle: 'r-1', VisibilityTimeout: 60 },
          { Id: '1', ReceiptHandle: 'r-2', VisibilityTimeout: 2 },
          { Id: '2', ReceiptHandle: 'r-3', VisibilityTimeout: 43_200 },
        ],
      },
    ]);
  });

  it('says which back-offs SQS refused', async () => {
    sqs.on(ChangeMessageVisibilityBatchCommand).resolves({
      Failed: [{ Id: '0', Code: 'ReceiptHandleIsInvalid', Message: 'expired', SenderFault: true }],
    });

    await expect(queue.retryLater([{ receiptHandle: 'old', delayMs: 1000 }])).rejects.toThrow(
      "1 of 1 retries kept the queue's timeout: ReceiptHandleIsInvalid expired",
    );
  });
});
