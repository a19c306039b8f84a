import * as z from '../../shared/zod';

/** Product ids are folder names: lowercase, optionally dotted by domain (`sales.orders`). */
export const PRODUCT_ID_PATTERN = /^[a-z0-9][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)*$/;

export const ProductIdSchema = z
  .string()
  .check(
    z.regex(
      PRODUCT_ID_PATTERN,
      'must be lowercase letters, digits and dashes, optionally dotted by domain (e.g. sales.orders)',
    ),
    z.maxLength(128),
  );

/** The logical column types the platform validates (an ODCS subset). */
export const LogicalTypeSchema = z.enum(['string', 'integer', 'number', 'boolean', 'date', 'timestamp']);

/**
 * One column of the product's table, normalised from the ODCS `schema[0].properties[]` entry.
 * Bounds stay in the type of the column: numbers for integer/number, ISO strings for date/timestamp.
 */
export const ColumnSchema = z.object({
  name: z.string(),
  logicalType: LogicalTypeSchema,
  description: z.optional(z.string()),
  required: z.boolean(),
  unique: z.boolean(),
  primaryKey: z.boolean(),
  primaryKeyPosition: z.optional(z.number()),
  /** ODCS `logicalTypeOptions.format`, e.g. `yyyy-MM-dd` for dates. */
  format: z.optional(z.string()),
  pattern: z.optional(z.string()),
  minLength: z.optional(z.number()),
  maxLength: z.optional(z.number()),
  minimum: z.optional(z.union([z.number(), z.string()])),
  maximum: z.optional(z.union([z.number(), z.string()])),
  exclusiveMinimum: z.optional(z.union([z.number(), z.string()])),
  exclusiveMaximum: z.optional(z.union([z.number(), z.string()])),
  /** Allowed values (ODCS quality rule `validValues` or custom property `allowedValues`). */
  allowedValues: z.optional(z.array(z.string())),
});

/** How the CSV files of a product are written (contract `customProperties`, all optional). */
export const CsvDialectSchema = z.object({
  delimiter: z.string().check(z.length(1)),
  header: z.boolean(),
  quote: z.string().check(z.length(1)),
  /** The text that stands for a missing value; the empty field always does too. */
  nullMarker: z.string(),
  encoding: z.literal('utf-8'),
});

export const DEFAULT_CSV_DIALECT: z.infer<typeof CsvDialectSchema> = {
  delimiter: ',',
  header: true,
  quote: '"',
  nullMarker: '',
  encoding: 'utf-8',
};

export const SupportChannelSchema = z.object({
  channel: z.string(),
  tool: z.optional(z.string()),
  url: z.optional(z.string()),
  scope: z.optional(z.string()),
});

export const ServerSchema = z.object({
  server: z.string(),
  type: z.string(),
  location: z.optional(z.string()),
  environment: z.optional(z.string()),
});

export const TableSchema = z.object({
  name: z.string(),
  description: z.optional(z.string()),
  columns: z.array(ColumnSchema),
});

/** The platform's view of an accepted ODCS v3.1.0 data contract. */
export const DataContractSchema = z.object({
  /** ODCS `id` of the contract document (often a UUID). */
  contractId: z.string(),
  name: z.string(),
  /** ODCS `version` of the contract (semantic version). */
  version: z.string(),
  status: z.string(),
  domain: z.optional(z.string()),
  dataProduct: z.optional(z.string()),
  ownerTeam: z.string(),
  description: z.optional(z.string()),
  tags: z.array(z.string()),
  table: TableSchema,
  support: z.array(SupportChannelSchema),
  servers: z.array(ServerSchema),
  dialect: CsvDialectSchema,
  /** Product ids this product is derived from (custom property `upstreamProducts`). */
  upstreamProducts: z.array(z.string()),
});

export type ProductId = z.infer<typeof ProductIdSchema>;
export type LogicalType = z.infer<typeof LogicalTypeSchema>;
export type Column = z.infer<typeof ColumnSchema>;
export type CsvDialect = z.infer<typeof CsvDialectSchema>;
export type DataContract = z.infer<typeof DataContractSchema>;
