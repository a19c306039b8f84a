import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DuckDBInstance } from '@duckdb/node-api';
import type { VersionRecord } from '../../core/registry/records';
import type { Registry } from '../../ports/registry';
import { currentFiles, productViewSql, tableNames } from './product-tables';

export interface QueryResult {
  columns: string[];
  rows: unknown[][];
  /** Every table the query could use, for error messages. */
  tables: string[];
}

/** The SQL was refused (unknown table, syntax, types): the message says why and what exists. */
export class QueryError extends Error {
  override readonly name = 'QueryError';
}

export interface QueryDeps {
  registry: Pick<Registry, 'listProducts' | 'listVersions'>;
  /** The bytes of a published version (the local S3 server, or the data repo at its commit). */
  readVersion: (version: VersionRecord) => Promise<AsyncIterable<Uint8Array>>;
}

/**
 * The local SQL access point: every registered product is a table named after it (and after its major
 * version, `orders_v2`), over the current files of the product read with its contract's types and CSV dialect,
 * in an embedded DuckDB. The files are copied to `workDir` first (the local S3 server has no DuckDB extension).
 */
export const queryProducts = async (deps: QueryDeps, sql: string, workDir: string): Promise<QueryResult> => {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const tables: string[] = [];
  try {
    for (const product of await deps.registry.listProducts()) {
      const files: string[] = [];
      const versions = currentFiles(await deps.registry.listVersions(product.id, 1000));
      if (versions.length > 0) await mkdir(join(workDir, product.id), { recursive: true });
      for (const [index, version] of versions.entries()) {
        const file = join(workDir, product.id, `${index}.csv`);
        await pipeline(Readable.from(await deps.readVersion(version)), createWriteStream(file));
        files.push(file);
      }
      for (const name of tableNames(product)) {
        await connection.run(productViewSql(name, product.contract, files));
        tables.push(name);
      }
    }
    let reader: Awaited<ReturnType<typeof connection.runAndReadAll>>;
    try {
      reader = await connection.runAndReadAll(sql);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const unknown = /Table with name (\S+) does not exist/.exec(message);
      throw new QueryError(
        unknown
          ? `unknown table ${unknown[1]}: the registered products are ${[...tables].sort().join(', ') || '(none yet)'}`
          : message,
      );
    }
    // DuckDB's JSON form writes 64-bit integers as strings; those that fit a JS number are numbers here.
    const wide = reader.columnTypes().map((type) => /^(U?BIGINT|HUGEINT|UHUGEINT)$/.test(type.toString()));
    const rows = reader
      .getRowsJson()
      .map((row) =>
        row.map((value, i) =>
          wide[i] && typeof value === 'string' && Number.isSafeInteger(Number(value)) ? Number(value) : value,
        ),
      );
    return { columns: reader.columnNames(), rows, tables };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
};
