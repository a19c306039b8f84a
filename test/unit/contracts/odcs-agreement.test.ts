import { readdirSync, readFileSync } from 'node:fs';
import { Ajv2019 } from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import { fastFormats } from 'ajv-formats/dist/formats';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { OdcsContractSchema } from '../../../functions/core/contracts/odcs-schema';
import * as z from '../../../functions/shared/zod';

const bitol = new URL('../../../../shared/reference/bitol/', import.meta.url);
const examplesDir = new URL('odcs-examples/', bitol);
const officialSchema = JSON.parse(readFileSync(new URL('odcs-json-schema-v3.1.0.json', bitol), 'utf8'));

// The official schema is draft 2019-09. JSON Schema leaves format assertion to the validator; we assert
// date/date-time as RFC 3339 (ajv-formats full) and uri in ajv-formats' fast form, the same choice the zod
// mirror makes, because ODCS's own S3 example (`s3://…/{model}/*.json`) is not a strict RFC 3986 URI.
const ajv = new Ajv2019({ strict: false, allErrors: true });
addFormats(ajv, { mode: 'full', formats: ['date', 'date-time'] });
ajv.addFormat('uri', fastFormats.uri);
const validateOfficial = ajv.compile(officialSchema);

const agree = (doc: unknown): { official: boolean; zod: boolean; detail: string } => {
  const official = validateOfficial(doc) === true;
  const result = z.safeParse(OdcsContractSchema, doc);
  const detail = JSON.stringify({
    ajv: validateOfficial.errors?.slice(0, 5).map((e) => `${e.instancePath} ${e.message}`),
    zod: result.error?.issues.slice(0, 5).map((i) => `${i.path.join('.')} ${i.message}`),
  });
  return { official, zod: result.success, detail };
};

const exampleFiles = readdirSync(examplesDir).filter((f) => f.endsWith('.yaml'));
const loadExample = (file: string): Record<string, unknown> =>
  parse(readFileSync(new URL(file, examplesDir), 'utf8')) as Record<string, unknown>;

// Loose access into a cloned example: the variants are built on purpose to break the schema.
// biome-ignore lint/suspicious/noExplicitAny: mutation helpers navigate arbitrary YAML
type Doc = any;
const full = (): Doc => structuredClone(loadExample('full-example.odcs.yaml'));
const allTypes = (): Doc => structuredClone(loadExample('all-data-types.odcs.yaml'));
const firstProperty = (doc: Doc): Doc => doc.schema[0].properties[0];
const edit = (base: () => Doc, change: (doc: Doc) => void) => (): Doc => {
  const doc = base();
  change(doc);
  return doc;
};

