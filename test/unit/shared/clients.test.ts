import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  createDynamoClient,
  createDynamoLowLevelClient,
  createEventsClient,
  createS3Client,
} from '../../../functions/shared/clients';

const env = { AWS_REGION: 'eu-west-1' };

describe('SDK clients', () => {
  it.each([
    ['S3', createS3Client(env)],
    ['DynamoDB (document client)', createDynamoClient(env)],
    ['DynamoDB (low-level client)', createDynamoLowLevelClient(env)],
    ['EventBridge', createEventsClient(env)],
  ])(
    '%s carries no logger middleware (it redacted every call for a logger that discards it)',
    (_, client) => {
      const middleware = client.middlewareStack.identify();
      expect(middleware.some((name) => name.startsWith('serializerMiddleware'))).toBe(true);
      expect(middleware.filter((name) => name.startsWith('loggerMiddleware'))).toEqual([]);
    },
  );

  it('the low-level DynamoDB client resolves its middleware stack once per command class', async () => {
    const client = createDynamoLowLevelClient({
      ...env,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      // Nothing listens there: each call fails fast, after its middleware stack was resolved.
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9',
    });
    let resolved = 0;
    const get = () => {
      const command = new GetItemCommand({ TableName: 'registry', Key: { pk: { S: 'a' }, sk: { S: 'b' } } });
      const resolve = command.resolveMiddleware.bind(command);
      command.resolveMiddleware = (...args) => {
        resolved += 1;
        return resolve(...args);
      };
      return client.send(command).catch((error: unknown) => error);
    };
    await get();
    await get();
    client.destroy();

    expect(resolved).toBe(1);
  });
});
