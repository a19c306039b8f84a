import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  DynamoDBClient,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { DynamoDbSubscriptionStore } from '../../../functions/adapters/dynamodb/dynamodb-subscription-store';
import { aSubscription } from './fixtures';

/*
 * What DynamoDB leaves unprocessed when it throttles a batch request is sent again as it came back. dynalite never
 * throttles, so this one path is checked against a mocked client (the rest of the store runs against dynalite in
 * test/integration/dynamodb-subscription-store.test.ts).
 */
const TABLE = 'registry';
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

const storeWithMockedClient = () => {
  const lowLevel = new DynamoDBClient({ region: 'us-east-1', credentials });
  const document = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', credentials }));
  return { store: new DynamoDbSubscriptionStore({ document, lowLevel }, TABLE), mock: mockClient(lowLevel) };
};

describe('DynamoDbSubscriptionStore: batch requests DynamoDB left partly unprocessed', () => {
  it('reads the keys left unprocessed again, and only those', async () => {
    const { store, mock } = storeWithMockedClient();
    const subscription = aSubscription();
    const recordKey = { pk: `SUBSCRIPTION#${subscription.id}`, sk: '#SUBSCRIPTION' };
    const secretKey = { pk: `SUBSCRIPTION#${subscription.id}`, sk: '#SECRET' };
    mock
      .on(BatchGetItemCommand)
      .resolvesOnce({
        Responses: { [TABLE]: [marshall({ ...recordKey, record: subscription })] },
        UnprocessedKeys: { [TABLE]: { Keys: [marshall(secretKey)], ConsistentRead: true } },
      })
      .resolvesOnce({ Responses: { [TABLE]: [marshall({ ...secretKey, secret: 'whsec_c2VjcmV0' })] } });

    const found = await store.getWithSecrets([subscription.id]);

    expect(found.get(subscription.id)).toEqual({ subscription, signingSecret: 'whsec_c2VjcmV0' });
    const requests = mock.commandCalls(BatchGetItemCommand).map((call) => call.args[0].input.RequestItems);
    expect(requests).toEqual([
      { [TABLE]: { Keys: [marshall(recordKey), marshall(secretKey)], ConsistentRead: true } },
      { [TABLE]: { Keys: [marshall(secretKey)], ConsistentRead: true } },
    ]);
  });

  it('writes the items left unprocessed again, as DynamoDB returned them', async () => {
    const { store, mock } = storeWithMockedClient();
    const deliveries = ['n-1', 'n-2'].map((notificationId) => ({
      subscriptionId: 's-1',
      notificationId,
      productId: 'orders',
      type: 'version-published',
      attempts: 1,
    }));
    let unprocessed: WriteRequest[] = [];
    mock
      .on(BatchWriteItemCommand)
      .callsFakeOnce((input: { RequestItems: Record<string, WriteRequest[]> }) => {
        unprocessed = (input.RequestItems[TABLE] ?? []).slice(1);
        return { UnprocessedItems: { [TABLE]: unprocessed } };
      })
      .resolvesOnce({});

    await store.completeDeliveries(deliveries);

    const requests = mock.commandCalls(BatchWriteItemCommand).map((call) => call.args[0].input.RequestItems);
    expect(requests[0]?.[TABLE]).toHaveLength(2);
    expect(requests[1]).toEqual({ [TABLE]: unprocessed });
    expect(unprocessed[0]?.PutRequest?.Item?.notificationId).toEqual({ S: 'n-2' });
  });
});