/** Each variant: a name, how to break (or legitimately bend) an official example, and the expected verdict. */
const variants: Array<[string, () => Doc, boolean]> = [
  ['unknown top-level key', () => ({ ...full(), colour: 'red' }), false],
  ['version as a number', () => ({ ...full(), version: 1.1 }), false],
  ['missing status', () => ({ ...full(), status: undefined }), false],
  ['missing id', () => ({ ...full(), id: undefined }), false],
  ['unknown apiVersion', () => ({ ...full(), apiVersion: 'v3.2.0' }), false],
  ['older apiVersion v2.2.0', () => ({ ...full(), apiVersion: 'v2.2.0' }), true],
  ['wrong kind', () => ({ ...full(), kind: 'Contract' }), false],
  [
    'bad logicalType',
    edit(full, (d) => {
      firstProperty(d).logicalType = 'text';
    }),
    false,
  ],
  [
    'unknown key in a property',
    edit(full, (d) => {
      firstProperty(d).colour = 'red';
    }),
    false,
  ],
  [
    'unknown key in a schema object',
    edit(full, (d) => {
      d.schema[0].colour = 'red';
    }),
    false,
  ],
  [
    'schema object with logicalType array',
    edit(full, (d) => {
      d.schema[0].logicalType = 'array';
    }),
    false,
  ],
  ['team as a string', () => ({ ...full(), team: 'sales' }), false],
  [
    'team in the deprecated list form',
    () => ({ ...full(), team: [{ username: 'ceastwood', role: 'owner' }] }),
    true,
  ],
  [
    'team member without username',
    () => ({ ...full(), team: { name: 't', members: [{ role: 'owner' }] } }),
    false,
  ],
  [
    'team member with an impossible date',
    () => ({ ...full(), team: { members: [{ username: 'a', dateIn: '2022-02-30' }] } }),
    false,
  ],
  ['team object with unknown key', () => ({ ...full(), team: { name: 't', lead: 'x' } }), false],
  ['server with unknown type', () => ({ ...full(), servers: [{ server: 's', type: 'ftp' }] }), false],
  ['server without type', () => ({ ...full(), servers: [{ server: 's', host: 'h' }] }), false],
  [
    's3 server without location',
    () => ({ ...full(), servers: [{ server: 's', type: 's3', format: 'csv' }] }),
    false,
  ],
  [
    's3 server with a templated location',
    () => ({
      ...full(),
      servers: [{ server: 's', type: 's3', location: 's3://b/{model}/*.csv', format: 'csv' }],
    }),
    true,
  ],
  [
    's3 server with a key of another server type',
    () => ({ ...full(), servers: [{ server: 's', type: 's3', location: 's3://b/p/', host: 'h' }] }),
    false,
  ],
  [
    's3 server with a relative location',
    () => ({ ...full(), servers: [{ server: 's', type: 's3', location: 'bucket/prefix' }] }),
    false,
  ],
  [
    'postgres server with a string port',
    () => ({
      ...full(),
      servers: [{ server: 's', type: 'postgres', host: 'h', port: '5432', database: 'd', schema: 's' }],
    }),
    false,
  ],
  [
    'kinesis server with no details',
    () => ({ ...full(), servers: [{ server: 's', type: 'kinesis' }] }),
    true,
  ],
  [
    'local server',
    () => ({ ...full(), servers: [{ server: 'l', type: 'local', path: './x.csv', format: 'csv' }] }),
    true,
  ],
  [
    'sftp server with an http location',
    () => ({ ...full(), servers: [{ server: 's', type: 'sftp', location: 'http://x/y' }] }),
    false,
  ],
  [
    'custom server with an unknown key',
    () => ({ ...full(), servers: [{ server: 's', type: 'custom', colour: 'x' }] }),
    false,
  ],
  [
    'customProperties item without value',
    () => ({ ...full(), customProperties: [{ property: 'a' }] }),
    false,
  ],
  [
    'customProperties item with a null value',
    () => ({ ...full(), customProperties: [{ property: 'a', value: null }] }),
    true,
  ],
  [
    'customProperties item with unknown key',
    () => ({ ...full(), customProperties: [{ property: 'a', value: 1, x: 1 }] }),
    false,
  ],
  ['description as a string', () => ({ ...full(), description: 'orders' }), false],
  [
    'description with an extra key (not strict)',
    () => ({ ...full(), description: { purpose: 'p', audience: 'x' } }),
    true,
  ],
  [
    'contractCreatedTs without offset',
    () => ({ ...full(), contractCreatedTs: '2022-11-15T02:59:43' }),
    false,
  ],
  [
    'contractCreatedTs with a space separator',
    () => ({ ...full(), contractCreatedTs: '2022-11-15 02:59:43Z' }),
    true,
  ],
  ['support item without channel', () => ({ ...full(), support: [{ tool: 'slack' }] }), false],
  ['price amount as a string', () => ({ ...full(), price: { priceAmount: '9.95' } }), false],
  ['SLA value as a list', () => ({ ...full(), slaProperties: [{ property: 'latency', value: [4] }] }), false],
  ['role without role', () => ({ ...full(), roles: [{ access: 'read' }] }), false],
  [
    'authoritative definition without type',
    () => ({ ...full(), authoritativeDefinitions: [{ url: 'https://x' }] }),
    false,
  ],
  ['tags that are not strings', () => ({ ...full(), tags: [1, 2] }), false],
  [
    'stable id with a space',
    edit(full, (d) => {
      d.schema[0].id = 'tbl obj';
    }),
    false,
  ],
  [
    'property-level relationship with from',
    edit(full, (d) => {
      d.schema[0].properties[1].relationships[0].from = 'tbl.rcvr_id';
    }),
    false,
  ],
  [
    'schema-level relationship mixing a string and a list',
    edit(full, (d) => {
      d.schema[0].relationships[0].from = 'tbl.rcvr_id';
    }),
    false,
  ],
  [
    'relationship with a malformed reference',
    edit(full, (d) => {
      d.schema[0].properties[1].relationships[0].to = 'receivers';
    }),
    false,
  ],
  [
    'relationship with a fully qualified reference',
    edit(full, (d) => {
      d.schema[0].properties[1].relationships[0].to = 'schema/receivers_obj/properties/id';
    }),
    true,
  ],
  [
    'primaryKeyPosition not an integer',
    edit(full, (d) => {
      firstProperty(d).primaryKeyPosition = 1.5;
    }),
    false,
  ],
  [
    'string options with a numeric bound',
    edit(full, (d) => {
      d.schema[0].properties[1].logicalTypeOptions = { minimum: 1 };
    }),
    false,
  ],
  [
    'negative minLength',
    edit(allTypes, (d) => {
      firstProperty(d).logicalTypeOptions.minLength = -1;
    }),
    false,
  ],
  [
    'integer with a float format',
    edit(allTypes, (d) => {
      d.schema[0].properties[6].logicalTypeOptions.format = 'f32';
    }),
    false,
  ],
  [
    'number with multipleOf 0',
    edit(allTypes, (d) => {
      d.schema[0].properties[5].logicalTypeOptions.multipleOf = 0;
    }),
    false,
  ],
  [
    'date options with a timezone',
    edit(allTypes, (d) => {
      d.schema[0].properties[1].logicalTypeOptions.timezone = true;
    }),
    false,
  ],
  [
    'object options with duplicate required names',
    edit(allTypes, (d) => {
      d.schema[0].properties[9].logicalTypeOptions.required = ['a', 'a'];
    }),
    false,
  ],
  [
    'boolean with arbitrary options (no conditional for boolean)',
    edit(allTypes, (d) => {
      d.schema[0].properties[7].logicalTypeOptions = { anything: 1 };
    }),
    true,
  ],
  [
    'no logicalType with non-empty options',
    edit(allTypes, (d) => {
      delete firstProperty(d).logicalType;
    }),
    false,
  ],
  [
    'no logicalType with empty options, items and properties',
    edit(allTypes, (d) => {
      const p = firstProperty(d);
      delete p.logicalType;
      p.logicalTypeOptions = {};
      p.items = { logicalType: 'string' };
      p.properties = [{ name: 'x', logicalType: 'integer' }];
    }),
    true,
  ],
  [
    'items on a string property',
    edit(allTypes, (d) => {
      firstProperty(d).items = { logicalType: 'string' };
    }),
    false,
  ],
  [
    'array property with nested object items',
    edit(allTypes, (d) => {
      d.schema[0].properties[8].items = {
        logicalType: 'object',
        properties: [{ name: 'id', logicalType: 'integer', logicalTypeOptions: { minimum: 0 } }],
      };
    }),
    true,
  ],
  [
    'nested property without name',
    edit(allTypes, (d) => {
      d.schema[0].properties[9].properties = [{ logicalType: 'string' }];
    }),
    false,
  ],
  [
    'property examples of any type',
    edit(full, (d) => {
      firstProperty(d).examples = [{ a: 1 }, [1], null];
    }),
    true,
  ],
  [
    'library quality rule without operator',
    edit(full, (d) => {
      delete d.schema[0].quality[0].mustBeGreaterThan;
    }),
    false,
  ],
  [
    'library quality rule with two operators',
    edit(full, (d) => {
      d.schema[0].quality[0].mustBeLessThan = 5;
    }),
    false,
  ],
  [
    'library quality rule with an unknown metric',
    edit(full, (d) => {
      d.schema[0].quality[0].metric = 'rowCounts';
    }),
    false,
  ],
  [
    'text quality rule with a query',
    () => ({
      ...full(),
      schema: [{ name: 't', quality: [{ type: 'text', description: 'd', query: 'select 1' }] }],
    }),
    false,
  ],
  [
    'sql quality rule',
    () => ({ ...full(), schema: [{ name: 't', quality: [{ type: 'sql', query: 'select 1', mustBe: 1 }] }] }),
    true,
  ],
  [
    'custom quality rule without implementation',
    () => ({ ...full(), schema: [{ name: 't', quality: [{ type: 'custom', engine: 'soda' }] }] }),
    false,
  ],
  [
    'quality rule with metric but no type needs an operator',
    () => ({ ...full(), schema: [{ name: 't', quality: [{ metric: 'rowCount' }] }] }),
    false,
  ],
  [
    'mustBeBetween with equal bounds',
    () => ({
      ...full(),
      schema: [{ name: 't', quality: [{ metric: 'rowCount', mustBeBetween: [5, 5] }] }],
    }),
    false,
  ],
  ['schema item without name', () => ({ ...full(), schema: [{ physicalType: 'table' }] }), false],
  ['document that is a list', () => [full()], false],
  ['empty document', () => null, false],
];

