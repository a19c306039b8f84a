import { describe, expect, it } from 'vitest';
import { deliveryErrorFromAws } from '../../../functions/adapters/channels/aws-delivery-error';
import { fifoId, queueUrlFromArn } from '../../../functions/adapters/channels/queue-channels';

describe('queueUrlFromArn', () => {
  it('derives the queue URL from the ARN', () => {
    expect(queueUrlFromArn('arn:aws:sqs:eu-west-1:123456789012:orders-events')).toBe(
      'https://sqs.eu-west-1.amazonaws.com/123456789012/orders-events',
    );
    expect(queueUrlFromArn('arn:aws:sqs:us-east-2:123456789012:orders.fifo')).toBe(
      'https://sqs.us-east-2.amazonaws.com/123456789012/orders.fifo',
    );
    expect(queueUrlFromArn('arn:aws-cn:sqs:cn-north-1:123456789012:q')).toBe(
      'https://sqs.cn-north-1.amazonaws.com.cn/123456789012/q',
    );
  });

  it('refuses what is not a queue ARN, permanently', () => {
    expect(() => queueUrlFromArn('arn:aws:sns:eu-west-1:123456789012:topic')).toThrow(/not an SQS queue ARN/);
  });
});

describe('fifoId', () => {
  it('keeps ids SQS accepts and hashes the rest', () => {
    expect(fifoId('ntf-123')).toBe('ntf-123');
    expect(fifoId('x'.repeat(129))).toMatch(/^[0-9a-f]{64}$/);
    expect(fifoId('with space')).toMatch(/^[0-9a-f]{64}$/);
  });
});

const sdkError = (name: string, status?: number, fault?: 'client' | 'server') =>
  Object.assign(new Error(`${name} happened`), {
    name,
    ...(fault ? { $fault: fault } : {}),
    $metadata: status === undefined ? {} : { httpStatusCode: status },
  });

describe('deliveryErrorFromAws', () => {
  it.each([
    ['AccessDeniedException', 400, 'permanent'],
    ['QueueDoesNotExist', 400, 'permanent'],
    ['AWS.SimpleQueueService.NonExistentQueue', 400, 'permanent'],
    ['ResourceNotFoundException', 400, 'permanent'],
    ['MessageRejected', 400, 'permanent'],
    ['ThrottlingException', 400, 'retryable'],
    ['RequestThrottled', 403, 'retryable'],
    ['InternalFailure', 500, 'retryable'],
    ['SomethingNew', 503, 'retryable'],
    ['SomethingElse', 400, 'permanent'],
    ['ECONNRESET', undefined, 'retryable'],
  ] as const)('%s (%s) is %s', (name, status, kind) => {
    expect(deliveryErrorFromAws(sdkError(name, status), 'SQS SendMessage to q').kind).toBe(kind);
  });

  it('says what was attempted and what AWS said', () => {
    expect(deliveryErrorFromAws(sdkError('QueueDoesNotExist', 400), 'SQS SendMessage to q').message).toBe(
      'SQS SendMessage to q failed: QueueDoesNotExist: QueueDoesNotExist happened',
    );
  });
});
