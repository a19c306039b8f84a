import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { startLocalDynamoDb } from '../../functions/local/local-dynamodb';
import { TEST_CREDENTIALS } from '../support/dynamo';

/** The local platform's DynamoDB-compatible server, in its child process. */
describe('Local DynamoDB server process', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  const start = async (onUnexpectedExit?: Parameters<typeof startLocalDynamoDb>[0]['onUnexpectedExit']) => {
    const directory = await mkdtemp(join(tmpdir(), 'mesh-dynamodb-'));
    cleanups.push(() => rm(directory, { recursive: true, force: true }));
    const server = await startLocalDynamoDb({
      port: 0,
      directory,
      ...(onUnexpectedExit ? { onUnexpectedExit } : {}),
    });
    cleanups.push(server.close);
    return server;
  };

  it('outlives a Ctrl-C or SIGTERM sent to the process group: the platform closes it after its last write', async () => {
    const server = await start();

    process.kill(server.pid ?? 0, 'SIGINT');
    process.kill(server.pid ?? 0, 'SIGTERM');

    const client = new DynamoDBClient({
      endpoint: server.endpoint,
      region: 'us-east-1',
      credentials: TEST_CREDENTIALS,
    });
    expect((await client.send(new ListTablesCommand({}))).TableNames).toEqual([]);
    client.destroy();
  });

  it('reports a crash instead of leaving the platform on a dead endpoint', async () => {
    let reported: unknown;
    const crashed = new Promise<void>((resolve) => {
      void start((code, signal) => {
        reported = { code, signal };
        resolve();
      }).then((server) => process.kill(server.pid ?? 0, 'SIGKILL'));
    });

    await crashed;

    expect(reported).toEqual({ code: null, signal: 'SIGKILL' });
  });

  it('says nothing when asked to stop', async () => {
    const exits: unknown[] = [];
    const server = await start((code) => exits.push(code));

    await server.close();

    expect(exits).toEqual([]);
  });

  describe('its cache of table descriptions', () => {
    const client = async () => {
      const server = await start();
      const dynamo = new DynamoDBClient({
        endpoint: server.endpoint,
        region: 'us-east-1',
        credentials: TEST_CREDENTIALS,
      });
      cleanups.push(async () => dynamo.destroy());
      return { server, dynamo };
    };
    const untilActive = async (dynamo: DynamoDBClient, name: string) => {
      for (;;) {
        const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: name }));
        if (
          Table?.TableStatus === 'ACTIVE' &&
          (Table.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === 'ACTIVE')
        )
          return;
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    const createTable = async (dynamo: DynamoDBClient, keyName: string) => {
      await dynamo.send(
        new CreateTableCommand({
          TableName: 'cached',
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: keyName, AttributeType: 'S' }],
          KeySchema: [{ AttributeName: keyName, KeyType: 'HASH' }],
        }),
      );
      await untilActive(dynamo, 'cached');
    };

    it('is in place (a dynalite upgrade that moved its internals would turn it off)', async () => {
      const { server } = await client();

      expect(server.tableCache).toBe(true);
    });

    it('forgets a deleted table: its successor of the same name has its own key schema', async () => {
      const { dynamo } = await client();
      await createTable(dynamo, 'pk');
      await dynamo.send(new PutItemCommand({ TableName: 'cached', Item: { pk: { S: 'a' } } }));

      await dynamo.send(new DeleteTableCommand({ TableName: 'cached' }));
      await expect(
        dynamo.send(new GetItemCommand({ TableName: 'cached', Key: { pk: { S: 'a' } } })),
      ).rejects.toThrow(/not found/);
      await createTable(dynamo, 'id');

      await dynamo.send(new PutItemCommand({ TableName: 'cached', Item: { id: { S: 'b' } } }));
      expect(
        (await dynamo.send(new GetItemCommand({ TableName: 'cached', Key: { id: { S: 'b' } } }))).Item,
      ).toEqual({ id: { S: 'b' } });
      await expect(
        dynamo.send(new PutItemCommand({ TableName: 'cached', Item: { pk: { S: 'c' } } })),
      ).rejects.toThrow(/key/i);
    });
  });
});
