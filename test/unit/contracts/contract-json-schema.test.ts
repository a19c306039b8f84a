import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { fastFormats } from 'ajv-formats/dist/formats';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseContract } from '../../../functions/core/contracts/parse-contract';
import {
  buildContractJsonSchema,
  CONTRACT_SCHEMA_FILE,
  renderContractJsonSchema,
} from '../../../scripts/export-contract-schema';

const fixture = readFileSync(
  new URL('../../fixtures/contracts/orders/datacontract.yaml', import.meta.url),
  'utf8',
);

// biome-ignore lint/suspicious/noExplicitAny: tests reshape the fixture freely
type Doc = any;
const variant = (edit: (doc: Doc) => void): Doc => {
  const doc = parse(fixture);
  edit(doc);
  return doc;
};

const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
addFormats(ajv, { mode: 'full', formats: ['date', 'date-time'] });
ajv.addFormat('uri', fastFormats.uri);
const validate = ajv.compile(buildContractJsonSchema());

describe('schemas/datacontract.schema.json', () => {
  it('is what scripts/export-contract-schema.ts generates now (run npm run contract-schema)', () => {
    expect(readFileSync(CONTRACT_SCHEMA_FILE, 'utf8')).toBe(renderContractJsonSchema());
  });

  it('is a draft 2020-12 schema with an id, a title and a description', () => {
    const schema = buildContractJsonSchema();
    expect(schema).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: expect.any(String),
      title: expect.stringContaining('ODCS v3.1.0'),
      description: expect.any(String),
      required: expect.arrayContaining(['apiVersion', 'kind', 'id', 'version', 'status', 'schema', 'team']),
    });
  });

  it('accepts the orders fixture, which parseContract accepts', () => {
    expect(parseContract(fixture, { fileName: 'datacontract.yaml', productId: 'orders' }).ok).toBe(true);
    expect(validate(parse(fixture)), JSON.stringify(validate.errors)).toBe(true);
  });

  it.each<[string, (doc: Doc) => void]>([
    [
      'a column type outside the platform subset',
      (doc) => (doc.schema[0].properties[2].logicalType = 'array'),
    ],
    ['a column without logicalType', (doc) => delete doc.schema[0].properties[2].logicalType],
    [
      'two tables',
      (doc) => doc.schema.push({ name: 'refunds', properties: [{ name: 'id', logicalType: 'integer' }] }),
    ],
    ['no table', (doc) => delete doc.schema],
    ['a table without columns', (doc) => (doc.schema[0].properties = [])],
    ['a team without name', (doc) => delete doc.team.name],
    ['the deprecated team list', (doc) => (doc.team = [{ username: 'alice', role: 'owner' }])],
    ['an unknown key in a column', (doc) => (doc.schema[0].properties[0].colour = 'red')],
    [
      'string options on an integer column',
      (doc) => (doc.schema[0].properties[0].logicalTypeOptions = { pattern: 'x' }),
    ],
    ['an s3 server without location', (doc) => delete doc.servers[0].location],
  ])('rejects %s, as parseContract does', (_name, edit) => {
    const doc = variant(edit);
    expect(
      parseContract(JSON.stringify(doc), { fileName: 'datacontract.json', productId: 'orders' }).ok,
    ).toBe(false);
    expect(validate(doc)).toBe(false);
  });
});
