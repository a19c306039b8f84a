import { DuckDBInstance } from '@duckdb/node-api';
import { BENCH_COLUMNS, CUSTOMER_PATTERN, DUCKDB_TYPES, STATUS_VALUES } from './bench-contract';
import { type Sample, timed } from './timing';

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

/** One single-threaded DuckDB instance reused across runs (its startup is not what is measured). */
export class DuckDbBench {
  private constructor(private readonly connection: Awaited<ReturnType<DuckDBInstance['connect']>>) {}

  static async open(): Promise<DuckDbBench> {
    const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
    const connection = await instance.connect();
    await connection.run('SET threads = 1');
    return new DuckDbBench(connection);
  }

  async typedRead(file: string, bytes: number): Promise<DuckDbRun> {
    return this.run(typedReadSql(file), bytes);
  }

  async checkedRead(file: string, bytes: number): Promise<DuckDbRun> {
    return this.run(checkedReadSql(file), bytes);
  }

  async threads(): Promise<string> {
    const reader = await this.connection.runAndReadAll("SELECT current_setting('threads')");
    return String(reader.getRows()[0]?.[0]);
  }

  close(): void {
    this.connection.closeSync();
  }

  private async run(sql: string, bytes: number): Promise<DuckDbRun> {
    const { ms, value } = await timed(() => this.connection.runAndReadAll(sql));
    return { ms, bytes, rows: Number(value.getRows()[0]?.[0]) };
  }
}
