import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { BENCH_COLUMNS, CUSTOMER_PATTERN, DUCKDB_TYPES, STATUS_VALUES } from './bench-contract';
import type { Sample } from './timing';

const sqlString = (value: string): string => `'${value.replaceAll("'", "''")}'`;

/**
 * read_csv with the dialect and every column type spelled out, so nothing is sniffed. `ignore_errors=true`
 * drops rows whose values fail to cast (the injected bad integers, dates and timestamps) instead of aborting;
 * unlike `store_rejects` it keeps no reject table, so DuckDB does no work the validator's error list would
 * not also do.
 */
const readCsv = (file: string): string => {
  const columns = BENCH_COLUMNS.map(
    (c) => `${sqlString(c.name)}: ${sqlString(DUCKDB_TYPES[c.name] as string)}`,
  );
  return `read_csv(${sqlString(file)}, header=true, delim=',', quote='"', escape='"', new_line='\\n',
    auto_detect=false, columns={${columns.join(', ')}}, ignore_errors=true)`;
};

/** An aggregate over every column, so that each value is parsed and typed (no projection pushdown). */
const typedReadSql = (
  file: string,
): string => `SELECT count(*), sum(id), max(customer), sum(amount), sum(quantity),
  max(status), max(created_at), max(order_date), count_if(active), max(length(note)) FROM ${readCsv(file)}`;

/** The same scan plus the contract's checks, for a like-for-like comparison (informational). */
const checkedReadSql = (file: string): string => `SELECT count(*), count(*) - count(DISTINCT id),
  count_if(NOT regexp_full_match(customer, ${sqlString(CUSTOMER_PATTERN.slice(1, -1))})),
  count_if(amount < 0), count_if(quantity NOT BETWEEN 1 AND 1000),
  count_if(status NOT IN (${STATUS_VALUES.map(sqlString).join(', ')})),
  count_if(customer IS NULL OR amount IS NULL OR quantity IS NULL OR status IS NULL OR created_at IS NULL
    OR order_date IS NULL OR active IS NULL),
  max(created_at), max(order_date), count_if(active), max(length(note)) FROM ${readCsv(file)}`;

export interface DuckDbRun extends Sample {
  /** Rows DuckDB kept (the rows it could not cast are skipped). */
  rows: number;
}

type Reply = { id: number; ms: number; first: string } | { id: number; error: string };

/**
 * One single-threaded DuckDB instance reused across runs (its startup is not what is measured), in a process
 * of its own: loaded into the bench's process, DuckDB's native library slowed the validator measured there by
 * 5-10 % (paired runs on the 100 MB file, with and without the instance open), which `mesh validate` never has
 * beside it. Each query is timed in that process.
 */
export class DuckDbBench {
  private nextId = 0;

  private constructor(private readonly child: ChildProcess) {}

  static async open(): Promise<DuckDbBench> {
    const child = fork(fileURLToPath(new URL('./duckdb-process.ts', import.meta.url)), [], {
      execArgv: ['--import', 'tsx'],
    });
    const [message] = await Promise.race([
      once(child, 'message'),
      once(child, 'exit').then(([code]) =>
        Promise.reject(new Error(`DuckDB's process exited (code ${code})`)),
      ),
    ]);
    if (!(message as { ready?: boolean }).ready) {
      child.kill();
      throw new Error(`DuckDB's process said ${JSON.stringify(message)}`);
    }
    return new DuckDbBench(child);
  }

  async typedRead(file: string, bytes: number): Promise<DuckDbRun> {
    return this.run(typedReadSql(file), bytes);
  }

  async checkedRead(file: string, bytes: number): Promise<DuckDbRun> {
    return this.run(checkedReadSql(file), bytes);
  }

  close(): void {
    this.child.disconnect();
  }

  private run(sql: string, bytes: number): Promise<DuckDbRun> {
    const id = this.nextId++;
    return new Promise<DuckDbRun>((resolve, reject) => {
      const onExit = (code: number | null) => {
        this.child.off('message', onMessage);
        reject(new Error(`DuckDB's process exited (code ${code})`));
      };
      const onMessage = (reply: Reply) => {
        if (reply.id !== id) return;
        this.child.off('message', onMessage);
        this.child.off('exit', onExit);
        if ('error' in reply) reject(new Error(reply.error));
        else resolve({ ms: reply.ms, bytes, rows: Number(reply.first) });
      };
      this.child.on('message', onMessage);
      this.child.once('exit', onExit);
      this.child.send({ id, sql });
    });
  }
}
