import * as z from '../../shared/zod';

/**
 * zod mirror of the official ODCS v3.1.0 JSON Schema (`bitol/odcs-json-schema-v3.1.0.json`).
 *
 * It accepts exactly what the official schema accepts (test/unit/contracts/odcs-agreement.test.ts proves it
 * on the official examples and on broken variants of them): `additionalProperties`/`unevaluatedProperties:
 * false` become strict objects, the `if`/`then` conditionals become discriminated unions (server `type`,
 * property `logicalType`) or refinements (quality rules), and formats are asserted the way ajv-formats does
 * (`date`, `date-time` per RFC 3339; `uri` as "scheme:non-blank", because ODCS's own examples use URI
 * templates such as `s3://bucket/{model}/*.json` that a strict RFC 3986 check rejects).
 *
 * Platform rules (one table, the logical type subset, an owner team, …) are checked in to-domain.ts; the
 * platform profile at the end of this file only narrows the schema for editors (schemas/datacontract.schema.json).
 */

export const ODCS_API_VERSIONS = [
  'v3.1.0',
  'v3.0.2',
  'v3.0.1',
  'v3.0.0',
  'v2.2.2',
  'v2.2.1',
  'v2.2.0',
] as const;

export const ODCS_LOGICAL_TYPES = [
  'string',
  'date',
  'timestamp',
  'time',
  'number',
  'integer',
  'object',
  'array',
  'boolean',
] as const;

export const ODCS_QUALITY_METRICS = [
  'nullValues',
  'missingValues',
  'invalidValues',
  'duplicateValues',
  'rowCount',
] as const;

export const ODCS_QUALITY_OPERATORS = [
  'mustBe',
  'mustNotBe',
  'mustBeGreaterThan',
  'mustBeGreaterOrEqualTo',
  'mustBeLessThan',
  'mustBeLessOrEqualTo',
  'mustBeBetween',
  'mustNotBeBetween',
] as const;

export type OdcsLogicalType = (typeof ODCS_LOGICAL_TYPES)[number];

// ---------------------------------------------------------------------------------------------------------
// Formats, as ajv-formats checks them (full mode for dates, fast mode for URIs).

const DATE = /^(\d\d\d\d)-(\d\d)-(\d\d)$/;
const DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const TIME = /^(\d\d):(\d\d):(\d\d(?:\.\d+)?)(z|([+-])(\d\d)(?::?(\d\d))?)?$/i;
const URI = /^(?:[a-z][a-z0-9+\-.]*:)(?:\/?\/)?[^\s]*$/i;

const isLeapYear = (year: number): boolean => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);

/** RFC 3339 full-date with a real calendar day (`2024-02-30` is refused). */
export const isRfc3339Date = (text: string): boolean => {
  const m = DATE.exec(text);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const daysInMonth = month === 2 && isLeapYear(year) ? 29 : (DAYS[month] ?? 0);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth;
};

/** RFC 3339 time with a mandatory offset, leap seconds allowed only at 23:59:60 UTC. */
const isRfc3339Time = (text: string): boolean => {
  const m = TIME.exec(text);
  if (!m) return false;
  const hr = Number(m[1]);
  const min = Number(m[2]);
  const sec = Number(m[3]);
  const tzSign = m[5] === '-' ? -1 : 1;
  const tzH = Number(m[6] ?? 0);
  const tzM = Number(m[7] ?? 0);
  if (tzH > 23 || tzM > 59 || !m[4]) return false;
  if (hr <= 23 && min <= 59 && sec < 60) return true;
  const utcMin = min - tzM * tzSign;
  const utcHr = hr - tzH * tzSign - (utcMin < 0 ? 1 : 0);
  return (utcHr === 23 || utcHr === -1) && (utcMin === 59 || utcMin === -1) && sec < 61;
};

/** RFC 3339 date-time; like ajv-formats, a space may stand for the `T`. */
export const isRfc3339DateTime = (text: string): boolean => {
  const parts = text.split(/t|\s/i);
  return parts.length === 2 && isRfc3339Date(parts[0] ?? '') && isRfc3339Time(parts[1] ?? '');
};

