import { prestoTypeOf } from './glue-types';
import type { QueryColumn, ViewTable } from './query-table';

/** What Athena stores, base64-encoded, in a view's `ViewOriginalText`. */
export interface PrestoViewDefinition {
  originalSql: string;
  catalog: string;
  schema: string;
  columns: { name: string; type: string }[];
}

const PREFIX = '/* Presto View: ';
const SUFFIX = ' */';

/** Athena's own encoding of a view in the Glue Data Catalog, so Athena reads it as if it had created it. */
export const encodePrestoView = (definition: PrestoViewDefinition): string =>
  `${PREFIX}${Buffer.from(JSON.stringify(definition), 'utf8').toString('base64')}${SUFFIX}`;

export const decodePrestoView = (text: string): PrestoViewDefinition => {
  if (!text.startsWith(PREFIX) || !text.endsWith(SUFFIX)) throw new Error('not a Presto view definition');
  const encoded = text.slice(PREFIX.length, text.length - SUFFIX.length);
  return JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as PrestoViewDefinition;
};

const quoted = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;
const literal = (value: string) => `'${value.replaceAll("'", "''")}'`;

/**
 * The column as consumers should see it: the Open CSV SerDe reads an empty field (and the dialect's null
 * marker) of a text column as text, where the contract means null.
 */
const projection = (column: QueryColumn, nullMarker: string): string => {
  if (column.type !== 'string') return quoted(column.name);
  const empty = `NULLIF(${quoted(column.name)}, '')`;
  const value = nullMarker ? `NULLIF(${empty}, ${literal(nullMarker)})` : empty;
  if (column.dateFormat !== undefined) {
    // Published files were validated against this format, so every non-null value parses.
    return `CAST(date_parse(${value}, ${literal(dateParsePattern(column.dateFormat))}) AS date) AS ${quoted(column.name)}`;
  }
  return `${value} AS ${quoted(column.name)}`;
};

/**
 * A contract date format (`yyyy`, `MM`, `dd` and literal separators, as the validator accepts them) in the
 * MySQL-style pattern of Athena's `date_parse`.
 */
export const dateParsePattern = (format: string): string =>
  format.replaceAll('%', '%%').replaceAll('yyyy', '%Y').replaceAll('MM', '%m').replaceAll('dd', '%d');

/** The type a view column has: a parsed date, or the column's own type. */
const viewType = (column: QueryColumn) => (column.dateFormat !== undefined ? 'date' : column.type);

export interface ProductViewInput {
  name: string;
  database: string;
  /** The newest major's table, which the view reads. */
  table: string;
  columns: readonly QueryColumn[];
  nullMarker: string;
  description?: string;
  parameters: Record<string, string>;
}

/** The stable view of a product: the newest major's table, nulls as the contract means them, dates as dates. */
export const productView = (input: ProductViewInput): ViewTable => {
  const select = input.columns.map((c) => projection(c, input.nullMarker)).join(', ');
  const originalSql = `SELECT ${select} FROM ${quoted(input.database)}.${quoted(input.table)}`;
  return {
    kind: 'view',
    name: input.name,
    ...(input.description ? { description: input.description } : {}),
    columns: input.columns.map((c) => ({
      name: c.name,
      type: viewType(c),
      ...(c.comment ? { comment: c.comment } : {}),
    })),
    originalText: encodePrestoView({
      originalSql,
      catalog: 'awsdatacatalog',
      schema: input.database,
      columns: input.columns.map((c) => ({ name: c.name, type: prestoTypeOf(viewType(c)) })),
    }),
    expandedText: '/* Presto View */',
    parameters: { presto_view: 'true', comment: 'Presto View', ...input.parameters },
  };
};
