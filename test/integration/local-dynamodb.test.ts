import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
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
});
