import { describe, expect, it } from 'vitest';
import { createDynamoClient, createEventsClient, createS3Client } from '../../../functions/shared/clients';

const env = { AWS_REGION: 'eu-west-1' };

describe('SDK clients', () => {
  it.each([
    ['S3', createS3Client(env)],
    ['DynamoDB (document client)', createDynamoClient(env)],
    ['EventBridge', createEventsClient(env)],
  ])(
    '%s carries no logger middleware (it redacted every call for a logger that discards it)',
    (_, client) => {
      const middleware = client.middlewareStack.identify();
      expect(middleware.some((name) => name.startsWith('serializerMiddleware'))).toBe(true);
      expect(middleware.filter((name) => name.startsWith('loggerMiddleware'))).toEqual([]);
    },
  );
});
