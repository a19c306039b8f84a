import { performance } from 'node:perf_hooks';
import { DuckDBInstance } from '@duckdb/node-api';

/*
 * The reference engine in a process of its own (see DuckDbBench): one in-memory DuckDB instance with one
 * thread. Tells the parent (IPC) `{ ready: true }` once open, then answers each `{ id, sql }` with
 * `{ id, ms, first }` (the query's time and the first value of its first row) or `{ id, error }`.
 */
const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
const connection = await instance.connect();
await connection.run('SET threads = 1');

process.on('message', (message: { id: number; sql: string }) => {
  const started = performance.now();
  connection.runAndReadAll(message.sql).then(
    (reader) => {
      const ms = performance.now() - started;
      process.send?.({ id: message.id, ms, first: String(reader.getRows()[0]?.[0]) });
    },
    (error: unknown) =>
      process.send?.({ id: message.id, error: error instanceof Error ? error.message : String(error) }),
  );
});
process.on('disconnect', () => {
  connection.closeSync();
  process.exit(0);
});
process.send?.({ ready: true });
