import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Column } from '../../../functions/core/contracts/data-contract';
import { validateCsv } from '../../../functions/core/csv/validate-csv';
import { BIG_CHUNKINGS, brief, bytesOf, column, dialect, validateEverywhere } from './chunking';

const int = (name: string, extra: Partial<Column> = {}) => column(name, 'integer', extra);
const num = (name: string, extra: Partial<Column> = {}) => column(name, 'number', extra);
const str = (name: string, extra: Partial<Column> = {}) => column(name, 'string', extra);

/** One column of `type`, each value on its own row. */
const oneColumn = (logicalType: Column['logicalType'], values: string[], extra: Partial<Column> = {}) =>
  validateEverywhere(`v\n${values.join('\n')}\n`, [column('v', logicalType, extra)]);

/** Rows (header = 1) of the errors of a rule. */
const rowsOf = (result: { errors: { row: number; rule: string }[] }, rule: string) =>
  result.errors.filter((error) => error.rule === rule).map((error) => error.row);

describe('validateCsv: the file', () => {
  it('accepts a valid file and reports its size, hash, header and rows', async () => {
    const csv = 'id,name,price\n1,apple,0.5\n2,"pear, green",1.25\n';
    const result = await validateEverywhere(csv, [int('id', { required: true }), str('name'), num('price')]);
    expect(result).toEqual({
      valid: true,
      rows: 2,
      bytes: bytesOf(csv).length,
      sha256: createHash('sha256').update(csv).digest('hex'),
      header: ['id', 'name', 'price'],
      errorCount: 0,
      errors: [],
      uniqueness: 'complete',
      notices: [],
    });
  });

  it('reads a Readable stream', async () => {
    const result = await validateCsv(Readable.from([Buffer.from('a\n1\n'), Buffer.from('2\n')]), {
      columns: [int('a')],
      dialect: dialect(),
    });
    expect(result).toMatchObject({ valid: true, rows: 2, bytes: 6 });
  });

  it('rejects an empty file', async () => {
    const result = await validateEverywhere('', [str('a')]);
    expect(result).toMatchObject({ valid: false, rows: 0, bytes: 0, header: [], errorCount: 1 });
    expect(result.errors).toEqual([
      { row: 1, column: null, value: null, rule: 'empty-file', message: 'the file is empty (0 bytes)' },
    ]);
    expect((await validateEverywhere('\uFEFF', [str('a')])).errors[0]?.rule).toBe('empty-file');
  });

  it('accepts a header-only file, with or without a final line break', async () => {
    for (const csv of ['a,b\n', 'a,b', 'a,b\r\n']) {
      expect(await validateEverywhere(csv, [str('a'), str('b')])).toMatchObject({ valid: true, rows: 0 });
    }
  });

  it('skips a BOM: it is not part of the first name, but it is part of the bytes and hash', async () => {
    const csv = '\uFEFFid,name\n1,a\n';
    const result = await validateEverywhere(csv, [int('id'), str('name')]);
    expect(result).toMatchObject({ valid: true, header: ['id', 'name'], bytes: bytesOf(csv).length });
    expect(result.sha256).toBe(createHash('sha256').update(csv).digest('hex'));
  });

  it('accepts LF, CRLF, CR and mixed line endings', async () => {
    for (const csv of ['a,b\n1,2\n3,4\n', 'a,b\r\n1,2\r\n3,4\r\n', 'a,b\r1,2\r3,4', 'a,b\r\n1,2\n3,4\r']) {
      expect(await validateEverywhere(csv, [int('a'), int('b')])).toMatchObject({ valid: true, rows: 2 });
    }
  });

  it('follows the dialect: delimiter, quote and null marker', async () => {
    const csv = "id;note\n1;'a;b'\n2;NA\n";
    const columns = [int('id'), str('note', { required: true })];
    const result = await validateEverywhere(csv, columns, {
      dialect: { delimiter: ';', quote: "'", nullMarker: 'NA' },
    });
    expect(brief(result)).toEqual([{ row: 3, column: 'note', rule: 'required' }]);
  });

  it('takes columns by position when the dialect has no header', async () => {
    const result = await validateEverywhere('1,x\ny,2\n', [int('a'), str('b')], {
      dialect: { header: false },
    });
    expect(result).toMatchObject({ rows: 2, header: [] });
    expect(brief(result)).toEqual([{ row: 2, column: 'a', rule: 'type' }]);
  });

  it('validates a 1 MB single line', async () => {
    const big = 'é'.repeat(512 * 1024);
    const csv = `id,text\n1,"${big}"\n2,${big}\n`;
    const result = await validateEverywhere(
      csv,
      [int('id', { unique: true }), str('text', { maxLength: 524_288 })],
      {
        chunkings: BIG_CHUNKINGS,
      },
    );
    expect(result).toMatchObject({ valid: true, rows: 2 });
    const tooLong = await validateEverywhere(`text\n${big}x\n`, [str('text', { maxLength: 524_288 })], {
      chunkings: BIG_CHUNKINGS,
    });
    expect(tooLong.errors[0]).toMatchObject({ row: 2, rule: 'max-length' });
    expect(tooLong.errors[0]?.value).toHaveLength(120);
  });

  it('propagates errors of the stream itself', async () => {
    async function* failing() {
      yield Buffer.from('a\n1\n');
      throw new Error('connection reset');
    }
    await expect(validateCsv(failing(), { columns: [int('a')], dialect: dialect() })).rejects.toThrow(
      'connection reset',
    );
  });
});

