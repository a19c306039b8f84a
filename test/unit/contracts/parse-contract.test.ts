import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { DataContract } from '../../../functions/core/contracts/data-contract';
import { parseContract } from '../../../functions/core/contracts/parse-contract';
import type { Problem } from '../../../functions/core/problem';

const fixture = readFileSync(
  new URL('../../fixtures/contracts/orders/datacontract.yaml', import.meta.url),
  'utf8',
);
const opts = { fileName: 'datacontract.yaml', productId: 'orders' };

// biome-ignore lint/suspicious/noExplicitAny: tests reshape the fixture freely
type Doc = any;
const fixtureDoc = (): Doc => parse(fixture);
/** The fixture, changed by `edit`, written back as YAML. */
const variant = (edit: (doc: Doc) => void): string => {
  const doc = fixtureDoc();
  edit(doc);
  return stringify(doc);
};
const column = (doc: Doc, name: string): Doc => doc.schema[0].properties.find((p: Doc) => p.name === name);

const problemsOf = (text: string, options = opts): Problem[] => {
  const result = parseContract(text, options);
  if (result.ok) throw new Error('expected the contract to be rejected');
  return result.problems;
};
const contractOf = (text: string, options = opts): DataContract => {
  const result = parseContract(text, options);
  if (!result.ok) throw new Error(`expected the contract to be accepted: ${JSON.stringify(result.problems)}`);
  return result.contract;
};

const expectedOrders: DataContract = {
  contractId: '6f1f3c2e-8d4b-4b7a-9a51-2f0c1d7e9b10',
  name: 'Orders',
  version: '1.0.0',
  status: 'active',
  domain: 'sales',
  ownerTeam: 'sales-team',
  description: 'One row per customer order, as placed in the web shop.',
  tags: ['sales', 'orders'],
  table: {
    name: 'orders',
    description: 'Customer orders.',
    columns: [
      {
        name: 'order_id',
        logicalType: 'integer',
        description: 'Order number.',
        required: true,
        unique: true,
        primaryKey: true,
        primaryKeyPosition: 1,
      },
      {
        name: 'customer_email',
        logicalType: 'string',
        required: true,
        unique: false,
        primaryKey: false,
        pattern: '^[^@\\s]+@[^@\\s]+\\.[a-z]{2,}$',
        maxLength: 254,
      },
      { name: 'amount', logicalType: 'number', required: true, unique: false, primaryKey: false, minimum: 0 },
      {
        name: 'status',
        logicalType: 'string',
        required: true,
        unique: false,
        primaryKey: false,
        allowedValues: ['new', 'paid', 'shipped'],
      },
      { name: 'ordered_at', logicalType: 'timestamp', required: true, unique: false, primaryKey: false },
      {
        name: 'order_date',
        logicalType: 'date',
        required: false,
        unique: false,
        primaryKey: false,
        format: 'yyyy-MM-dd',
      },
    ],
  },
  support: [{ channel: '#sales-data', tool: 'slack', url: 'https://example.slack.com/archives/C0123' }],
  servers: [
    { server: 'production', type: 's3', location: 's3://data-mesh-products/orders/', environment: 'prod' },
  ],
  dialect: { delimiter: ',', header: true, quote: '"', nullMarker: '', encoding: 'utf-8' },
  upstreamProducts: ['sales.customers'],
};

