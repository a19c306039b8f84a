import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { makeHandler } from '../../../functions/handlers/notify-deliver';

const context = { functionName: 'notify-deliver', awsRequestId: 'test' } as Context;
const record = (messageId: string, body: string) => ({
  messageId,
  receiptHandle: `receipt-${messageId}`,
  body,
  attributes: { ApproximateReceiveCount: '1' },
});

describe('Handler: notify-deliver', () => {
  it('drops malformed messages, a body that is not JSON included, without failing the batch', async () => {
    let depsAsked = 0;
    const handler = makeHandler(() => {
      depsAsked++;
      throw new Error('no delivery is attempted for a malformed message');
    });

    const response = await handler(
      { Records: [record('not-json', '{"subscription":'), record('wrong-shape', '{"hello":"world"}')] },
      context,
    );

    expect(response).toEqual({ batchItemFailures: [] });
    expect(depsAsked).toBe(0);
  });
});
