import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { registryCreateTableInput } from '../adapters/dynamodb/table-definition';
import * as z from '../shared/zod';

const ServerMessageSchema = z.union([
  z.object({ listening: z.number(), tableCache: z.optional(z.boolean()) }),
  z.object({ error: z.object({ code: z.optional(z.string()), message: z.string() }) }),
]);

/**
 * A DynamoDB-compatible server (dynalite) in a child process, persisted in `directory` when given, bound to
 * 127.0.0.1. Its own process because it is busy: under a burst of notifications its work would otherwise share
 * one core with the handlers that call it. A listen error (EADDRINUSE …) rejects with its code.
 */
export const startLocalDynamoDb = async (options: {
  port: number;
  directory?: string;
  /** The server stopped without being asked to (a crash): every DynamoDB call fails from then on. */
  onUnexpectedExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
}) => {
  const child = fork(
    fileURLToPath(new URL('./dynamodb-server-process.mjs', import.meta.url)),
    [String(options.port), options.directory ?? ''],
    { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  const exited = once(child, 'exit');
  const [message] = await Promise.race([
    once(child, 'message'),
    exited.then(([code]) =>
      Promise.reject(new Error(`the DynamoDB server exited (code ${code}) before listening`)),
    ),
  ]);
  const answer = ServerMessageSchema.safeParse(message);
  if (!answer.success) {
    // It ignores SIGTERM (see dynamodb-server-process.mjs).
    child.kill('SIGKILL');
    await exited;
    throw new Error(`the DynamoDB server said something unexpected: ${JSON.stringify(message)}`);
  }
  if ('error' in answer.data) {
    await exited;
    throw Object.assign(new Error(answer.data.error.message), { code: answer.data.error.code });
  }
  let stopping = false;
  void exited.then(([code, signal]) => {
    if (!stopping) options.onUnexpectedExit?.(code, signal);
  });
  return {
    endpoint: `http://127.0.0.1:${answer.data.listening}`,
    port: answer.data.listening,
    pid: child.pid,
    /** Whether the server caches its tables' descriptions (see dynamodb-server-process.mjs). */
    tableCache: answer.data.tableCache === true,
    close: async () => {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (child.connected) child.send('stop');
      else child.kill('SIGKILL');
      await exited;
    },
  };
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
