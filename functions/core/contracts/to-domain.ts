import * as z from '../../shared/zod';
import type { Problem } from '../problem';
import {
  type Column,
  type CsvDialect,
  type DataContract,
  DataContractSchema,
  DEFAULT_CSV_DIALECT,
  type LogicalType,
  LogicalTypeSchema,
  ProductIdSchema,
} from './data-contract';
import {
  isRfc3339Date,
  ODCS_LOGICAL_TYPES,
  type OdcsContract,
  type OdcsCustomProperty,
  type OdcsSchemaProperty,
} from './odcs-schema';

/** A problem before its path is rendered: the path stays a list so problems can be sorted by position. */
export interface Finding {
  path: Array<string | number>;
  message: string;
}

const PLATFORM_TYPES: readonly string[] = LogicalTypeSchema.options;
const PLATFORM_TYPE_LIST = PLATFORM_TYPES.join(', ');

/** Top-level `customProperties` the platform reads. */
export const PLATFORM_SETTINGS = [
  'csvDelimiter',
  'csvHeader',
  'csvQuote',
  'csvNullMarker',
  'csvEncoding',
  'upstreamProducts',
] as const;

// ---------------------------------------------------------------------------------------------------------
// Platform rules. They read the raw document defensively, so they are reported together with ODCS schema
// problems; a value of the wrong shape is left to the schema's message instead of being reported twice.

type Raw = Record<string, unknown>;
const isRecord = (value: unknown): value is Raw =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
const recordsOf = (value: unknown): Array<[number, Raw]> =>
  Array.isArray(value)
    ? value.flatMap((item, i): Array<[number, Raw]> => (isRecord(item) ? [[i, item]] : []))
    : [];

export const platformFindings = (doc: unknown, productId: string): Finding[] => {
  if (!isRecord(doc)) return [];
  return [
    ...tableFindings(doc),
    ...teamFindings(doc.team),
    ...settingsFindings(doc.customProperties, productId),
  ];
};

const tableFindings = (doc: Raw): Finding[] => {
  const tables = doc.schema;
  if (tables === undefined) {
    return [{ path: ['schema'], message: 'required: the contract must describe exactly one table' }];
  }
  if (!Array.isArray(tables)) return [];
  const findings: Finding[] = [];
  if (tables.length !== 1) {
    const names = recordsOf(tables).map(([, t]) => (typeof t.name === 'string' ? t.name : '?'));
    findings.push({
      path: ['schema'],
      message:
        tables.length === 0
          ? 'exactly one table is required, found none'
          : `exactly one table is required (one table per data product), found ${tables.length}: ${names.join(', ')}`,
    });
  }
  const table = tables[0];
  if (!isRecord(table)) return findings;
  const columns = table.properties;
  if (columns === undefined || (Array.isArray(columns) && columns.length === 0)) {
    findings.push({ path: ['schema', 0, 'properties'], message: 'at least one column is required' });
    return findings;
  }
  const seen = new Map<string, { index: number; name: string }>();
  for (const [index, column] of recordsOf(columns)) {
    const path = ['schema', 0, 'properties', index];
    const label = typeof column.name === 'string' ? `column "${column.name}"` : `column ${index}`;
    if (typeof column.name === 'string') {
      // Athena, Glue and DuckDB compare column names case-insensitively.
      const key = column.name.trim().toLowerCase();
      const previous = seen.get(key);
      if (column.name.trim() === '') {
        findings.push({ path: [...path, 'name'], message: 'a column name must not be empty' });
      } else if (previous) {
        const caseHint =
          previous.name === column.name ? '' : ` (same as "${previous.name}": names are case-insensitive)`;
        findings.push({
          path: [...path, 'name'],
          message: `duplicate column name "${column.name}"${caseHint}, also at schema[0].properties[${previous.index}]`,
        });
      } else {
        seen.set(key, { index, name: column.name });
      }
    }
    findings.push(...columnFindings(column, path, label));
  }
  findings.push(...primaryKeyFindings(recordsOf(columns)));
  return findings;
};