const Int = z.number().check(z.refine(Number.isInteger, 'expected an integer'), z.meta({ type: 'integer' }));
const NonNegativeInt = Int.check(z.minimum(0));
const DateString = z
  .string()
  .check(z.refine(isRfc3339Date, 'expected a date like 2024-01-31'), z.meta({ format: 'date' }));
const DateTimeString = z
  .string()
  .check(
    z.refine(isRfc3339DateTime, 'expected a date-time with an offset, like 2024-01-31T12:00:00Z'),
    z.meta({ format: 'date-time' }),
  );
const UriString = z.string().check(
  z.refine((s) => URI.test(s), 'expected a URI with a scheme, like s3://bucket/path'),
  z.meta({ format: 'uri' }),
);

const hasUniqueItems = (items: readonly unknown[]): boolean =>
  new Set(items.map((item) => JSON.stringify(item))).size === items.length;

const str = z.optional(z.string());
const bool = z.optional(z.boolean());

// ---------------------------------------------------------------------------------------------------------
// Shared definitions

export const StableIdSchema = z
  .string()
  .check(
    z.regex(/^[A-Za-z0-9_-]+$/, 'must contain only letters, digits, "_" and "-"'),
    z.meta({ id: 'StableId' }),
  );
const id = z.optional(StableIdSchema);

/** `AnyType`: any JSON value, but the key must be present. */
const AnyValueSchema = z
  .union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(z.unknown()),
    z.record(z.string(), z.unknown()),
  ])
  .check(z.meta({ id: 'AnyValue' }));
const AnyScalarSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const JsonObjectSchema = z.record(z.string(), z.unknown());

export const TagsSchema = z.array(z.string());

export const CustomPropertySchema = z
  .strictObject({ id, property: z.string(), value: AnyValueSchema, description: str })
  .check(z.meta({ id: 'CustomProperty' }));
export const CustomPropertiesSchema = z.array(CustomPropertySchema);

export const AuthoritativeDefinitionSchema = z
  .strictObject({ id, url: z.string(), type: z.string(), description: str })
  .check(z.meta({ id: 'AuthoritativeDefinition' }));
const AuthoritativeDefinitionsSchema = z.array(AuthoritativeDefinitionSchema);

const common = {
  tags: z.optional(TagsSchema),
  customProperties: z.optional(CustomPropertiesSchema),
  authoritativeDefinitions: z.optional(AuthoritativeDefinitionsSchema),
};

// ---------------------------------------------------------------------------------------------------------
// Servers: one strict variant per `type` (the official allOf of if/then with unevaluatedProperties: false).

export const RoleSchema = z
  .strictObject({
    id,
    role: z.string(),
    description: str,
    access: str,
    firstLevelApprovers: str,
    secondLevelApprovers: str,
    customProperties: common.customProperties,
  })
  .check(z.meta({ id: 'Role' }));

const serverBase = {
  id,
  server: z.string(),
  description: str,
  environment: str,
  roles: z.optional(z.array(RoleSchema)),
  customProperties: common.customProperties,
};
const port = z.optional(Int);
const uri = z.optional(UriString);
const server = <T extends string, S extends z.core.$ZodLooseShape>(type: T, shape: S) =>
  z.strictObject({ ...serverBase, type: z.literal(type), ...shape });

