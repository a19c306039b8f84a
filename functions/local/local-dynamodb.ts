import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { registryCreateTableInput } from '../adapters/dynamodb/table-definition';
import { listenOnLoopback } from './listen-on-loopback';

/** A DynamoDB-compatible server (dynalite), persisted in `directory` when given, bound to 127.0.0.1. */
export const startLocalDynamoDb = async (options: { port: number; directory?: string }) => {
  const server = dynalite({ path: options.directory, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  return listenOnLoopback(server, options.port);
};

/**
 * Creates the registry table with the deployed key schema unless it already exists, and waits until it is
 * ACTIVE: dynalite answers item requests to a CREATING table with ResourceNotFoundException, as DynamoDB does.
 */
export const ensureRegistryTable = async (client: DynamoDBClient, tableName: string): Promise<void> => {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    await client.send(new CreateTableCommand(registryCreateTableInput(tableName)));
  }
  for (let waited = 0; ; waited += 10) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    if (waited > 10_000) throw new Error(`table ${tableName} is still ${Table?.TableStatus} after 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};
