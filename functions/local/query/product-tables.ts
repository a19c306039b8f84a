import type { Column, CsvDialect, DataContract } from '../../core/contracts/data-contract';
import { isGitFile } from '../../core/file-ref';
import type { ProductRecord, VersionRecord } from '../../core/registry/records';

/** DuckDB's type for each logical type of a contract. */
export const DUCKDB_TYPES: Record<Column['logicalType'], string> = {
  string: 'VARCHAR',
  integer: 'BIGINT',
  number: 'DOUBLE',
  boolean: 'BOOLEAN',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
};

export const sqlString = (value: string): string => `'${value.replaceAll("'", "''")}'`;
export const sqlIdentifier = (value: string): string => `"${value.replaceAll('"', '""')}"`;

/** The table names of a product: its id, and its id with the contract's major version (`orders_v2`). */
export const tableNames = (product: ProductRecord): string[] => {
  const major = /^v?(\d+)/.exec(product.contractVersion)?.[1];
  return [product.id, ...(major ? [`${product.id}_v${major}`] : [])];
};

/** The current files of a product: the newest published version of each file (quarantined ones never). */
export const currentFiles = (versions: readonly VersionRecord[]): VersionRecord[] => {
  const newest = new Map<string, VersionRecord>();
  for (const version of [...versions].sort((a, b) => a.recordedAt.localeCompare(b.recordedAt))) {
    const key = isGitFile(version.object)
      ? `git:${version.object.path}`
      : `s3:${version.object.bucket}/${version.object.key}`;
    newest.set(key, version);
  }
  return [...newest.values()].filter((version) => version.verdict === 'published');
};

const readCsvOptions = (dialect: CsvDialect, columns: Column[]) =>
  [
    `header=${dialect.header}`,
    `delim=${sqlString(dialect.delimiter)}`,
    `quote=${sqlString(dialect.quote)}`,
    `escape=${sqlString(dialect.quote)}`,
    ...(dialect.nullMarker ? [`nullstr=${sqlString(dialect.nullMarker)}`] : []),
    'auto_detect=false',
    `columns={${columns.map((c) => `${sqlString(c.name)}: ${sqlString(DUCKDB_TYPES[c.logicalType])}`).join(', ')}}`,
  ].join(', ');

/**
 * The SQL that makes a product queryable: a view over its current files read with the contract's types and
 * CSV dialect, or an empty table with the contract's columns when it has no file yet.
 */
export const productViewSql = (name: string, contract: DataContract, files: readonly string[]): string => {
  const columns = contract.table.columns;
  if (files.length === 0) {
    const defs = columns.map((c) => `${sqlIdentifier(c.name)} ${DUCKDB_TYPES[c.logicalType]}`).join(', ');
    return `CREATE TABLE ${sqlIdentifier(name)} (${defs})`;
  }
  return `CREATE VIEW ${sqlIdentifier(name)} AS SELECT * FROM read_csv([${files.map(sqlString).join(', ')}], ${readCsvOptions(contract.dialect, columns)})`;
};