describe('validateCsv: the header', () => {
  const columns = [str('id'), str('name'), str('price')];

  it('names missing, unexpected, duplicated and out-of-order columns on row 1', async () => {
    const missing = await validateEverywhere('id,price\n', columns);
    expect(brief(missing)).toEqual([{ row: 1, column: 'name', rule: 'header' }]);
    expect(missing.errors[0]?.message).toBe('column "name" of the contract is missing from the header');

    const unexpected = await validateEverywhere('id,name,price,extra\n', columns);
    expect(brief(unexpected)).toEqual([{ row: 1, column: 'extra', rule: 'header' }]);

    const duplicated = await validateEverywhere('id,name,name,price\n', columns);
    expect(duplicated.errors[0]?.message).toBe('column "name" appears 2 times in the header');

    const swapped = await validateEverywhere('id,price,name\n', columns);
    expect(brief(swapped)).toEqual([
      { row: 1, column: 'price', rule: 'header' },
      { row: 1, column: 'name', rule: 'header' },
    ]);
    expect(swapped.errors[0]?.message).toBe(
      'column "price" is out of order: it is column 2 in the header but column 3 in the contract',
    );
  });

  it('compares names exactly (case, spaces)', async () => {
    const result = await validateEverywhere('ID,name , price\n', columns);
    expect(result.errors.map((error) => error.column).sort()).toEqual([
      ' price',
      'ID',
      'id',
      'name',
      'name ',
      'price',
    ]);
  });
});