type Path = Array<string | number>;

/** Every path to a value inside a document (the root excluded). */
const pathsOf = (value: unknown, prefix: Path = []): Path[] => {
  if (Array.isArray(value)) return value.flatMap((v, i) => [[...prefix, i], ...pathsOf(v, [...prefix, i])]);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => [[...prefix, k], ...pathsOf(v, [...prefix, k])]);
  }
  return [];
};

const mutateAt = (doc: unknown, path: Path, mutate: (parent: Doc, key: string | number) => void): unknown => {
  const copy: Doc = structuredClone(doc);
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key];
  mutate(parent, path[path.length - 1] as string | number);
  return copy;
};

const sweepMutations: Array<[string, (parent: Doc, key: string | number) => void]> = [
  ['delete', (p, k) => (Array.isArray(p) ? p.splice(k as number, 1) : delete p[k])],
  ['number', (p, k) => (p[k] = 42)],
  ['fraction', (p, k) => (p[k] = 1.5)],
  ['string', (p, k) => (p[k] = 'x')],
  ['boolean', (p, k) => (p[k] = true)],
  ['null', (p, k) => (p[k] = null)],
  ['empty list', (p, k) => (p[k] = [])],
  ['empty object', (p, k) => (p[k] = {})],
  [
    'unknown key',
    (p, k) => {
      if (p[k] !== null && typeof p[k] === 'object' && !Array.isArray(p[k])) p[k].zzUnknown = 1;
      else p[k] = { zzUnknown: 1 };
    },
  ],
];

