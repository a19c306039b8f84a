import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CsvTokenizer, readCsvRecords } from '../../../functions/core/csv/csv-tokenizer';
import {
  CHUNKINGS,
  chunked,
  column,
  corpus,
  dialect,
  recordsEverywhere,
  validateEverywhere,
} from './chunking';

const SPECTRUM = corpus('csv-spectrum/');
const spectrumCases = readdirSync(new URL('csvs/', SPECTRUM))
  .filter((file) => file.endsWith('.csv'))
  .map((file) => file.replace(/\.csv$/, ''));

const fields = async (input: string | Uint8Array, overrides = {}) =>
  (await recordsEverywhere(input, overrides)).map((record) => record.fields);

describe('csv-spectrum', () => {
  it('has the 11 cases', () => {
    expect(spectrumCases).toHaveLength(11);
  });

  it.each(spectrumCases)('%s parses to exactly the expected records, however it is chunked', async (name) => {
    const csv = readFileSync(new URL(`csvs/${name}.csv`, SPECTRUM));
    const expected: Record<string, string>[] = JSON.parse(
      readFileSync(new URL(`json/${name}.json`, SPECTRUM), 'utf8'),
    );
    const [header, ...rows] = await fields(csv);
    expect(rows.map((row) => Object.fromEntries(row.map((value, i) => [header?.[i], value])))).toEqual(
      expected,
    );

    // And it is valid against a contract of optional strings named by the JSON keys.
    const names = Object.keys(expected[0] ?? {});
    const result = await validateEverywhere(
      csv,
      names.map((key) => column(key)),
    );
    expect(result.errors).toEqual([]);
    expect(result).toMatchObject({ valid: true, rows: expected.length, header: names });
  });
});