describe('validateCsv: rows', () => {
  it('reports rows with the wrong number of fields once, without checking their values', async () => {
    const result = await validateEverywhere('a,b\n1,2\nx\n1,2,3\n4,5\n', [int('a'), int('b')]);
    expect(result.errors).toEqual([
      {
        row: 3,
        column: null,
        value: null,
        rule: 'column-count',
        message: "expected 2 fields but found 1; the row's values were not checked",
      },
      {
        row: 4,
        column: null,
        value: null,
        rule: 'column-count',
        message: "expected 2 fields but found 3; the row's values were not checked",
      },
    ]);
    expect(result.rows).toBe(4);
  });

  it('reports blank rows (all fields empty) and does not count them as rows', async () => {
    const result = await validateEverywhere('a,b\n1,2\n\n"",\n3,4\n\n\n', [
      int('a', { required: true }),
      int('b'),
    ]);
    expect(brief(result)).toEqual([
      { row: 3, column: null, rule: 'blank-row' },
      { row: 4, column: null, rule: 'blank-row' },
      { row: 6, column: null, rule: 'blank-row' },
      { row: 7, column: null, rule: 'blank-row' },
    ]);
    expect(result.rows).toBe(2);
  });

  it('numbers rows by the physical line where a record starts', async () => {
    const csv = 'id,note\n1,"two\nlines"\nx,ok\n3,"three\r\n\r\nlines"\ny,ok\n';
    const result = await validateEverywhere(csv, [int('id'), str('note')]);
    expect(rowsOf(result, 'type')).toEqual([4, 8]);
  });

  it('reports an unclosed quote on the row where the quoted field begins', async () => {
    const result = await validateEverywhere('a,b\n1,2\n"x\ny","never\nclosed', [str('a'), str('b')]);
    expect(result.errors).toEqual([
      {
        row: 4,
        column: 'b',
        value: 'never\nclosed',
        rule: 'unclosed-quote',
        message: 'a quoted field is never closed: the file ends inside it',
      },
    ]);
  });

  it('reports invalid quoting once per row and checks nothing else there', async () => {
    const result = await validateEverywhere('a,b\n1,x"y\n"2"z,3\n  "4",5\nq,6\n', [int('a'), int('b')]);
    expect(brief(result)).toEqual([
      { row: 2, column: 'b', rule: 'invalid-quoting' },
      { row: 3, column: 'a', rule: 'invalid-quoting' },
      { row: 4, column: 'a', rule: 'invalid-quoting' },
      { row: 5, column: 'a', rule: 'type' },
    ]);
  });

  it('reports bytes that are not UTF-8 once per row and keeps going', async () => {
    const latin1 = Buffer.from('id,name\n1,Jos\xe9 M\xfcller\n2,ok\nx,caf\xe9\n', 'latin1');
    const result = await validateEverywhere(latin1, [int('id'), str('name')]);
    expect(brief(result)).toEqual([
      { row: 2, column: 'name', rule: 'invalid-encoding' },
      { row: 4, column: 'name', rule: 'invalid-encoding' },
    ]);
    expect(result.errors[0]?.value).toBe('Jos\uFFFD M\uFFFDller');
    expect(result.rows).toBe(3);

    const binary = new Uint8Array([
      0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0xff, 0xfe, 0x0a, 0x00, 0x01,
    ]);
    const zip = await validateEverywhere(binary, [str('a')]);
    expect(zip.valid).toBe(false);
    expect(zip.errors.map((error) => error.rule)).toContain('invalid-encoding');

    const nul = await validateEverywhere('a\nx\u0000y\n', [str('a')]);
    expect(brief(nul)).toEqual([{ row: 2, column: 'a', rule: 'invalid-encoding' }]);
  });
});