describe('ODCS zod schema agrees with the official JSON Schema', () => {
  it.each(exampleFiles)('official example %s', (file) => {
    const { official, zod, detail } = agree(loadExample(file));
    expect(official, detail).toBe(true);
    expect(zod, detail).toBe(official);
  });

  it('has at least 20 broken variants', () => {
    expect(variants.filter(([, , valid]) => !valid).length).toBeGreaterThanOrEqual(20);
  });

  it.each(variants)('%s', (_name, build, expected) => {
    const { official, zod, detail } = agree(JSON.parse(JSON.stringify(build() ?? null)));
    expect(official, detail).toBe(expected);
    expect(zod, detail).toBe(official);
  });

  // Every value of every official example replaced, in turn, by each kind of wrong (or right) value.
  it.each(exampleFiles)('mutation sweep over %s', (file) => {
    const doc = loadExample(file);
    const disagreements: string[] = [];
    let rejected = 0;
    let checked = 0;
    for (const path of pathsOf(doc)) {
      for (const [name, mutate] of sweepMutations) {
        const { official, zod, detail } = agree(mutateAt(doc, path, mutate));
        checked++;
        if (!official) rejected++;
        if (official !== zod) disagreements.push(`${path.join('.')} ${name}: official=${official} ${detail}`);
      }
    }
    expect(disagreements.slice(0, 10)).toEqual([]);
    expect(rejected).toBeGreaterThan(checked / 4);
  });
});