describe('parseContract: a valid contract', () => {
  it('maps the orders fixture to the domain model', () => {
    expect(contractOf(fixture)).toEqual(expectedOrders);
  });

  it('reads the same contract written as JSON', () => {
    const json = JSON.stringify(fixtureDoc(), null, '\t');
    expect(contractOf(json, { ...opts, fileName: 'datacontract.json' })).toEqual(expectedOrders);
  });

  it('applies the CSV settings from customProperties', () => {
    const text = variant((doc) => {
      doc.customProperties = [
        { property: 'csvDelimiter', value: ';' },
        { property: 'csvHeader', value: false },
        { property: 'csvQuote', value: "'" },
        { property: 'csvNullMarker', value: 'NA' },
        { property: 'csvEncoding', value: 'UTF-8' },
        { property: 'retention', value: '30d' },
      ];
    });
    const contract = contractOf(text);
    expect(contract.dialect).toEqual({
      delimiter: ';',
      header: false,
      quote: "'",
      nullMarker: 'NA',
      encoding: 'utf-8',
    });
    expect(contract.upstreamProducts).toEqual([]);
  });

  it('takes allowed values from an ODCS validValues quality rule that allows no invalid row', () => {
    const text = variant((doc) => {
      const status = column(doc, 'status');
      delete status.customProperties;
      status.quality = [
        {
          type: 'library',
          metric: 'invalidValues',
          arguments: { validValues: ['new', 'paid', null, ''] },
          mustBe: 0,
        },
      ];
    });
    expect(contractOf(text).table.columns[3]?.allowedValues).toEqual(['new', 'paid']);
  });

  it('keeps bounds in the type of the column', () => {
    const text = variant((doc) => {
      column(doc, 'ordered_at').logicalTypeOptions = {
        minimum: '2020-01-01 00:00:00',
        maximum: '2030-01-01T00:00:00Z',
      };
      column(doc, 'order_date').logicalTypeOptions = {
        exclusiveMinimum: '2019-12-31',
        exclusiveMaximum: '2031-01-01',
      };
      column(doc, 'amount').logicalTypeOptions = { minimum: 0, exclusiveMaximum: 1e6 };
    });
    const [, , amount, , orderedAt, orderDate] = contractOf(text).table.columns;
    expect(amount).toMatchObject({ minimum: 0, exclusiveMaximum: 1e6 });
    expect(orderedAt).toMatchObject({ minimum: '2020-01-01T00:00:00', maximum: '2030-01-01T00:00:00Z' });
    expect(orderDate).toMatchObject({ exclusiveMinimum: '2019-12-31', exclusiveMaximum: '2031-01-01' });
  });

  it('falls back to the product id when the contract has no name', () => {
    expect(contractOf(variant((doc) => delete doc.name)).name).toBe('orders');
  });
});

describe('parseContract: YAML problems', () => {
  it('reports a syntax error with file:line:column', () => {
    const text = 'apiVersion: v3.1.0\nkind: DataContract\nname: Orders: shop\n';
    expect(problemsOf(text)).toEqual([
      { path: 'datacontract.yaml:3:7', message: 'Nested mappings are not allowed in compact mappings' },
    ]);
  });

  it('reports an unclosed flow sequence where YAML notices it', () => {
    const [problem] = problemsOf('apiVersion: v3.1.0\ntags: [a, b\nkind: DataContract\n');
    expect(problem?.path).toMatch(/^datacontract\.yaml:3:\d+$/);
  });

  it('rejects duplicate keys, naming the key', () => {
    const text = fixture.replace('status: active\n', 'status: active\nstatus: draft\n');
    const line = text.split('\n').indexOf('status: draft') + 1;
    expect(problemsOf(text)).toEqual([
      { path: `datacontract.yaml:${line}:1`, message: 'duplicate key "status"' },
    ]);
  });

  it('rejects duplicate keys in JSON too', () => {
    expect(problemsOf('{"version": "1", "version": "2"}')[0]?.message).toBe('duplicate key "version"');
  });

  it('rejects a file with several YAML documents', () => {
    const [problem, ...rest] = problemsOf(`${fixture}---\n${fixture}`);
    expect(rest).toEqual([]);
    expect(problem?.message).toMatch(/expected one YAML document, found 2/);
    expect(problem?.path).toBe(`datacontract.yaml:${fixture.split('\n').length}:1`);
  });

  it('rejects an empty file, a comment-only file and a scalar', () => {
    expect(problemsOf('')).toEqual([{ path: 'datacontract.yaml', message: 'the contract is empty' }]);
    expect(problemsOf('# nothing yet\n')).toEqual([
      { path: 'datacontract.yaml', message: 'the contract is empty' },
    ]);
    expect(problemsOf('just text')).toEqual([
      { path: 'datacontract.yaml', message: 'expected an object, got "just text"' },
    ]);
  });

  it('rejects unknown anchors and complex keys', () => {
    expect(problemsOf('version: *v\n')).toEqual([
      { path: 'datacontract.yaml:1:10', message: 'unknown anchor "v" (define &v before using it)' },
    ]);
    expect(problemsOf('? [a, b]\n: 1\n')[0]?.message).toMatch(/a key must be a plain value/);
  });

  it('never throws, whatever the input', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 10; i++)
      bomb.push(
        `${'abcdefghij'[i]}: &${'abcdefghij'[i]} [${Array(9)
          .fill(`*${'abcdefghij'[i - 1]}`)
          .join(',')}]`,
      );
    const inputs = [
      '\u0000\u0001\u0002',
      '[[[[[[[[',
      '{"a":',
      bomb.join('\n'),
      '!!binary aGVsbG8=',
      '- - - -',
      '%YAML 9.9\n---\na: 1',
    ];
    for (const input of inputs) {
      const result = parseContract(input, opts);
      expect(result.ok).toBe(false);
    }
  });
});

