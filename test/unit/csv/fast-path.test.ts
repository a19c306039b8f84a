import { describe, expect, it } from 'vitest';
import type { Column } from '../../../functions/core/contracts/data-contract';
import { compileColumns } from '../../../functions/core/csv/column-rules';
import { FastRecordParser } from '../../../functions/core/csv/fast-record';
import { validateCsv } from '../../../functions/core/csv/validate-csv';
import {
  CHUNKINGS,
  type Chunking,
  chunked,
  column,
  createPrng,
  dialect,
  validateEverywhere,
} from './chunking';

/*
 * The validator reads most records through a fast path (fast-record.ts) and the rest field by field. A
 * record cut by a chunk boundary always takes the slow path, so validating the same bytes whole and in
 * 1-byte chunks compares the two paths on every record: random files full of defects must give identical
 * results.
 */

const COLUMNS: Column[] = [
  column('id', 'integer', { required: true, primaryKey: true, primaryKeyPosition: 1 }),
  column('code', 'string', { required: true, pattern: '^C-[0-9]{3}$' }),
  column('amount', 'number', { minimum: 0, exclusiveMaximum: 1000 }),
  column('qty', 'integer', { minimum: 1, maximum: 50 }),
  column('status', 'string', { allowedValues: ['new', 'paid', 'void'] }),
  column('at', 'timestamp', { minimum: '2020-01-01T00:00:00Z' }),
  column('day', 'date', { format: 'yyyy-MM-dd' }),
  column('ok', 'boolean'),
  column('email', 'string', { unique: true, maxLength: 12 }),
  column('note', 'string', { maxLength: 20 }),
];

const prng = createPrng;

const GOOD: string[][] = [
  ['1', '42', '+7', '007'],
  ['C-123', 'C-999', '"C-001"'],
  ['0', '12.5', '999.99', '1e2', '"3.25"'],
  ['1', '50', '25'],
  ['new', 'paid', 'void', '"paid"'],
  ['2024-05-06T10:00:00Z', '2021-01-01 00:00:00', '2024-05-06T10:00:00.5+02:00'],
  ['2024-02-29', '2023-12-31'],
  ['true', 'FALSE', '1', '0'],
  ['a@x.io', 'b@y.io', 'ʤ@z.io'],
  ['plain', '"with, comma"', '"say ""hi"""', '"two\nlines"', '"crlf\r\ninside"', 'émoji 😀', ''],
];

const BAD: string[][] = [
  ['x', '1.5', '', '9007199254740993'],
  ['C-12', 'c-123', '', 'C-1234'],
  ['-1', '1000', 'abc', '1e999'],
  ['0', '51', '2.5'],
  ['NEW', 'lost'],
  ['2019-12-31T23:59:59Z', '2024-02-30T00:00:00', '2024-05-06'],
  ['2023-02-29', '2024/01/01'],
  ['yes', '2'],
  ['a-very-long-email@x.io'],
  ['"quote ""inside"" but far too long to fit"', 'way too long for twenty chars'],
];

const pick = <T>(random: () => number, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)] as T;

/** With `badBytes`, a few rows get a NUL or a Latin-1 byte (the fast path skips any chunk holding one). */
const randomCsv = (seed: number, rows: number, badBytes = false): Uint8Array => {
  const random = prng(seed);
  const eol = random() < 0.5 ? '\n' : '\r\n';
  const lines: (string | Uint8Array)[] = [`${COLUMNS.map((c) => c.name).join(',')}${eol}`];
  for (let r = 0; r < rows; r++) {
    const roll = random();
    if (roll < 0.02) {
      lines.push(eol);
      continue;
    }
    const values = COLUMNS.map((_, c) => {
      if (c === 0) return String(random() < 0.05 ? Math.floor(random() * r) + 1 : r + 1);
      return random() < 0.03 ? pick(random, BAD[c] as string[]) : pick(random, GOOD[c] as string[]);
    });
    if (roll < 0.04) values.pop();
    else if (roll < 0.06) values.push('extra');
    else if (roll < 0.08) values[1] = 'C-1"23';
    else if (roll < 0.1) values[4] = '"paid"x';
    let line = `${values.join(',')}${random() < 0.9 ? eol : random() < 0.5 ? '\r' : '\n'}`;
    if (badBytes && roll > 0.99) line = `${values.join(',')}\u0000${eol}`;
    lines.push(
      badBytes && roll > 0.985 && roll <= 0.99
        ? Buffer.from(line.replace('plain', 'pl\xe4in'), 'latin1')
        : line,
    );
  }
  if (random() < 0.5)
    lines.push('999999,C-000,1,1,new,2024-01-01T00:00:00Z,2024-01-01,true,z@z.io,"open quote');
  return Buffer.concat(lines.map((line) => (typeof line === 'string' ? Buffer.from(line) : line)));
};

