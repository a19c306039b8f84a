import type { Column, CsvDialect, DataContract } from '../contracts/data-contract';
import type { Problem } from '../problem';
import type { QueryColumn } from './query-table';
import { sanitizeName } from './table-names';

/**
 * Hive types of the catalog for each logical type, as the Open CSV SerDe reads the platform's files (see
 * `csvSerde`). That SerDe parses BOOLEAN, BIGINT, INT and DOUBLE, but DATE only as days since 1970 and
 * TIMESTAMP only as UNIX milliseconds (https://docs.aws.amazon.com/athena/latest/ug/csv-serde.html), while
 * the platform's files hold ISO 8601 text (`2026-11-21`, `2026-11-21T10:00:00+01:00`): those stay `string`,
 * which `from_iso8601_date`/`from_iso8601_timestamp` turn into values in a query.
 */
const HIVE_TYPES: Readonly<Record<string, string>> = {
  string: 'string',
  integer: 'bigint',
  number: 'double',
  boolean: 'boolean',
  date: 'string',
  timestamp: 'string',
};

/** The Presto (Athena engine) name of each Hive type used above, for view definitions. */
const PRESTO_TYPES: Readonly<Record<string, string>> = {
  string: 'varchar',
  bigint: 'bigint',
  double: 'double',
  boolean: 'boolean',
  date: 'date',
  timestamp: 'timestamp',
};

/** Glue keeps column comments up to 255 characters. */
const MAX_COMMENT_LENGTH = 255;

/**
 * The Hive type of a logical type, or undefined when it has none. Takes any string on purpose: a contract
 * stored by a newer platform may carry a type this version does not know.
 */
export const hiveTypeOf = (logicalType: string): string | undefined =>
  Object.hasOwn(HIVE_TYPES, logicalType) ? HIVE_TYPES[logicalType] : undefined;

/** The Presto type of a Hive type of this mapping (views declare their columns in Presto's terms). */
export const prestoTypeOf = (hiveType: string): string => {
  const type = PRESTO_TYPES[hiveType];
  if (!type) throw new Error(`no Presto type for Hive type "${hiveType}"`);
  return type;
};

/** Says what a text column holds when its logical type is richer than the catalog type. */
const typeHint = (column: Column): string | undefined => {
  if (column.logicalType === 'date') return `date as text (${column.format ?? 'yyyy-MM-dd'})`;
  if (column.logicalType === 'timestamp') return 'ISO 8601 timestamp as text';
  return undefined;
};

const commentOf = (column: Column): string | undefined => {
  const hint = typeHint(column);
  const text = [column.description?.trim(), hint ? `[${hint}]` : undefined].filter(Boolean).join(' ');
  return text ? text.slice(0, MAX_COMMENT_LENGTH) : undefined;
};

export type GlueColumnsResult = { ok: true; columns: QueryColumn[] } | { ok: false; problems: Problem[] };

/**
 * The catalog columns of a contract, in contract order, or every column that cannot be one. Also usable when
 * a contract is registered, to refuse a contract whose table could not be queried.
 */
export const glueColumns = (contract: Pick<DataContract, 'table'>): GlueColumnsResult => {
  const problems: Problem[] = [];
  const columns: QueryColumn[] = [];
  const seen = new Map<string, string>();
  for (const column of contract.table.columns) {
    const path = `schema.${contract.table.name}.${column.name}`;
    const type = hiveTypeOf(column.logicalType);
    if (type === undefined) {
      problems.push({ path, message: `logical type "${column.logicalType}" has no Glue/Athena type` });
      continue;
    }
    // Hive names are case-insensitive and Athena allows only letters, digits and `_` in them.
    const name = sanitizeName(column.name, 'c_');
    const clash = seen.get(name);
    if (clash !== undefined) {
      problems.push({ path, message: `becomes column "${name}" in Glue/Athena, as "${clash}" does` });
      continue;
    }
    seen.set(name, column.name);
    const comment = commentOf(column);
    columns.push({
      name,
      type,
      ...(comment ? { comment } : {}),
      ...(column.logicalType === 'date' ? { dateFormat: column.format ?? 'yyyy-MM-dd' } : {}),
    });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, columns };
};

const ESCAPE_CANDIDATES = ['\\', '`', '~'] as const;

export const OPEN_CSV_SERDE = 'org.apache.hadoop.hive.serde2.OpenCSVSerde';

/**
 * The SerDe for a product's CSV dialect. The platform reads every file as RFC 4180 with the dialect's quote
 * character, so any field of any file may be quoted: only the Open CSV SerDe reads that (the Lazy Simple SerDe
 * would split `"a,b"` into two columns). A doubled quote inside quotes is read as one quote, as RFC 4180 says.
 * The reader always has an escape character besides, which must differ from separator and quote: `\`, the
 * documented default, unless the dialect uses it.
 */
export const csvSerde = (dialect: CsvDialect) => ({
  library: OPEN_CSV_SERDE,
  parameters: {
    separatorChar: dialect.delimiter,
    quoteChar: dialect.quote,
    escapeChar: ESCAPE_CANDIDATES.find((c) => c !== dialect.delimiter && c !== dialect.quote) ?? '\\',
  },
});

/**
 * Table parameters the dialect implies: the header line is skipped, and values the SerDe cannot read become
 * NULL. Every published file was validated against the contract, so the only such values are the contract's
 * nulls: empty fields (which the SerDe refuses in numeric columns) and the dialect's null marker.
 */
export const csvTableParameters = (dialect: CsvDialect): Record<string, string> => ({
  classification: 'csv',
  ...(dialect.header ? { 'skip.header.line.count': '1' } : {}),
  'use.null.for.invalid.data': 'true',
});