describe('parseContract: ODCS schema problems', () => {
  it('reports unknown keys where they are', () => {
    const text = variant((doc) => {
      doc.colour = 'red';
      column(doc, 'amount').colour = 'blue';
    });
    // stringify writes the added top-level key last, so it comes last in document order.
    expect(problemsOf(text)).toEqual([
      { path: 'schema[0].properties[2].colour', message: 'unknown key "colour"' },
      { path: 'colour', message: 'unknown key "colour"' },
    ]);
  });

  it('reports wrong types with what was found', () => {
    const text = fixture.replace('version: 1.0.0', 'version: 1.0').replace('unique: true', 'unique: "yes"');
    expect(problemsOf(text)).toEqual([
      { path: 'version', message: 'expected a string, got number 1 (put the value in quotes)' },
      { path: 'schema[0].properties[0].unique', message: 'expected true or false, got "yes"' },
    ]);
  });

  it('lists the allowed values of an enumeration', () => {
    const text = variant((doc) => {
      doc.apiVersion = 'v3.2.0';
      column(doc, 'amount').logicalType = 'decimal';
    });
    expect(problemsOf(text)).toEqual([
      {
        path: 'apiVersion',
        message: 'expected one of v3.1.0, v3.0.2, v3.0.1, v3.0.0, v2.2.2, v2.2.1, v2.2.0, got "v3.2.0"',
      },
      {
        path: 'schema[0].properties[2].logicalType',
        message:
          'expected one of string, date, timestamp, time, integer, number, boolean, object, array, got "decimal"',
      },
    ]);
  });

  it('reports missing required keys', () => {
    const problems = problemsOf(variant((doc) => delete doc.status));
    expect(problems).toEqual([{ path: 'status', message: 'required' }]);
  });

  it('checks server details by server type', () => {
    const text = variant((doc) => {
      doc.servers = [
        { server: 'a', type: 's3', format: 'csv' },
        { server: 'b', type: 'ftp' },
        { server: 'c', type: 's3', location: 's3://bucket/x/', host: 'h' },
      ];
    });
    const problems = problemsOf(text);
    expect(problems).toContainEqual({ path: 'servers[0].location', message: 'required' });
    expect(problems).toContainEqual({ path: 'servers[2].host', message: 'unknown key "host"' });
    const badType = problems.find((p) => p.path === 'servers[1].type');
    expect(badType?.message).toMatch(/^expected one of api, athena, .*s3.*, got "ftp"$/);
  });

  it('reports a custom property without value and a team that is a string', () => {
    const text = variant((doc) => {
      doc.team = 'sales-team';
      doc.customProperties = [{ property: 'retention' }];
    });
    expect(problemsOf(text)).toEqual([
      {
        path: 'team',
        message: 'expected a team object ({ name, members }) or, deprecated, a list of members',
      },
      { path: 'customProperties[0].value', message: 'required' },
    ]);
  });

  it('reports problems inside alternatives where the author went wrong', () => {
    const text = variant((doc) => {
      doc.team.lead = 'alice';
      column(doc, 'order_id').relationships = [{ to: ['customers.id', 'customers'] }];
      column(doc, 'amount').quality = [{ type: 'library', metric: 'rowCount' }];
      doc.servers.push({ server: 'archive' });
    });
    expect(problemsOf(text)).toEqual([
      { path: 'team.lead', message: 'unknown key "lead"' },
      {
        path: 'servers[1].type',
        message: expect.stringMatching(/^required: one of api, athena, .*, vertica$/),
      },
      {
        path: 'schema[0].properties[0].relationships[0].to[1]',
        message: 'expected a reference like table.column or schema/<id>/properties/<id>',
      },
      {
        path: 'schema[0].properties[2].quality[0]',
        message: expect.stringMatching(/^a library quality rule needs exactly one operator: mustBe, /),
      },
    ]);
  });

  it('reports JSON syntax errors with line and column', () => {
    const [problem] = problemsOf('{\n  "apiVersion": "v3.1.0",\n  "kind": "DataContract",,\n}', {
      ...opts,
      fileName: 'datacontract.json',
    });
    expect(problem?.path).toMatch(/^datacontract\.json:3:\d+$/);
  });

  it('reports every problem at once, in document order, each with its path', () => {
    const text = variant((doc) => {
      doc.version = 2;
      doc.kind = 'Contract';
      delete doc.team;
      column(doc, 'order_id').logicalType = 'array';
      column(doc, 'customer_email').logicalTypeOptions.pattern = '[a-z';
      column(doc, 'amount').name = 'ORDER_ID';
      doc.customProperties.push({ property: 'csvEncoding', value: 'latin-1' });
    });
    const problems = problemsOf(text);
    expect(problems.length).toBeGreaterThanOrEqual(3);
    expect(problems.map((p) => p.path)).toEqual([
      'team',
      'kind',
      'version',
      'schema[0].properties[0].logicalType',
      'schema[0].properties[1].logicalTypeOptions.pattern',
      'schema[0].properties[2].name',
      'customProperties[3].value',
    ]);
    for (const problem of problems) expect(problem.message.length).toBeGreaterThan(5);
  });
});