describe('fast path and slow path agree', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('on a random file with defects (seed %i)', async (seed) => {
    const csv = randomCsv(seed, 150, seed > 6);
    const result = await validateEverywhere(csv, COLUMNS, { maxErrors: 10_000 });
    expect(result.errorCount).toBeGreaterThan(0);
    expect(result.errors).toHaveLength(result.errorCount);
  });

  it('counts the lines of records with several line breaks inside quotes (LF, CRLF, lone CR)', async () => {
    // Physical lines: the header is 1; each record below spans 1 + (line breaks inside its quotes) lines.
    const columns = [
      column('id', 'integer', { required: true }),
      column('a', 'string'),
      column('b', 'string'),
    ];
    const csv = [
      'id,a,b\n',
      '1,"x\ny\r\nz","p\rq"\n', // lines 2-5
      '2,plain,"one\ntwo"\r\n', // lines 6-7
      'bad,"a\r\n\nb",c\n', // lines 8-10
      '4,"\r\r",""\n', // lines 11-13
      'x,y,z\n', // line 14
    ].join('');
    const result = await validateEverywhere(csv, columns);
    expect(result.rows).toBe(5);
    expect(result.errors.map((error) => error.row)).toEqual([8, 14]);
  });

  // The fast path reads a typed value where it stands; with a delimiter the value could contain, the value
  // must still end at the first delimiter, as the field-by-field reader splits it.
  it.each([
    [
      ' ',
      [column('at', 'timestamp'), column('note', 'string')],
      ['2024-01-01 10:00:00 x', '2024-01-01 x'],
      ['2 column-count', '3 at type'],
    ],
    [
      '-',
      [column('a', 'integer'), column('b', 'integer')],
      ['-1-2', '1-2', '1--2'],
      ['2 column-count', '4 column-count'],
    ],
    ['.', [column('a', 'number'), column('b', 'integer')], ['1.5.2', '1.2'], ['2 column-count']],
    ['+', [column('a', 'integer'), column('b', 'integer')], ['+7+8', '7+8'], ['2 column-count']],
    [
      ':',
      [column('at', 'timestamp'), column('b', 'integer')],
      ['2024-01-01T10:00:00Z:1', '2024-01-01:1'],
      ['2 column-count', '3 at type'],
    ],
    [
      '/',
      [column('d', 'date', { format: 'MM/dd/yyyy' }), column('b', 'integer')],
      ['01/02/2024/1', '7/1'],
      ['2 column-count', '3 d type'],
    ],
    ['e', [column('a', 'number'), column('b', 'integer')], ['1e5e2', '1e2'], ['2 column-count']],
  ] as const)(
    'with the delimiter %j, which values could contain',
    async (delimiter, columns, rows, errors) => {
      const header = columns.map((c) => c.name).join(delimiter);
      const result = await validateEverywhere(`${header}\n${rows.join('\n')}\n`, [...columns], {
        dialect: { delimiter },
      });
      expect(result.rows).toBe(rows.length);
      // Split at every delimiter, as the field-by-field reader does: `-1-2` is three fields, `1-2` two integers.
      expect(result.errors.map((e) => [e.row, e.column, e.rule].filter(Boolean).join(' '))).toEqual(errors);
    },
  );

  it('on larger files cut into stream-sized chunks', async () => {
    const csv = randomCsv(42, 1500, true);
    const chunkings: Chunking[] = [
      CHUNKINGS[0] as Chunking,
      CHUNKINGS[1] as Chunking,
      { name: '1000-byte chunks', sizes: (n) => Array(Math.ceil(n / 1000)).fill(1000) },
    ];
    const results = [];
    for (const chunking of chunkings) {
      results.push(
        await validateCsv(
          chunked(csv, chunking),
          { columns: COLUMNS, dialect: dialect() },
          { maxErrors: 100_000 },
        ),
      );
    }
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
    expect(results[0]?.rows).toBeGreaterThan(1400);
  });

  it('reads a buffer refilled in place anew: what it knew of the old content goes with the chunk number', () => {
    const rules = compileColumns([column('id', 'integer'), column('s')], []);
    const keys = {
      hashes: new Uint32Array(4),
      values: new Float64Array(2),
      present: new Uint8Array(2),
      bufs: [null, null],
      starts: new Int32Array(2),
      ends: new Int32Array(2),
    };
    const parser = new FastRecordParser(rules, { delimiter: 44, quote: 34, nullMarker: null }, keys);
    const buf = Buffer.from('1,abc\n22,x\n33,y\n');
    expect(parser.parse(buf, 0, 1)).toBe(6);
    // The same object, new content: its first line break is now at 3, not at 5.
    buf.write('7,z\n8,tt\n9,uuuuu\n');
    expect(parser.parse(buf, 0, 2)).toBe(4);
    expect(parser.parse(buf, 4, 2)).toBe(9);
  });
});
