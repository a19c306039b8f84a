import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
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
    // A server that answers every request with an item-less GetItem response.
    const server = createServer((_, response) => {
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = createDynamoLowLevelClient({
      ...env,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    });
    let resolved = 0;
    const get = () => {
      const command = new GetItemCommand({ TableName: 'registry', Key: { pk: { S: 'a' }, sk: { S: 'b' } } });
      const resolve = command.resolveMiddleware.bind(command);
      command.resolveMiddleware = (...args) => {
        resolved += 1;
        return resolve(...args);
      };
      return client.send(command);
    };
    const answers = [await get(), await get()];
    client.destroy();
    server.close();

    expect(answers.map((answer) => answer.Item)).toEqual([undefined, undefined]);
    expect(resolved).toBe(1);
  });
});