const columnFindings = (column: Raw, path: Finding['path'], label: string): Finding[] => {
  const type = column.logicalType;
  if (type === undefined) {
    return [
      {
        path: [...path, 'logicalType'],
        message: `required: ${label} needs a logicalType, one of ${PLATFORM_TYPE_LIST}`,
      },
    ];
  }
  if (typeof type !== 'string' || !PLATFORM_TYPES.includes(type)) {
    const known = (ODCS_LOGICAL_TYPES as readonly unknown[]).includes(type);
    return known
      ? [
          {
            path: [...path, 'logicalType'],
            message: `${label}: logicalType "${String(type)}" is not supported by the platform; use one of ${PLATFORM_TYPE_LIST}`,
          },
        ]
      : [];
  }
  return [
    ...optionFindings(type as LogicalType, column.logicalTypeOptions, [...path, 'logicalTypeOptions'], label),
    ...allowedValuesOf(column, path, label).findings,
  ];
};

const optionFindings = (
  type: LogicalType,
  options: unknown,
  path: Finding['path'],
  label: string,
): Finding[] => {
  if (!isRecord(options)) return [];
  const findings: Finding[] = [];
  if (type === 'string') {
    if (typeof options.pattern === 'string') {
      try {
        new RegExp(options.pattern, 'u');
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        findings.push({
          path: [...path, 'pattern'],
          message: `${label}: invalid regular expression (${reason})`,
        });
      }
    }
    findings.push(
      ...orderFindings(options, path, label, [['minLength', 'maxLength', true]], (v) =>
        typeof v === 'number' ? v : undefined,
      ),
    );
    return findings;
  }
  if (type === 'integer' || type === 'number') {
    return orderFindings(options, path, label, BOUND_PAIRS, (v) => (typeof v === 'number' ? v : undefined));
  }
  if (type === 'date' || type === 'timestamp') {
    const parse = type === 'date' ? dateBound : timestampBound;
    const example = type === 'date' ? 'a date like 2024-01-31' : 'a timestamp like 2024-01-31T12:00:00Z';
    for (const key of BOUND_KEYS) {
      const value = options[key];
      if (typeof value === 'string' && parse(value) === undefined) {
        findings.push({ path: [...path, key], message: `${label}: ${key} must be ${example}` });
      }
    }
    findings.push(
      ...orderFindings(options, path, label, BOUND_PAIRS, (v) =>
        typeof v === 'string' ? parse(v) : undefined,
      ),
    );
  }
  return findings;
};

const BOUND_KEYS = ['minimum', 'exclusiveMinimum', 'maximum', 'exclusiveMaximum'] as const;
/** [lower, upper, may the two be equal] */
const BOUND_PAIRS: Array<[string, string, boolean]> = [
  ['minimum', 'maximum', true],
  ['minimum', 'exclusiveMaximum', false],
  ['exclusiveMinimum', 'maximum', false],
  ['exclusiveMinimum', 'exclusiveMaximum', false],
];

const orderFindings = (
  options: Raw,
  path: Finding['path'],
  label: string,
  pairs: Array<[string, string, boolean]>,
  read: (value: unknown) => number | undefined,
): Finding[] =>
  pairs.flatMap(([low, high, equalOk]): Finding[] => {
    const a = read(options[low]);
    const b = read(options[high]);
    if (a === undefined || b === undefined || a < b || (equalOk && a === b)) return [];
    return [
      {
        path: [...path, high],
        message: `${label}: ${high} ${String(options[high])} must be ${equalOk ? '≥' : '>'} ${low} ${String(options[low])}`,
      },
    ];
  });

const dateBound = (text: string): number | undefined => (isRfc3339Date(text) ? Date.parse(text) : undefined);

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** Timestamp bounds: ISO 8601 with `T` or a space, seconds and offset optional (no offset = UTC). */
const timestampBound = (text: string): number | undefined => {
  const m = TIMESTAMP.exec(text);
  if (!m || !isRfc3339Date(m[1] ?? '')) return undefined;
  const millis = Date.parse(`${m[1]}T${m[2]}${isoOffset(m[3])}`);
  return Number.isNaN(millis) ? undefined : millis;
};