describe('parseContract: platform rules', () => {
  it.each(['array', 'object', 'time'])('rejects logicalType %s, naming the column', (type) => {
    const text = variant((doc) => {
      const amount = column(doc, 'amount');
      amount.logicalType = type;
      delete amount.logicalTypeOptions;
    });
    expect(problemsOf(text)).toEqual([
      {
        path: 'schema[0].properties[2].logicalType',
        message: `column "amount": logicalType "${type}" is not supported by the platform; use one of string, integer, number, boolean, date, timestamp`,
      },
    ]);
  });

  it('requires a logicalType on every column', () => {
    const text = variant((doc) => delete column(doc, 'ordered_at').logicalType);
    expect(problemsOf(text)).toEqual([
      {
        path: 'schema[0].properties[4].logicalType',
        message:
          'required: column "ordered_at" needs a logicalType, one of string, integer, number, boolean, date, timestamp',
      },
    ]);
  });

  it('requires an owner team', () => {
    expect(problemsOf(variant((doc) => delete doc.team))).toEqual([
      { path: 'team', message: 'required: the owner team, as team: { name: <owner team>, members: [...] }' },
    ]);
    expect(problemsOf(variant((doc) => delete doc.team.name))).toEqual([
      { path: 'team.name', message: 'required: the name of the owner team' },
    ]);
    expect(problemsOf(variant((doc) => (doc.team.name = '  ')))).toEqual([
      { path: 'team.name', message: 'required: the name of the owner team' },
    ]);
  });

  it('does not take an owner team from the deprecated list form', () => {
    const text = variant((doc) => (doc.team = [{ username: 'alice', role: 'owner' }]));
    expect(problemsOf(text)).toEqual([
      {
        path: 'team',
        message:
          'the deprecated list form of team names no owner team; write team: { name: <owner team>, members: [...] }',
      },
    ]);
  });

  it('rejects duplicate column names, ignoring case', () => {
    const text = variant((doc) => {
      doc.schema[0].properties.push({ name: 'amount', logicalType: 'number' });
      doc.schema[0].properties.push({ name: 'Status', logicalType: 'string' });
    });
    expect(problemsOf(text)).toEqual([
      {
        path: 'schema[0].properties[6].name',
        message: 'duplicate column name "amount", also at schema[0].properties[2]',
      },
      {
        path: 'schema[0].properties[7].name',
        message:
          'duplicate column name "Status" (same as "status": names are case-insensitive), also at schema[0].properties[3]',
      },
    ]);
  });

  it('rejects a pattern that is not a valid regular expression', () => {
    const text = variant((doc) => (column(doc, 'customer_email').logicalTypeOptions.pattern = '([a-z]+'));
    const [problem, ...rest] = problemsOf(text);
    expect(rest).toEqual([]);
    expect(problem?.path).toBe('schema[0].properties[1].logicalTypeOptions.pattern');
    expect(problem?.message).toMatch(/^column "customer_email": invalid regular expression \(.+\)$/);
  });

  it('compiles patterns as unicode regular expressions', () => {
    const text = variant((doc) => (column(doc, 'customer_email').logicalTypeOptions.pattern = '^\\p{L}+$'));
    expect(contractOf(text).table.columns[1]?.pattern).toBe('^\\p{L}+$');
  });

  it('rejects bounds that leave no value', () => {
    const text = variant((doc) => {
      column(doc, 'amount').logicalTypeOptions = { minimum: 10, maximum: 5 };
      column(doc, 'order_id').logicalTypeOptions = { exclusiveMinimum: 3, maximum: 3 };
      column(doc, 'customer_email').logicalTypeOptions = { minLength: 5, maxLength: 2 };
      column(doc, 'order_date').logicalTypeOptions = { minimum: '2024-02-01', maximum: '2024-01-31' };
      column(doc, 'ordered_at').logicalTypeOptions = {
        minimum: '2024-01-01T10:00:00+02:00',
        maximum: '2024-01-01 07:00:00',
      };
    });
    expect(problemsOf(text)).toEqual([
      {
        path: 'schema[0].properties[0].logicalTypeOptions.maximum',
        message: 'column "order_id": maximum 3 must be > exclusiveMinimum 3',
      },
      {
        path: 'schema[0].properties[1].logicalTypeOptions.maxLength',
        message: 'column "customer_email": maxLength 2 must be ≥ minLength 5',
      },
      {
        path: 'schema[0].properties[2].logicalTypeOptions.maximum',
        message: 'column "amount": maximum 5 must be ≥ minimum 10',
      },
      {
        path: 'schema[0].properties[4].logicalTypeOptions.maximum',
        message:
          'column "ordered_at": maximum 2024-01-01 07:00:00 must be ≥ minimum 2024-01-01T10:00:00+02:00',
      },
      {
        path: 'schema[0].properties[5].logicalTypeOptions.maximum',
        message: 'column "order_date": maximum 2024-01-31 must be ≥ minimum 2024-02-01',
      },
    ]);
  });

  it('rejects date and timestamp bounds that are not dates', () => {
    const text = variant((doc) => {
      column(doc, 'order_date').logicalTypeOptions = { minimum: '01/02/2024' };
      column(doc, 'ordered_at').logicalTypeOptions = { maximum: '2024-02-30T00:00:00Z' };
    });
    expect(problemsOf(text)).toEqual([
      {
        path: 'schema[0].properties[4].logicalTypeOptions.maximum',
        message: 'column "ordered_at": maximum must be a timestamp like 2024-01-31T12:00:00Z',
      },
      {
        path: 'schema[0].properties[5].logicalTypeOptions.minimum',
        message: 'column "order_date": minimum must be a date like 2024-01-31',
      },
    ]);
  });

  it('requires exactly one table with at least one column', () => {
    expect(problemsOf(variant((doc) => (doc.schema = [])))).toEqual([
      { path: 'schema', message: 'exactly one table is required, found none' },
    ]);
    expect(problemsOf(variant((doc) => doc.schema.push({ name: 'refunds', properties: [] })))).toEqual([
      {
        path: 'schema',
        message: 'exactly one table is required (one table per data product), found 2: orders, refunds',
      },
    ]);
    expect(problemsOf(variant((doc) => delete doc.schema[0].properties))).toEqual([
      { path: 'schema[0].properties', message: 'at least one column is required' },
    ]);
  });

  it('checks allowedValues and validValues rules', () => {
    const text = variant((doc) => {
      column(doc, 'status').customProperties[0].value = [1, 2];
      column(doc, 'customer_email').quality = [
        {
          metric: 'invalidValues',
          arguments: { validValues: ['a@b.c'] },
          mustBeLessOrEqualTo: 5,
          unit: 'percent',
        },
      ];
      column(doc, 'amount').customProperties = [{ property: 'allowedValues', value: ['1'] }];
      column(doc, 'amount').quality = [
        { metric: 'invalidValues', arguments: { validValues: [1, 2] }, mustBe: 0 },
      ];
    });
    expect(problemsOf(text)).toEqual([
      {
        path: 'schema[0].properties[1].quality[0]',
        message:
          'column "customer_email": the platform enforces validValues on every row; write mustBe: 0 (thresholds are not supported)',
      },
      {
        path: 'schema[0].properties[2].quality[0]',
        message:
          'column "amount": allowed values are given more than once; keep one customProperties.allowedValues or one validValues rule',
      },
      {
        path: 'schema[0].properties[3].customProperties[0].value',
        message: 'column "status": allowedValues must be a non-empty list of strings (quote numbers)',
      },
    ]);
  });

  it('checks the platform settings in customProperties', () => {
    const text = variant((doc) => {
      doc.customProperties = [
        { property: 'csvDelimiter', value: ';;' },
        { property: 'csvHeader', value: 'yes' },
        { property: 'csvEncoding', value: 'latin-1' },
        { property: 'csvSeparator', value: ';' },
        { property: 'upstreamProducts', value: ['Sales Customers', 'orders'] },
        { property: 'csvHeader', value: true },
        { property: 'csvQuote', value: '§' },
      ];
    });
    expect(problemsOf(text)).toEqual([
      { path: 'customProperties[0].value', message: 'csvDelimiter: expected a single character, got ";;"' },
      { path: 'customProperties[1].value', message: 'csvHeader: expected true or false, got "yes"' },
      { path: 'customProperties[2].value', message: 'csvEncoding: only utf-8 is supported, got "latin-1"' },
      {
        path: 'customProperties[3].property',
        message:
          'unknown CSV setting "csvSeparator"; the platform reads csvDelimiter, csvHeader, csvQuote, csvNullMarker, csvEncoding',
      },
      { path: 'customProperties[4].value', message: 'upstreamProducts: not product ids: "Sales Customers"' },
      { path: 'customProperties[5].property', message: '"csvHeader" is set more than once' },
      { path: 'customProperties[6].value', message: 'csvQuote: expected an ASCII character, got "§"' },
    ]);
  });

  it('refuses a product that is its own upstream, and equal delimiter and quote', () => {
    const text = variant((doc) => {
      doc.customProperties = [
        { property: 'upstreamProducts', value: ['orders'] },
        { property: 'csvDelimiter', value: '"' },
      ];
    });
    expect(problemsOf(text)).toEqual([
      { path: 'customProperties', message: 'csvDelimiter and csvQuote must differ' },
      {
        path: 'customProperties[0].value',
        message: 'upstreamProducts: a product cannot be its own upstream ("orders")',
      },
    ]);
  });

  it('rejects two primary key columns at the same position', () => {
    const text = variant((doc) =>
      Object.assign(column(doc, 'customer_email'), { primaryKey: true, primaryKeyPosition: 1 }),
    );
    expect(problemsOf(text)).toEqual([
      {
        path: 'schema[0].properties[1].primaryKeyPosition',
        message: 'primaryKeyPosition 1 is also used by schema[0].properties[0]',
      },
    ]);
  });
});