describe('validateCsv: values', () => {
  it('requires values in required and primary-key columns: empty, quoted empty or the null marker', async () => {
    const result = await validateEverywhere(
      'a,b,c\n,1,x\n"",2,y\nNULL,3,z\n1,,w\n',
      [int('a', { required: true }), int('b', { primaryKey: true }), str('c')],
      { dialect: { nullMarker: 'NULL' } },
    );
    expect(brief(result)).toEqual([
      { row: 2, column: 'a', rule: 'required' },
      { row: 3, column: 'a', rule: 'required' },
      { row: 4, column: 'a', rule: 'required' },
      { row: 5, column: 'b', rule: 'required' },
    ]);
    expect(result.errors[0]).toMatchObject({
      value: null,
      message: '"a" is required but the value is missing',
    });
  });

  it('skips the checks of optional empty values', async () => {
    const result = await validateEverywhere('a,b,c\n,,x\n', [
      int('a', { minimum: 5 }),
      str('b', { pattern: '^x$', minLength: 3 }),
      str('c'),
    ]);
    expect(result.valid).toBe(true);
  });

  it('checks integers: optional sign and digits, within ±(2^53 − 1)', async () => {
    const good = ['0', '-5', '+7', '007', '9007199254740991', '-9007199254740991'];
    expect((await oneColumn('integer', good)).valid).toBe(true);
    const bad = ['1.5', '1e3', ' 1', '1 ', 'abc', '--1', '+', '0x10', '١٢'];
    const result = await oneColumn('integer', bad);
    expect(rowsOf(result, 'type')).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(result.errors[0]?.message).toBe('"1.5" is not an integer');
    const unsafe = await oneColumn('integer', ['9007199254740992']);
    expect(unsafe.errors[0]?.message).toBe(
      '"9007199254740992" is outside the safe integer range ±(2^53 − 1)',
    );
  });

  it('checks numbers: decimals and exponents, finite', async () => {
    const good = [
      '1',
      '-1.5',
      '.5',
      '5.',
      '+2',
      '1e10',
      '1E-3',
      '0.000001',
      '123456789012345678901234567890',
    ];
    expect((await oneColumn('number', good)).valid).toBe(true);
    const bad = ['abc', '"1,5"', 'NaN', 'Infinity', '1e', '1e+', '--1', '.', '1.2.3', '0x1A', ' 1'];
    expect(rowsOf(await oneColumn('number', bad), 'type')).toHaveLength(bad.length);
    const huge = await oneColumn('number', ['1e999']);
    expect(huge.errors[0]?.message).toBe('"1e999" is too large for a number');
  });

  it('checks booleans: true/false in any case, 1 and 0', async () => {
    expect((await oneColumn('boolean', ['true', 'FALSE', 'True', '1', '0'])).valid).toBe(true);
    const result = await oneColumn('boolean', ['yes', 'no', 't', 'f', '2', 'truee', 'tru']);
    expect(rowsOf(result, 'type')).toHaveLength(7);
    expect(result.errors[0]?.message).toBe('"yes" is not a boolean (true, false, 1 or 0)');
  });

  it('checks dates: real ISO calendar dates, or the supported format', async () => {
    expect((await oneColumn('date', ['2024-02-29', '2000-02-29', '1999-12-31', '0001-01-01'])).valid).toBe(
      true,
    );
    const bad = [
      '2023-02-29',
      '1900-02-29',
      '2024-13-01',
      '2024-04-31',
      '2024-1-01',
      '2024/01/01',
      '20240101',
      '2024-01-01T00:00',
    ];
    const result = await oneColumn('date', bad);
    expect(rowsOf(result, 'type')).toHaveLength(bad.length);
    expect(result.errors[0]?.message).toBe('"2023-02-29" is not a valid date (yyyy-MM-dd)');

    const dotted = await oneColumn('date', ['31.12.2024', '2024-12-31', '29.02.2023'], {
      format: 'dd.MM.yyyy',
    });
    expect(rowsOf(dotted, 'type')).toEqual([3, 4]);
    expect((await oneColumn('date', ['12/31/2024'], { format: 'MM/dd/yyyy' })).valid).toBe(true);
    expect((await oneColumn('date', ['20241231'], { format: 'yyyyMMdd' })).valid).toBe(true);

    const unsupported = await oneColumn('date', ['2024-12-31', '31 Dec 2024'], { format: 'd MMM yyyy' });
    expect(rowsOf(unsupported, 'type')).toEqual([3]);
    expect(unsupported.notices).toEqual([
      'column "v": date format "d MMM yyyy" is not supported (use yyyy, MM, dd and separators); values are checked as yyyy-MM-dd',
    ]);
  });

  it('checks timestamps: ISO 8601 with T or space, optional seconds, fraction and zone', async () => {
    const good = [
      '2024-05-06T10:00:00Z',
      '2024-05-06 10:00:00',
      '2024-05-06T10:00',
      '2024-05-06t10:00:00.123456789z',
      '2024-05-06T10:00:00.5+02:00',
      '2024-05-06T10:00:00-0530',
      '2024-05-06T10:00:00+01',
    ];
    expect((await oneColumn('timestamp', good)).valid).toBe(true);
    const bad = [
      '2024-05-06',
      '2024-05-06T24:00:00Z',
      '2024-05-06T10:60:00Z',
      '2024-05-06T10:00:60',
      '2024-02-30T10:00:00',
      '2024-05-06T10:00:00+2',
      '2024-05-06T10:00:00.Z',
      '2024-05-06T10:00:00 Z',
      '2024-05-06_10:00:00',
      'yesterday',
    ];
    const result = await oneColumn('timestamp', bad);
    expect(rowsOf(result, 'type')).toHaveLength(bad.length);
    expect(result.errors[0]?.message).toBe('"2024-05-06" is not an ISO 8601 timestamp');
  });

  it('matches patterns like JSON Schema: a regular expression searched anywhere unless anchored', async () => {
    expect(rowsOf(await oneColumn('string', ['a1', 'b', '12'], { pattern: '\\d' }), 'pattern')).toEqual([3]);
    const anchored = await oneColumn('string', ['C-123456', 'C-12345', 'xC-123456', 'C-1234567'], {
      pattern: '^C-[0-9]{6}$',
    });
    expect(rowsOf(anchored, 'pattern')).toEqual([3, 4, 5]);
    expect(anchored.errors[0]?.message).toBe('"C-12345" does not match the pattern ^C-[0-9]{6}$');
    // Groups are not matched on bytes: the RegExp decides, with the same answers.
    expect(
      rowsOf(await oneColumn('string', ['12-3456', '12', '1-2'], { pattern: '^\\d+(-\\d{4})?$' }), 'pattern'),
    ).toEqual([4]);
    expect(rowsOf(await oneColumn('string', ['ʤʤ', 'ab', 'ʤ'], { pattern: '^.{2}$' }), 'pattern')).toEqual([
      4,
    ]);
    const broken = await oneColumn('string', ['x'], { pattern: '([a-z' });
    expect(broken.valid).toBe(true);
    expect(broken.notices).toEqual([
      'column "v": pattern "([a-z" is not a valid regular expression; ignored',
    ]);
  });

  it('measures lengths in Unicode code points', async () => {
    const columns = { minLength: 2, maxLength: 3 };
    const result = await oneColumn('string', ['ʤʤ', '😀😀😀', 'a', '😀', 'abcd', 'ʤʤʤʤ', '  '], columns);
    expect(rowsOf(result, 'min-length')).toEqual([4, 5]);
    expect(rowsOf(result, 'max-length')).toEqual([6, 7]);
    expect(result.errors[0]?.message).toBe('"a" is shorter than 2 characters');
    expect(result.errors[2]?.message).toBe('"abcd" is longer than 3 characters');
  });

  it('checks bounds of integers and numbers', async () => {
    const bounded = { minimum: 1, maximum: 10, exclusiveMinimum: 0, exclusiveMaximum: 10.5 };
    const result = await oneColumn('number', ['1', '10', '0.5', '11', '0', '10.5', '-1e3'], bounded);
    expect(brief(result)).toEqual([
      { row: 4, column: 'v', rule: 'minimum' },
      { row: 5, column: 'v', rule: 'maximum' },
      { row: 5, column: 'v', rule: 'exclusive-maximum' },
      { row: 6, column: 'v', rule: 'minimum' },
      { row: 6, column: 'v', rule: 'exclusive-minimum' },
      { row: 7, column: 'v', rule: 'maximum' },
      { row: 7, column: 'v', rule: 'exclusive-maximum' },
      { row: 8, column: 'v', rule: 'minimum' },
      { row: 8, column: 'v', rule: 'exclusive-minimum' },
    ]);
    expect(result.errors.map((error) => error.message).slice(0, 4)).toEqual([
      '"0.5" is less than the minimum 1',
      '"11" is greater than the maximum 10',
      '"11" must be less than 10.5',
      '"0" is less than the minimum 1',
    ]);
    expect(rowsOf(await oneColumn('integer', ['-1', '0', '3'], { minimum: '0' }), 'minimum')).toEqual([2]);
  });

  it('checks bounds of dates and timestamps as instants', async () => {
    const dates = await oneColumn('date', ['2024-01-01', '2023-12-31', '2025-01-01'], {
      minimum: '2024-01-01',
      exclusiveMaximum: '2025-01-01',
    });
    expect(brief(dates)).toEqual([
      { row: 3, column: 'v', rule: 'minimum' },
      { row: 4, column: 'v', rule: 'exclusive-maximum' },
    ]);
    const stamps = await oneColumn(
      'timestamp',
      [
        '2024-01-01T01:30:00+02:00',
        '2024-01-01T00:00:00Z',
        '2023-12-31 23:59:59.999',
        '2024-06-01T00:00:00-01:00',
      ],
      { minimum: '2024-01-01T00:00:00Z', maximum: '2024-06-01' },
    );
    expect(brief(stamps)).toEqual([
      { row: 2, column: 'v', rule: 'minimum' },
      { row: 4, column: 'v', rule: 'minimum' },
      { row: 5, column: 'v', rule: 'maximum' },
    ]);
  });

  it('ignores bounds it cannot read, with a notice', async () => {
    const result = await oneColumn('integer', ['5'], { minimum: 'ten', maximum: '' });
    expect(result.valid).toBe(true);
    expect(result.notices).toEqual([
      'column "v": minimum "ten" ignored: not a number',
      'column "v": maximum "" ignored: not a number',
    ]);
    const dates = await oneColumn('date', ['2024-01-01'], { minimum: 'last year', maximum: 20240101 });
    expect(dates.notices).toHaveLength(2);
  });

  it('checks allowed values exactly, for short and long lists', async () => {
    const short = await oneColumn('string', ['new', 'paid', 'PAID', 'paid ', 'lost'], {
      allowedValues: ['new', 'paid'],
    });
    expect(rowsOf(short, 'allowed-values')).toEqual([4, 5, 6]);
    expect(short.errors[0]?.message).toBe('"PAID" is not one of the allowed values: "new", "paid"');
    const many = Array.from({ length: 40 }, (_, i) => `v${i}`);
    const long = await oneColumn('string', ['v0', 'v39', 'v40', 'é'], { allowedValues: many });
    expect(rowsOf(long, 'allowed-values')).toEqual([4, 5]);
    // A long list is quoted in part: a hundred errors must not repeat it whole (EventBridge takes 256 KB).
    expect(long.errors[0]?.message).toBe(
      '"v40" is not one of the allowed values: "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9" and 30 more',
    );
    expect((await oneColumn('integer', ['1', '2', '3'], { allowedValues: ['1', '2'] })).errors[0]?.row).toBe(
      4,
    );
  });

  it('reports every rule a value breaks, after its type', async () => {
    const result = await oneColumn('string', ['ab'], { minLength: 3, pattern: '^x', allowedValues: ['xyz'] });
    expect(result.errors.map((error) => error.rule)).toEqual(['min-length', 'pattern', 'allowed-values']);
  });

  it('shows values cut to maxValueLength with an ellipsis', async () => {
    const result = await validateEverywhere(`v\n${'😀'.repeat(50)}\n`, [int('v')], { maxValueLength: 10 });
    expect(result.errors[0]?.value).toBe(`${'😀'.repeat(9)}…`);
    expect(result.errors[0]?.message).toBe(`"${'😀'.repeat(9)}…" is not an integer`);
    const exact = await validateEverywhere(`v\n${'😀'.repeat(10)}\n`, [int('v')], { maxValueLength: 10 });
    expect(exact.errors[0]?.value).toBe('😀'.repeat(10));
  });

  it('lists the first maxErrors errors and counts them all', async () => {
    const csv = `v\n${Array.from({ length: 250 }, (_, i) => `x${i}`).join('\n')}\n`;
    const result = await validateEverywhere(csv, [int('v')], { maxErrors: 3 });
    expect(result).toMatchObject({
      valid: false,
      errorCount: 250,
      notices: [],
    });
    expect(rowsOf(result, 'type')).toEqual([2, 3, 4]);
    expect((await validateEverywhere(csv, [int('v')])).errors).toHaveLength(100);
  });
});

