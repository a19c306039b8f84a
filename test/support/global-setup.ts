import type { TestProject } from 'vitest/node';
import { startLocalDynamoDb } from '../../functions/local/local-dynamodb';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A real DynamoDB API (dynalite, in memory) shared by the integration tests; each test makes its own table. */
    dynamoEndpoint: string;
  }
}

export default async function setup(project: TestProject) {
  const dynamo = await startLocalDynamoDb({ port: 0 });
  project.provide('dynamoEndpoint', dynamo.endpoint);
  return async () => {
    await dynamo.close();
  };
}