export const ServerSchema = z
  .discriminatedUnion('type', [
    server('api', { location: UriString }),
    server('athena', { stagingDir: UriString, schema: z.string(), catalog: str, regionName: str }),
    server('azure', { location: UriString, format: z.string(), delimiter: str }),
    server('bigquery', { project: z.string(), dataset: z.string() }),
    server('clickhouse', { host: z.string(), port: Int, database: z.string() }),
    server('databricks', { host: str, catalog: z.string(), schema: z.string() }),
    server('denodo', { host: z.string(), port: Int, database: str }),
    server('dremio', { host: z.string(), port: Int, schema: str }),
    server('duckdb', { database: z.string(), schema: str }),
    server('glue', { account: z.string(), database: z.string(), location: uri, format: str }),
    server('cloudsql', { host: z.string(), port: Int, database: z.string(), schema: z.string() }),
    server('db2', { host: z.string(), port: Int, database: z.string(), schema: str }),
    server('hive', { host: z.string(), port, database: z.string() }),
    server('impala', { host: z.string(), port, database: z.string() }),
    server('informix', { host: z.string(), port, database: z.string() }),
    server('zen', { host: z.string(), port, database: z.string() }),
    server('custom', {
      account: str,
      catalog: str,
      database: str,
      dataset: str,
      delimiter: str,
      endpointUrl: uri,
      format: str,
      host: str,
      location: uri,
      path: str,
      port,
      project: str,
      region: str,
      regionName: str,
      schema: str,
      serviceName: str,
      stagingDir: str,
      warehouse: str,
      stream: str,
    }),
    server('kafka', { host: z.string(), format: str }),
    server('kinesis', { region: str, format: str }),
    server('local', { path: z.string(), format: z.string() }),
    server('mysql', { host: z.string(), port: Int, database: z.string() }),
    server('oracle', { host: z.string(), port: Int, serviceName: z.string() }),
    server('postgresql', { host: z.string(), port: Int, database: z.string(), schema: z.string() }),
    server('postgres', { host: z.string(), port: Int, database: z.string(), schema: z.string() }),
    server('presto', { host: z.string(), catalog: str, schema: str }),
    server('pubsub', { project: z.string() }),
    server('redshift', { host: str, database: z.string(), schema: z.string(), region: str, account: str }),
    server('s3', { location: UriString, endpointUrl: uri, format: str, delimiter: str }),
    server('sftp', {
      location: UriString.check(z.regex(/^sftp:\/\/.*/, 'must start with sftp://')),
      format: str,
      delimiter: str,
    }),
    server('snowflake', {
      host: str,
      port,
      account: z.string(),
      database: z.string(),
      schema: z.string(),
      warehouse: str,
    }),
    server('sqlserver', { host: z.string(), port, database: z.string(), schema: z.string() }),
    server('synapse', { host: z.string(), port: Int, database: z.string() }),
    server('trino', { host: z.string(), port: Int, catalog: z.string(), schema: z.string() }),
    server('vertica', { host: z.string(), port: Int, database: z.string(), schema: z.string() }),
  ])
  .check(z.meta({ id: 'Server' }));

// ---------------------------------------------------------------------------------------------------------
// Relationships