describe('validateCsv: uniqueness', () => {
  it('reports duplicates of unique columns with the row where the value was first seen', async () => {
    const csv = 'id,email\n1,a@x\n2,b@x\n3,a@x\n2,c@x\n5,\n6,\n';
    const result = await validateEverywhere(csv, [
      int('id', { unique: true }),
      str('email', { unique: true }),
    ]);
    expect(result.errors).toEqual([
      {
        row: 4,
        column: 'email',
        value: 'a@x',
        rule: 'unique',
        message: 'duplicate value "a@x": first seen in row 2',
      },
      {
        row: 5,
        column: 'id',
        value: '2',
        rule: 'unique',
        message: 'duplicate value "2": first seen in row 3',
      },
    ]);
  });

  it('compares integer keys by value, other keys by text', async () => {
    const result = await validateEverywhere('a,b\n1,x\n01,X\n+1,x \n', [
      int('a', { unique: true }),
      str('b', { unique: true }),
    ]);
    expect(brief(result)).toEqual([
      { row: 3, column: 'a', rule: 'unique' },
      { row: 4, column: 'a', rule: 'unique' },
    ]);
  });

  it('checks a composite primary key as a tuple, in primaryKeyPosition order', async () => {
    const columns = [
      str('region', { primaryKey: true, primaryKeyPosition: 2 }),
      int('id', { primaryKey: true, primaryKeyPosition: 1 }),
      str('note'),
    ];
    const csv = 'region,id,note\neu,1,a\nus,1,b\neu,2,c\neu,1,d\n1,eu,e\n,3,f\n';
    const result = await validateEverywhere(csv, columns);
    expect(result.errors).toEqual([
      {
        row: 5,
        column: 'id, region',
        value: '1, eu',
        rule: 'primary-key',
        message: 'duplicate primary key (id, region) = (1, eu): first seen in row 2',
      },
      { row: 6, column: 'id', value: '"eu"'.slice(1, -1), rule: 'type', message: '"eu" is not an integer' },
      {
        row: 7,
        column: 'region',
        value: null,
        rule: 'required',
        message: '"region" is required but the value is missing',
      },
    ]);
  });

  it('reports a one-column primary key as primary-key, once', async () => {
    const result = await validateEverywhere('id\n7\n7\n', [int('id', { primaryKey: true, unique: true })]);
    expect(brief(result)).toEqual([{ row: 3, column: 'id', rule: 'primary-key' }]);
  });

  it('does not count null values as duplicates', async () => {
    const result = await validateEverywhere('id\n\n1\nNA\n""\n', [str('id', { unique: true })], {
      dialect: { nullMarker: 'NA' },
    });
    expect(result.errors.map((error) => error.rule)).toEqual(['blank-row', 'blank-row']);
  });

  it('ignores the rows of malformed records for uniqueness', async () => {
    const result = await validateEverywhere('id,x\n1,a,extra\n1,b\n', [
      int('id', { unique: true }),
      str('x'),
    ]);
    expect(brief(result)).toEqual([{ row: 2, column: null, rule: 'column-count' }]);
  });

  it('goes partial past its key budget, and says after which row', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => i + 1);
    const csv = `id\n${[...ids, 3, 19].join('\n')}\n`;
    // Too small for a run of consecutive ids: 75 of the 100 bytes hold 6 slots of 12 bytes, filled to 75 %.
    const result = await validateEverywhere(csv, [int('id', { unique: true })], { uniqueKeyBudget: 100 });
    expect(result.uniqueness).toBe('partial');
    expect(brief(result)).toEqual([{ row: 22, column: 'id', rule: 'unique' }]);
    expect(result.notices).toEqual([
      'uniqueness of id is not checked after row 5: its 0 MiB key budget holds 4 keys; duplicates of keys seen up to that row are still found',
    ]);
    const whole = await validateEverywhere(csv, [int('id', { unique: true })]);
    expect(whole.uniqueness).toBe('complete');
    expect(rowsOf(whole, 'unique')).toEqual([22, 23]);
  });

  it('checks consecutive integer ids past what the key table holds, exactly', async () => {
    const ids = Array.from({ length: 5_000 }, (_, i) => i + 1);
    const csv = `id\n${[...ids, 4_321, 5_001, 17].join('\n')}\n`;
    // 64 KiB: a table of about 4 000 keys, and a run of about 16 000 consecutive ids.
    const result = await validateEverywhere(csv, [int('id', { unique: true })], {
      uniqueKeyBudget: 64 * 1024,
    });
    expect(result.uniqueness).toBe('complete');
    expect(result.errors.map((error) => [error.row, error.message])).toEqual([
      [5_002, expect.stringContaining('row 4322')],
      [5_004, expect.stringContaining('row 18')],
    ]);
  });
});