/** `Z`, `+02`, `+0200` or `+02:00` → the `Z` / `+02:00` form Date.parse understands. */
const isoOffset = (offset: string | undefined): string => {
  if (offset === undefined || offset.toUpperCase() === 'Z') return 'Z';
  const digits = offset.slice(1).replace(':', '');
  return `${offset[0]}${digits.slice(0, 2)}:${digits.slice(2) || '00'}`;
};

const normalizeTimestamp = (text: string): string => text.replace(' ', 'T');

/** Allowed values of a column: custom property `allowedValues`, or an ODCS `invalidValues` quality rule. */
const allowedValuesOf = (
  column: Raw,
  path: Finding['path'],
  label: string,
): { values: string[] | undefined; findings: Finding[] } => {
  const findings: Finding[] = [];
  const sources: Array<{ path: Finding['path']; values: string[] }> = [];
  for (const [i, property] of recordsOf(column.customProperties)) {
    if (property.property !== 'allowedValues') continue;
    const at = [...path, 'customProperties', i, 'value'];
    const value = property.value;
    if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string')) {
      findings.push({
        path: at,
        message: `${label}: allowedValues must be a non-empty list of strings (quote numbers)`,
      });
    } else {
      sources.push({ path: at, values: value });
    }
  }
  for (const [i, rule] of recordsOf(column.quality)) {
    const args = rule.arguments;
    if (
      !(rule.metric === 'invalidValues' || rule.rule === 'validValues') ||
      !isRecord(args) ||
      !('validValues' in args)
    ) {
      continue;
    }
    const at = [...path, 'quality', i];
    const listed = args.validValues;
    if (
      !Array.isArray(listed) ||
      !listed.every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v))
    ) {
      findings.push({
        path: [...at, 'arguments', 'validValues'],
        message: `${label}: validValues must be a list of values`,
      });
      continue;
    }
    if (!(rule.mustBe === 0 || rule.mustBeLessOrEqualTo === 0)) {
      findings.push({
        path: at,
        message: `${label}: the platform enforces validValues on every row; write mustBe: 0 (thresholds are not supported)`,
      });
      continue;
    }
    // null and "" stand for a missing value, which `required` governs.
    const values = listed.filter((v) => v !== null && v !== '').map(String);
    if (values.length === 0) {
      findings.push({
        path: [...at, 'arguments', 'validValues'],
        message: `${label}: validValues lists no value`,
      });
      continue;
    }
    sources.push({ path: at, values });
  }
  const [first, second] = sources;
  if (second) {
    findings.push({
      path: second.path,
      message: `${label}: allowed values are given more than once; keep one customProperties.allowedValues or one validValues rule`,
    });
  }
  return { values: first?.values, findings };
};

const primaryKeyFindings = (columns: Array<[number, Raw]>): Finding[] => {
  const positions = new Map<number, number>();
  const findings: Finding[] = [];
  for (const [index, column] of columns) {
    const position = column.primaryKeyPosition;
    if (column.primaryKey !== true || typeof position !== 'number' || position < 1) continue;
    const previous = positions.get(position);
    if (previous !== undefined) {
      findings.push({
        path: ['schema', 0, 'properties', index, 'primaryKeyPosition'],
        message: `primaryKeyPosition ${position} is also used by schema[0].properties[${previous}]`,
      });
    } else {
      positions.set(position, index);
    }
  }
  return findings;
};

const teamFindings = (team: unknown): Finding[] => {
  const example = 'team: { name: <owner team>, members: [...] }';
  if (team === undefined) return [{ path: ['team'], message: `required: the owner team, as ${example}` }];
  if (Array.isArray(team)) {
    return [
      {
        path: ['team'],
        message: `the deprecated list form of team names no owner team; write ${example}`,
      },
    ];
  }
  if (
    isRecord(team) &&
    (team.name === undefined || (typeof team.name === 'string' && team.name.trim() === ''))
  ) {
    return [{ path: ['team', 'name'], message: 'required: the name of the owner team' }];
  }
  return [];
};