const SHORTHAND_REFERENCE = /^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$/;
const FULLY_QUALIFIED_REFERENCE =
  /^(?:(?:https?:\/\/)?[A-Za-z0-9._\-/]+\.yaml#)?\/?[A-Za-z_][A-Za-z0-9_]*\/[A-Za-z0-9_-]+(?:\/[A-Za-z_][A-Za-z0-9_]*\/[A-Za-z0-9_-]+)*$/;
const ReferenceSchema = z.union(
  [z.string().check(z.regex(SHORTHAND_REFERENCE)), z.string().check(z.regex(FULLY_QUALIFIED_REFERENCE))],
  {
    error: 'expected a reference like table.column or schema/<id>/properties/<id>',
  },
);
const ReferencesSchema = z
  .union([ReferenceSchema, z.array(ReferenceSchema).check(z.minLength(1))], {
    error: 'expected a reference or a non-empty list of references',
  })
  .check(z.meta({ id: 'References' }));
const relationshipType = z.optional(z.literal('foreignKey'));

export const SchemaRelationshipSchema = z
  .strictObject({
    type: relationshipType,
    from: ReferencesSchema,
    to: ReferencesSchema,
    customProperties: common.customProperties,
  })
  .check(
    z.refine((r) => Array.isArray(r.from) === Array.isArray(r.to), {
      message: 'from and to must both be a single reference or both be lists',
      path: ['to'],
    }),
  );

/** At property level `from` is the property itself, so the key is refused. */
export const PropertyRelationshipSchema = z
  .strictObject({ type: relationshipType, to: ReferencesSchema, customProperties: common.customProperties })
  .check(z.meta({ id: 'PropertyRelationship' }));

// ---------------------------------------------------------------------------------------------------------
// Data quality. The official schema switches on `type` / `metric` with if/then + unevaluatedProperties;
// every key is declared here and the refinement enforces which ones each kind of rule may use.

const qualityBaseKeys = [
  'id',
  'authoritativeDefinitions',
  'businessImpact',
  'customProperties',
  'description',
  'dimension',
  'method',
  'name',
  'schedule',
  'scheduler',
  'severity',
  'tags',
  'type',
  'unit',
] as const;
const between = z.optional(
  z
    .array(z.number())
    .check(
      z.length(2),
      z.refine(hasUniqueItems, 'the two bounds must differ'),
      z.meta({ uniqueItems: true }),
    ),
);

export const DataQualitySchema = z
  .strictObject({
    id,
    authoritativeDefinitions: common.authoritativeDefinitions,
    businessImpact: str,
    customProperties: common.customProperties,
    description: str,
    dimension: z.optional(
      z.enum([
        'accuracy',
        'completeness',
        'conformity',
        'consistency',
        'coverage',
        'timeliness',
        'uniqueness',
      ]),
    ),
    method: str,
    name: str,
    schedule: str,
    scheduler: str,
    severity: str,
    tags: common.tags,
    type: z.optional(z.enum(['text', 'library', 'sql', 'custom'])),
    unit: str,
    // type: library (or any rule with a metric)
    metric: z.optional(z.enum(ODCS_QUALITY_METRICS)),
    rule: str,
    arguments: z.optional(JsonObjectSchema),
    // type: sql
    query: str,
    // type: custom
    engine: str,
    implementation: z.optional(z.union([z.string(), JsonObjectSchema])),
    // operators (library and sql): exactly one
    mustBe: z.optional(z.unknown()),
    mustNotBe: z.optional(z.unknown()),
    mustBeGreaterThan: z.optional(z.number()),
    mustBeGreaterOrEqualTo: z.optional(z.number()),
    mustBeLessThan: z.optional(z.number()),
    mustBeLessOrEqualTo: z.optional(z.number()),
    mustBeBetween: between,
    mustNotBeBetween: between,
  })
  .check(
    z.superRefine((rule, ctx) => {
      const present = new Set(Object.keys(rule));
      const library = rule.type === 'library' || typeof rule.metric === 'string';
      const allowed = new Set<string>(qualityBaseKeys);
      const required: string[] = [];
      if (library) {
        for (const key of ['metric', 'rule', 'arguments', ...ODCS_QUALITY_OPERATORS]) allowed.add(key);
        required.push('metric');
      }
      if (rule.type === 'sql') {
        for (const key of ['query', ...ODCS_QUALITY_OPERATORS]) allowed.add(key);
        required.push('query');
      }
      if (rule.type === 'custom') {
        allowed.add('engine');
        allowed.add('implementation');
        required.push('engine', 'implementation');
      }
      const kind = rule.type ?? (library ? 'library' : 'text');
      for (const key of present) {
        if (!allowed.has(key)) {
          ctx.addIssue({
            code: 'custom',
            message: `key "${key}" is not allowed in a ${kind} quality rule`,
            path: [key],
            input: rule,
          });
        }
      }
      for (const key of required) {
        if (!present.has(key)) {
          ctx.addIssue({
            code: 'custom',
            message: `required for a ${kind} quality rule`,
            path: [key],
            input: rule,
          });
        }
      }
      if (library || rule.type === 'sql') {
        const operators = ODCS_QUALITY_OPERATORS.filter((op) => present.has(op));
        if (operators.length !== 1) {
          ctx.addIssue({
            code: 'custom',
            message:
              operators.length === 0
                ? `a ${kind} quality rule needs exactly one operator: ${ODCS_QUALITY_OPERATORS.join(', ')}`
                : `a ${kind} quality rule takes exactly one operator, found ${operators.join(', ')}`,
            path: [],
            input: rule,
          });
        }
      }
    }),
    z.meta({ id: 'DataQuality' }),
  );
export type OdcsDataQuality = z.infer<typeof DataQualitySchema>;

// ---------------------------------------------------------------------------------------------------------
// Schema properties: one strict variant per `logicalType`, each with its own `logicalTypeOptions`.

const StringOptionsSchema = z.strictObject({
  minLength: z.optional(NonNegativeInt),
  maxLength: z.optional(NonNegativeInt),
  pattern: z.optional(
    z
      .string()
      .check(z.describe('ECMA-262 regular expression; like JSON Schema "pattern" it is not anchored.')),
  ),
  format: str,
});
const temporalBounds = {
  format: str,
  exclusiveMaximum: str,
  maximum: str,
  exclusiveMinimum: str,
  minimum: str,
};
const DateOptionsSchema = z.strictObject(temporalBounds);
const TimestampOptionsSchema = z.strictObject({ ...temporalBounds, timezone: bool, defaultTimezone: str });
const numericBounds = {
  multipleOf: z.optional(z.number().check(z.gt(0))),
  maximum: z.optional(z.number()),
  exclusiveMaximum: z.optional(z.number()),
  minimum: z.optional(z.number()),
  exclusiveMinimum: z.optional(z.number()),
};
const IntegerOptionsSchema = z.strictObject({
  ...numericBounds,
  format: z.optional(z.enum(['i8', 'i16', 'i32', 'i64', 'i128', 'u8', 'u16', 'u32', 'u64', 'u128'])),
});
const NumberOptionsSchema = z.strictObject({ ...numericBounds, format: z.optional(z.enum(['f32', 'f64'])) });
const ObjectOptionsSchema = z.strictObject({
  maxProperties: z.optional(NonNegativeInt),
  minProperties: z.optional(NonNegativeInt),
  required: z.optional(
    z
      .array(z.string())
      .check(z.minLength(1), z.refine(hasUniqueItems, 'names must be unique'), z.meta({ uniqueItems: true })),
  ),
});
const ArrayOptionsSchema = z.strictObject({
  maxItems: z.optional(NonNegativeInt),
  minItems: z.optional(NonNegativeInt),
  uniqueItems: bool,
});

/** The keys every property may carry, whatever its logical type. */
export interface OdcsPropertyBase {
  id?: string | undefined;
  name?: string | undefined;
  physicalType?: string | undefined;
  physicalName?: string | undefined;
  description?: string | undefined;
  businessName?: string | undefined;
  authoritativeDefinitions?: z.infer<typeof AuthoritativeDefinitionSchema>[] | undefined;
  tags?: string[] | undefined;
  customProperties?: z.infer<typeof CustomPropertySchema>[] | undefined;
  primaryKey?: boolean | undefined;
  primaryKeyPosition?: number | undefined;
  required?: boolean | undefined;
  unique?: boolean | undefined;
  partitioned?: boolean | undefined;
  partitionKeyPosition?: number | undefined;
  classification?: string | undefined;
  encryptedName?: string | undefined;
  transformSourceObjects?: string[] | undefined;
  transformLogic?: string | undefined;
  transformDescription?: string | undefined;
  examples?: unknown[] | undefined;
  criticalDataElement?: boolean | undefined;
  relationships?: z.infer<typeof PropertyRelationshipSchema>[] | undefined;
  quality?: OdcsDataQuality[] | undefined;
  logicalType?: OdcsLogicalType | undefined;
  logicalTypeOptions?: Record<string, unknown> | undefined;
  /** Only for `logicalType: object` (or no logical type). */
  properties?: OdcsSchemaProperty[] | undefined;
  /** Only for `logicalType: array` (or no logical type). */
  items?: OdcsPropertyBase | undefined;
}
export interface OdcsSchemaProperty extends OdcsPropertyBase {
  name: string;
}

const propertyBase = {
  id,
  physicalType: str,
  physicalName: str,
  description: str,
  businessName: str,
  ...common,
  primaryKey: bool,
  primaryKeyPosition: z.optional(Int),
  required: bool,
  unique: bool,
  partitioned: bool,
  partitionKeyPosition: z.optional(Int),
  classification: str,
  encryptedName: str,
  transformSourceObjects: z.optional(z.array(z.string())),
  transformLogic: str,
  transformDescription: str,
  examples: z.optional(z.array(AnyValueSchema)),
  criticalDataElement: bool,
  relationships: z.optional(z.array(PropertyRelationshipSchema)),
  quality: z.optional(z.array(DataQualitySchema)),
};

type PropertyType<Name> = z.ZodMiniType<Name extends z.ZodMiniString ? OdcsSchemaProperty : OdcsPropertyBase>;

/**
 * The variants of `SchemaBaseProperty`. Its if/then branches test `logicalType` without `required`, so a
 * property WITHOUT a logical type must satisfy every branch at once: its options can only be `{}`, and
 * both `items` and `properties` are allowed.
 */
const propertyVariants = <Name extends z.ZodMiniString | z.ZodMiniOptional<z.ZodMiniString>>(name: Name) => {
  const base = { ...propertyBase, name };
  // z.lazy, not getters: the discriminated union reads every field of its options when it is built.
  const nested = { properties: z.optional(z.array(z.lazy(() => SchemaPropertySchema))) };
  const items = { items: z.optional(z.lazy(() => SchemaItemPropertySchema)) };
  const variant = <T extends OdcsLogicalType, O extends z.ZodMiniType>(logicalType: T, options: O) =>
    z.strictObject({ ...base, logicalType: z.literal(logicalType), logicalTypeOptions: z.optional(options) });
  return {
    string: variant('string', StringOptionsSchema),
    date: variant('date', DateOptionsSchema),
    timestamp: variant('timestamp', TimestampOptionsSchema),
    time: variant('time', TimestampOptionsSchema),
    integer: variant('integer', IntegerOptionsSchema),
    number: variant('number', NumberOptionsSchema),
    boolean: variant('boolean', JsonObjectSchema),
    object: z.strictObject({
      ...base,
      logicalType: z.literal('object'),
      logicalTypeOptions: z.optional(ObjectOptionsSchema),
      ...nested,
    }),
    array: z.strictObject({
      ...base,
      logicalType: z.literal('array'),
      logicalTypeOptions: z.optional(ArrayOptionsSchema),
      ...items,
    }),
    none: z.strictObject({
      ...base,
      logicalType: z.optional(z.undefined()),
      logicalTypeOptions: z.optional(z.strictObject({})),
      ...nested,
      ...items,
    }),
  };
};

const named = propertyVariants(z.string());
const unnamed = propertyVariants(z.optional(z.string()));

export const SchemaPropertySchema: PropertyType<z.ZodMiniString> = z
  .discriminatedUnion('logicalType', [
    named.string,
    named.date,
    named.timestamp,
    named.time,
    named.integer,
    named.number,
    named.boolean,
    named.object,
    named.array,
    named.none,
  ])
  .check(z.meta({ id: 'SchemaProperty' }));

/** `SchemaItemProperty` (the `items` of an array): a property whose name is optional. */
export const SchemaItemPropertySchema: PropertyType<z.ZodMiniOptional<z.ZodMiniString>> = z
  .discriminatedUnion('logicalType', [
    unnamed.string,
    unnamed.date,
    unnamed.timestamp,
    unnamed.time,
    unnamed.integer,
    unnamed.number,
    unnamed.boolean,
    unnamed.object,
    unnamed.array,
    unnamed.none,
  ])
  .check(z.meta({ id: 'SchemaItemProperty' }));

const schemaObjectShape = {
  id,
  name: z.string(),
  physicalType: str,
  description: str,
  businessName: str,
  ...common,
  logicalType: z.optional(z.literal('object')),
  physicalName: str,
  dataGranularityDescription: str,
  properties: z.optional(z.array(SchemaPropertySchema)),
  relationships: z.optional(z.array(SchemaRelationshipSchema)),
  quality: z.optional(z.array(DataQualitySchema)),
};
export const SchemaObjectSchema = z.strictObject(schemaObjectShape).check(z.meta({ id: 'SchemaObject' }));

// ---------------------------------------------------------------------------------------------------------
// Team, support, price, roles, SLA

export const TeamMemberSchema = z.strictObject({
  id,
  username: z.string(),
  name: str,
  description: str,
  role: str,
  dateIn: z.optional(DateString),
  dateOut: z.optional(DateString),
  replacedByUsername: str,
  ...common,
});

const teamObjectShape = {
  id,
  name: str,
  description: str,
  members: z.optional(z.array(TeamMemberSchema)),
  ...common,
};
export const TeamObjectSchema = z.strictObject(teamObjectShape);

/** v3.1 object form, or the deprecated (v3.0) list of members. */
export const TeamSchema = z.union([TeamObjectSchema, z.array(TeamMemberSchema)], {
  error: 'expected a team object ({ name, members }) or, deprecated, a list of members',
});

export const SupportItemSchema = z.strictObject({
  id,
  channel: z.string(),
  url: str,
  description: str,
  tool: str,
  scope: str,
  invitationUrl: str,
  customProperties: common.customProperties,
});

export const PriceSchema = z.strictObject({
  id,
  priceAmount: z.optional(z.number()),
  priceCurrency: str,
  priceUnit: str,
});

export const SlaPropertySchema = z.strictObject({
  id,
  property: z.string(),
  value: AnyScalarSchema,
  valueExt: z.optional(AnyScalarSchema),
  unit: str,
  element: str,
  driver: str,
  description: str,
  scheduler: str,
  schedule: str,
});

/** Not strict in the official schema: unknown keys are allowed here. */
export const DescriptionSchema = z.looseObject({
  usage: str,
  purpose: str,
  limitations: str,
  authoritativeDefinitions: common.authoritativeDefinitions,
  customProperties: common.customProperties,
});

// ---------------------------------------------------------------------------------------------------------

const contractShape = {
  version: z.string().check(z.describe('Version of the data contract (semantic version, in quotes).')),
  kind: z.enum(['DataContract']),
  apiVersion: z.enum(ODCS_API_VERSIONS).check(z.describe('ODCS version; the platform targets v3.1.0.')),
  id: z.string().check(z.describe('Unique identifier of the contract, such as a UUID.')),
  name: str,
  tenant: str,
  tags: common.tags,
  status: z.string().check(z.describe('proposed, draft, active, deprecated or retired.')),
  servers: z.optional(z.array(ServerSchema)),
  dataProduct: str,
  description: z.optional(DescriptionSchema),
  domain: str,
  schema: z.optional(z.array(SchemaObjectSchema)),
  support: z.optional(z.array(SupportItemSchema)),
  price: z.optional(PriceSchema),
  team: z.optional(TeamSchema),
  roles: z.optional(z.array(RoleSchema)),
  slaDefaultElement: str,
  slaProperties: z.optional(z.array(SlaPropertySchema)),
  authoritativeDefinitions: common.authoritativeDefinitions,
  customProperties: common.customProperties,
  contractCreatedTs: z.optional(DateTimeString),
};

export const OdcsContractSchema = z.strictObject(contractShape);

export type OdcsContract = z.infer<typeof OdcsContractSchema>;
export type OdcsServer = z.infer<typeof ServerSchema>;
export type OdcsCustomProperty = z.infer<typeof CustomPropertySchema>;

// ---------------------------------------------------------------------------------------------------------
// The platform profile: ODCS narrowed to what the platform accepts, for editors (schemas/datacontract.schema.json).
// parseContract does not validate with it: it checks the same rules in to-domain.ts, with better messages,
// plus the ones JSON Schema cannot say (unique column names, regular expressions that compile, bounds).

export const PlatformColumnSchema = z
  .discriminatedUnion('logicalType', [
    named.string,
    named.integer,
    named.number,
    named.boolean,
    named.date,
    named.timestamp,
  ])
  .check(
    z.meta({
      id: 'Column',
      description:
        'A column. customProperties may set allowedValues (a list of strings); a library quality rule with metric ' +
        'invalidValues, arguments.validValues and mustBe: 0 does the same.',
    }),
  );

export const PlatformContractSchema = z.strictObject({
  ...contractShape,
  schema: z
    .array(
      z
        .strictObject({
          ...schemaObjectShape,
          properties: z.array(PlatformColumnSchema).check(z.minLength(1)),
        })
        .check(z.meta({ id: 'Table' })),
    )
    .check(z.length(1), z.describe('Exactly one table: the data product is one table of CSV files.')),
  team: z
    .strictObject({
      ...teamObjectShape,
      name: z.string().check(z.minLength(1), z.describe('The owner team.')),
    })
    .check(z.describe('The team that owns the data product (v3.1 object form).')),
  customProperties: z.optional(
    CustomPropertiesSchema.check(
      z.describe(
        'Platform settings: csvDelimiter (one character, default ","), csvHeader (boolean, default true), ' +
          'csvQuote (one character, default \'"\'), csvNullMarker (default ""), csvEncoding (utf-8 only), ' +
          'upstreamProducts (list of product ids this product is derived from).',
      ),
    ),
  ),
});