describe('CsvTokenizer', () => {
  it('splits on LF, CRLF and lone CR alike, with or without a final line break', async () => {
    for (const text of ['a,b\n1,2\n', 'a,b\r\n1,2\r\n', 'a,b\r1,2\r', 'a,b\n1,2', 'a,b\r\n1,2', 'a,b\r1,2']) {
      expect(await fields(text)).toEqual([
        ['a', 'b'],
        ['1', '2'],
      ]);
    }
    expect(await fields('a,b\r\n1,2\n3,4\r5,6')).toHaveLength(4);
  });

  it('keeps delimiters, doubled quotes and line breaks inside quoted fields', async () => {
    expect(await fields('"a,b","say ""hi""","x\r\ny","p\nq","r\rs",""\n')).toEqual([
      ['a,b', 'say "hi"', 'x\r\ny', 'p\nq', 'r\rs', ''],
    ]);
  });

  it('reports each record on the physical line where it starts', async () => {
    const records = await recordsEverywhere('h1,h2\n"two\nlines",x\r\n"three\r\n\r\nlines",y\nlast,z');
    expect(records.map((record) => record.line)).toEqual([1, 2, 4, 7]);
  });

  it('reads empty fields, trailing delimiters and blank lines', async () => {
    expect(await fields('a,,c\n,\n\n,b,\n')).toEqual([['a', '', 'c'], ['', ''], [''], ['', 'b', '']]);
  });

  it('skips a UTF-8 BOM, even split over chunks, but nothing that only starts like one', async () => {
    expect(await fields('\uFEFFname,x\n1,2')).toEqual([
      ['name', 'x'],
      ['1', '2'],
    ]);
    // A second BOM is content (U+FEFF) of the first field.
    expect((await fields('\uFEFF\uFEFFa'))[0]?.[0]).toBe('\uFEFFa');
    const records = await recordsEverywhere(new Uint8Array([0xef, 0xbb, 0x41, 0x2c, 0x42]));
    expect(records[0]?.problems).toEqual(['invalid-encoding']);
    expect(records[0]?.fields[1]).toBe('B');
  });

  it('decodes multi-byte characters split anywhere across chunks', async () => {
    const text = 'ʤ,€,😀,"ʤ€😀"\n😀😀,x€,"a""ʤ",é\n';
    const expected = [
      ['ʤ', '€', '😀', 'ʤ€😀'],
      ['😀😀', 'x€', 'a"ʤ', 'é'],
    ];
    const records = await recordsEverywhere(text);
    expect(records.map((record) => record.fields)).toEqual(expected);
    expect(records.flatMap((record) => record.problems)).toEqual([]);
  });

  it('uses the dialect delimiter and quote', async () => {
    expect(await fields("'a;b';c\n'it''s';d", { delimiter: ';', quote: "'" })).toEqual([
      ['a;b', 'c'],
      ["it's", 'd'],
    ]);
    expect(await fields('a\tb\n"x\ty"\tz', { delimiter: '\t' })).toEqual([
      ['a', 'b'],
      ['x\ty', 'z'],
    ]);
  });

  it('reports an unclosed quote at the end of the stream', async () => {
    const records = await recordsEverywhere('a,b\n1,"never closed\nstill open');
    expect(records[1]).toEqual({
      line: 2,
      fields: ['1', 'never closed\nstill open'],
      problems: ['unclosed-quote'],
    });
  });

  it('reports quotes inside unquoted fields and text after closing quotes', async () => {
    const records = await recordsEverywhere('ab"c,"x"y,"ok"\n  "z",w\n');
    expect(records.map((record) => record.problems)).toEqual([
      ['invalid-quoting', 'invalid-quoting'],
      ['invalid-quoting'],
    ]);
    expect(records[0]?.fields).toEqual(['ab"c', 'x', 'ok']);
  });

  it('reports bytes that are not UTF-8, or NUL, per field', async () => {
    const bad = [
      [0xe9], // Latin-1 é
      [0x80], // a lone continuation byte
      [0xc3], // a truncated character
      [0xc0, 0xaf], // an overlong '/'
      [0xed, 0xa0, 0x80], // a UTF-16 surrogate
      [0xf4, 0x90, 0x80, 0x80], // past U+10FFFF
      [0x00], // NUL
    ];
    for (const bytes of bad) {
      const input = new Uint8Array([0x61, 0x2c, ...bytes, 0x0a, 0x62, 0x0a]);
      const records = await recordsEverywhere(input);
      expect(
        records.map((record) => record.problems),
        JSON.stringify(bytes),
      ).toEqual([['invalid-encoding'], []]);
    }
    // A truncated character at the very end of the stream.
    expect((await recordsEverywhere(new Uint8Array([0x61, 0xe2, 0x82])))[0]?.problems).toEqual([
      'invalid-encoding',
    ]);
  });

  it('passes a 1 MB field through, and reports a field past the size limit', async () => {
    const big = 'x'.repeat(1024 * 1024);
    for (const chunking of [
      CHUNKINGS[0],
      { name: '64 KiB', sizes: (n: number) => Array(Math.ceil(n / 65536)).fill(65536) },
    ]) {
      const records = [];
      for await (const record of readCsvRecords(chunked(`a,b\n"${big}",${big}\n`, chunking), dialect())) {
        records.push(record);
      }
      expect(records[1]?.fields.map((field) => field.length)).toEqual([big.length, big.length]);
    }
  });

  it('reports a field larger than its 16 MiB limit', async () => {
    const problems: string[] = [];
    const lengths: number[] = [];
    const tokenizer = new CsvTokenizer(dialect(), {
      field: (_buf, start, end) => lengths.push(end - start),
      endRecord: () => {},
      problem: (kind) => problems.push(kind),
    });
    const chunk = new Uint8Array(1024 * 1024).fill(0x78);
    for (let k = 0; k < 17; k++) tokenizer.push(chunk);
    tokenizer.finish();
    expect(problems).toEqual(['field-too-large']);
    expect(lengths).toEqual([16 * 1024 * 1024]);
  });

  it('rejects dialects it cannot tokenize', () => {
    const sink = { field: () => {}, endRecord: () => {}, problem: () => {} };
    expect(() => new CsvTokenizer({ delimiter: '\n', quote: '"' }, sink)).toThrow(TypeError);
    expect(() => new CsvTokenizer({ delimiter: ',', quote: ',' }, sink)).toThrow(TypeError);
    expect(() => new CsvTokenizer({ delimiter: '§', quote: '"' }, sink)).toThrow(TypeError);
    expect(() => new CsvTokenizer({ delimiter: ',,', quote: '"' }, sink)).toThrow(TypeError);
  });
});
