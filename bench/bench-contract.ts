import { type Column, type CsvDialect, DEFAULT_CSV_DIALECT } from '../functions/core/contracts/data-contract';

const column = (name: string, logicalType: Column['logicalType'], extra: Partial<Column> = {}): Column => ({
  name,
  logicalType,
  required: false,
  unique: false,
  primaryKey: false,
  ...extra,
});

export const STATUS_VALUES = ['new', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded'];
export const CUSTOMER_PATTERN = '^C-[0-9]{6}$';

/** The contract of the generated file: every logical type and every kind of rule the validator knows. */
export const BENCH_COLUMNS: Column[] = [
  column('id', 'integer', { required: true, unique: true, primaryKey: true, primaryKeyPosition: 1 }),
  column('customer', 'string', { required: true, pattern: CUSTOMER_PATTERN }),
  column('amount', 'number', { required: true, minimum: 0 }),
  column('quantity', 'integer', { required: true, minimum: 1, maximum: 1000 }),
  column('status', 'string', { required: true, allowedValues: STATUS_VALUES }),
  column('created_at', 'timestamp', { required: true }),
  column('order_date', 'date', { required: true, format: 'yyyy-MM-dd' }),
  column('active', 'boolean', { required: true }),
  column('note', 'string', { maxLength: 1000 }),
];

export const BENCH_DIALECT: CsvDialect = DEFAULT_CSV_DIALECT;

export const BENCH_SPEC = { columns: BENCH_COLUMNS, dialect: BENCH_DIALECT };

export const COLUMN_NAMES = BENCH_COLUMNS.map((c) => c.name);

/** The defects injected into the file; each one must yield exactly one error. */
export const DEFECT_KINDS = [
  'bad-integer',
  'negative-amount',
  'bad-date',
  'bad-timestamp',
  'not-allowed',
  'pattern-mismatch',
  'duplicate-id',
  'missing-required',
] as const;

export type DefectKind = (typeof DEFECT_KINDS)[number];

/** The `rule` the validator reports for each defect (its own names, read from validate-csv.ts). */
export const EXPECTED_RULE: Record<DefectKind, string> = {
  'bad-integer': 'type',
  'negative-amount': 'minimum',
  'bad-date': 'type',
  'bad-timestamp': 'type',
  'not-allowed': 'allowed-values',
  'pattern-mismatch': 'pattern',
  // A one-column primary key: its duplicates are reported as `primary-key`, not `unique`.
  'duplicate-id': 'primary-key',
  'missing-required': 'required',
};

/** Defects that DuckDB cannot cast; with `ignore_errors=true` it drops exactly these rows. */
export const CAST_DEFECTS: readonly DefectKind[] = ['bad-integer', 'bad-date', 'bad-timestamp'];

/** DuckDB types of the same columns, for its typed read. */
export const DUCKDB_TYPES: Record<string, string> = {
  id: 'BIGINT',
  customer: 'VARCHAR',
  amount: 'DOUBLE',
  quantity: 'INTEGER',
  status: 'VARCHAR',
  // TIMESTAMP, not TIMESTAMPTZ: read_csv turns bad TIMESTAMPTZ values into NULL instead of rejecting them
  // (and is slower); TIMESTAMP still parses and checks the zone offsets.
  created_at: 'TIMESTAMP',
  order_date: 'DATE',
  active: 'BOOLEAN',
  note: 'VARCHAR',
};