const settingsFindings = (properties: unknown, productId: string): Finding[] => {
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const [i, entry] of recordsOf(properties)) {
    const key = entry.property;
    if (typeof key !== 'string') continue;
    const at = ['customProperties', i];
    if ((PLATFORM_SETTINGS as readonly string[]).includes(key)) {
      if (seen.has(key))
        findings.push({ path: [...at, 'property'], message: `"${key}" is set more than once` });
      seen.add(key);
      const problem = settingProblem(key, entry.value, productId);
      if (problem) findings.push({ path: [...at, 'value'], message: `${key}: ${problem}` });
    } else if (/^csv/i.test(key)) {
      findings.push({
        path: [...at, 'property'],
        message: `unknown CSV setting "${key}"; the platform reads ${PLATFORM_SETTINGS.filter((s) => s.startsWith('csv')).join(', ')}`,
      });
    }
  }
  const settings = readSettings(properties);
  const delimiter = settings.delimiter ?? DEFAULT_CSV_DIALECT.delimiter;
  if (
    (settings.delimiter !== undefined || settings.quote !== undefined) &&
    delimiter === (settings.quote ?? DEFAULT_CSV_DIALECT.quote)
  ) {
    findings.push({ path: ['customProperties'], message: 'csvDelimiter and csvQuote must differ' });
  }
  return findings;
};

const settingProblem = (key: string, value: unknown, productId: string): string | undefined => {
  const singleCharacter = (v: unknown) => typeof v === 'string' && v.length === 1 && v !== '\n' && v !== '\r';
  switch (key) {
    case 'csvDelimiter':
    case 'csvQuote':
      if (!singleCharacter(value)) return `expected a single character, got ${show(value)}`;
      // The tokenizer works on bytes: a character UTF-8 writes in several bytes cannot delimit or quote.
      return (value as string).charCodeAt(0) < 0x80
        ? undefined
        : `expected an ASCII character, got ${show(value)}`;
    case 'csvHeader':
      return typeof value === 'boolean' ? undefined : `expected true or false, got ${show(value)}`;
    case 'csvNullMarker':
      return typeof value === 'string' ? undefined : `expected a string, got ${show(value)}`;
    case 'csvEncoding':
      return typeof value === 'string' && /^utf-?8$/i.test(value.trim())
        ? undefined
        : `only utf-8 is supported, got ${show(value)}`;
    case 'upstreamProducts': {
      if (!Array.isArray(value)) return `expected a list of product ids, got ${show(value)}`;
      const invalid = value.filter((v) => !z.safeParse(ProductIdSchema, v).success);
      if (invalid.length > 0) return `not product ids: ${invalid.map(show).join(', ')}`;
      if (value.includes(productId)) return `a product cannot be its own upstream ("${productId}")`;
      return undefined;
    }
    default:
      return undefined;
  }
};

const show = (value: unknown): string => (value === undefined ? 'nothing' : JSON.stringify(value));

const readSettings = (properties: unknown): { delimiter?: unknown; quote?: unknown } => {
  const entries = recordsOf(properties).map(([, p]) => p);
  return {
    delimiter: entries.find((p) => p.property === 'csvDelimiter')?.value,
    quote: entries.find((p) => p.property === 'csvQuote')?.value,
  };
};

// ---------------------------------------------------------------------------------------------------------
// Mapping a contract that passed the schema and the platform rules.

