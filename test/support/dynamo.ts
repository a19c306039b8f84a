import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { ensureRegistryTable } from '../../functions/local/local-dynamodb';
import { createDynamoLowLevelClient } from '../../functions/shared/clients';

export const TEST_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

/** A fresh registry table on the shared dynalite server. */
export const freshRegistryTable = async () => {
  const client = new DynamoDBClient({
    endpoint: inject('dynamoEndpoint'),
    region: 'us-east-1',
    credentials: TEST_CREDENTIALS,
  });
  const tableName = `registry-${randomUUID()}`;
  await ensureRegistryTable(client, tableName);
  return {
    tableName,
    client,
    documentClient: DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }),
    lowLevelClient: createDynamoLowLevelClient({
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoEndpoint'),
    }),
  };
};