export const toDataContract = (
  contract: OdcsContract,
  productId: string,
): { ok: true; contract: DataContract } | { ok: false; problems: Problem[] } => {
  const table = contract.schema?.[0];
  const setting = (key: (typeof PLATFORM_SETTINGS)[number]) => customValue(contract.customProperties, key);
  const header = setting('csvHeader');
  const dialect: CsvDialect = {
    delimiter: stringOr(setting('csvDelimiter'), DEFAULT_CSV_DIALECT.delimiter),
    header: typeof header === 'boolean' ? header : DEFAULT_CSV_DIALECT.header,
    quote: stringOr(setting('csvQuote'), DEFAULT_CSV_DIALECT.quote),
    nullMarker: stringOr(setting('csvNullMarker'), DEFAULT_CSV_DIALECT.nullMarker),
    encoding: 'utf-8',
  };
  const upstream = setting('upstreamProducts');
  const team = contract.team;
  const description = contract.description;
  const candidate: DataContract = {
    contractId: contract.id,
    name: contract.name ?? productId,
    version: contract.version,
    status: contract.status,
    domain: contract.domain,
    dataProduct: contract.dataProduct,
    ownerTeam: team !== undefined && !Array.isArray(team) ? (team.name ?? '').trim() : '',
    description: description?.purpose ?? description?.usage,
    tags: contract.tags ?? [],
    table: {
      name: table?.name ?? productId,
      description: table?.description,
      columns: (table?.properties ?? []).map(toColumn),
    },
    support: (contract.support ?? []).map(({ channel, tool, url, scope }) => ({ channel, tool, url, scope })),
    servers: (contract.servers ?? []).map((s) => ({
      server: s.server,
      type: s.type,
      location: 'location' in s ? s.location : 'path' in s ? s.path : undefined,
      environment: s.environment,
    })),
    dialect,
    upstreamProducts: Array.isArray(upstream) ? [...new Set(upstream.map(String))] : [],
  };
  const checked = z.safeParse(DataContractSchema, candidate);
  if (checked.success) return { ok: true, contract: withoutUndefined(checked.data) };
  return {
    ok: false,
    problems: checked.error.issues.map((issue) => ({
      path: issue.path.join('.'),
      message: `internal: the contract could not be mapped (${issue.message})`,
    })),
  };
};

const toColumn = (property: OdcsSchemaProperty): Column => {
  const type = property.logicalType as LogicalType;
  const options = property.logicalTypeOptions ?? {};
  const num = (key: string) => (typeof options[key] === 'number' ? (options[key] as number) : undefined);
  const text = (key: string) => (typeof options[key] === 'string' ? (options[key] as string) : undefined);
  const bound = (key: string) =>
    type === 'integer' || type === 'number'
      ? num(key)
      : type === 'timestamp'
        ? mapDefined(text(key), normalizeTimestamp)
        : type === 'date'
          ? text(key)
          : undefined;
  const primaryKey = property.primaryKey ?? false;
  const position = property.primaryKeyPosition;
  return {
    name: property.name,
    logicalType: type,
    description: property.description,
    required: property.required ?? false,
    unique: property.unique ?? false,
    primaryKey,
    primaryKeyPosition: primaryKey && position !== undefined && position >= 1 ? position : undefined,
    format: text('format'),
    pattern: type === 'string' ? text('pattern') : undefined,
    minLength: type === 'string' ? num('minLength') : undefined,
    maxLength: type === 'string' ? num('maxLength') : undefined,
    minimum: bound('minimum'),
    maximum: bound('maximum'),
    exclusiveMinimum: bound('exclusiveMinimum'),
    exclusiveMaximum: bound('exclusiveMaximum'),
    allowedValues: allowedValuesOf(property as unknown as Raw, [], '').values,
  };
};

const customValue = (properties: OdcsCustomProperty[] | undefined, key: string): unknown =>
  properties?.find((p) => p.property === key)?.value;

const stringOr = (value: unknown, fallback: string): string => (typeof value === 'string' ? value : fallback);

const mapDefined = <T, U>(value: T | undefined, map: (v: T) => U): U | undefined =>
  value === undefined ? undefined : map(value);

/** Optional fields are left out rather than set to undefined, so the model compares and serialises cleanly. */
const withoutUndefined = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
