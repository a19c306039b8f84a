import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CsvDialect } from '../../../functions/core/contracts/data-contract';
import { readCsvRecords } from '../../../functions/core/csv/csv-tokenizer';
import { chunked, column, corpus, dialect, validateEverywhere } from './chunking';

interface Scenario {
  feature: string;
  scenario: string;
  csv?: string;
  fixture_file?: string;
  steps: string[];
  expected_valid?: boolean;
  expected_error_type?: string;
  expected_error_row?: number;
  expected_error_count?: number;
}

const cases: Scenario[] = JSON.parse(readFileSync(corpus('csvlint/csvlint-cases.json'), 'utf8'));

/** csvlint's error types and the rules this validator reports for them. */
const RULES: Record<string, string> = {
  ragged_rows: 'column-count',
  unclosed_quote: 'unclosed-quote',
  whitespace: 'invalid-quoting',
  blank_rows: 'blank-row',
  invalid_encoding: 'invalid-encoding',
};

/*
 * The scenarios that apply: CSV content (inline or a text fixture) with a validity verdict or one of the
 * error types above. Left out: warnings, HTTP concerns (content type, 404), Excel files, a declared
 * ISO-8859-1 encoding (this validator reads UTF-8 only), and `line_breaks`: RFC 4180 allows any of
 * CRLF/LF/CR per record, so mixed line endings are accepted here on purpose.
 */
const applicable = cases.filter(
  (c) =>
    (c.csv !== undefined || c.fixture_file?.endsWith('.csv')) &&
    !c.steps.some((step) => step.includes('ISO-8859-1')) &&
    (c.expected_valid !== undefined ||
      (c.expected_error_type !== undefined && c.expected_error_type in RULES)),
);

const dialectOf = (scenario: Scenario): CsvDialect => {
  const delimiter = scenario.steps.map((step) => /set the delimiter to "(.)"/.exec(step)?.[1]).find(Boolean);
  const quote = scenario.steps.map((step) => /set quotechar to "(.)"/.exec(step)?.[1]).find(Boolean);
  return dialect({ delimiter: delimiter ?? ',', quote: quote ?? '"' });
};

const contentOf = (scenario: Scenario): Uint8Array =>
  scenario.csv !== undefined
    ? new TextEncoder().encode(scenario.csv)
    : readFileSync(corpus(`csvlint/${scenario.fixture_file}`));

/** A contract of optional string columns named by the file's own first record. */
const columnsOf = async (content: Uint8Array, csvDialect: CsvDialect) => {
  for await (const record of readCsvRecords(chunked(content), csvDialect))
    return record.fields.map((name) => column(name));
  return [];
};

describe('csvlint scenarios', () => {
  it('covers the scenarios that apply', () => {
    expect(applicable.length).toBeGreaterThanOrEqual(15);
  });

  it.each(applicable.map((c) => [`${c.feature}: ${c.scenario}`, c] as const))('%s', async (_, scenario) => {
    const content = contentOf(scenario);
    const csvDialect = dialectOf(scenario);
    const result = await validateEverywhere(content, await columnsOf(content, csvDialect), {
      dialect: csvDialect,
    });
    if (scenario.expected_valid !== undefined) expect(result.valid).toBe(scenario.expected_valid);
    if (scenario.expected_error_type !== undefined) {
      const rule = RULES[scenario.expected_error_type];
      expect(result.valid).toBe(false);
      const found = result.errors.filter((error) => error.rule === rule);
      expect(found.length).toBeGreaterThan(0);
      if (scenario.expected_error_row !== undefined) expect(found[0]?.row).toBe(scenario.expected_error_row);
      // Encoding errors are reported per row, csvlint reports one per file.
      if (scenario.expected_error_count !== undefined && rule !== 'invalid-encoding') {
        expect(result.errorCount).toBe(scenario.expected_error_count);
      }
    }
  });
});

describe('csvlint fixtures', () => {
  it.each([
    'cr-line-endings.csv',
    'crlf-line-endings.csv',
    'lf-line-endings.csv',
    'inconsistent-line-endings.csv',
    'inconsistent-line-endings-unquoted.csv',
    'valid.csv',
    'valid_many_rows.csv',
    'windows-line-endings.csv',
    'white space in filename.csv',
  ])('%s is valid', async (file) => {
    const content = readFileSync(corpus(`csvlint/fixtures/${file}`));
    const result = await validateEverywhere(content, await columnsOf(content, dialect()));
    expect(result.errors).toEqual([]);
    expect(result.rows).toBeGreaterThan(0);
  });

  it('invalid_many_rows.csv has text after a closing quote on row 4 and blank rows on rows 8 and 11', async () => {
    const content = readFileSync(corpus('csvlint/fixtures/invalid_many_rows.csv'));
    const result = await validateEverywhere(content, await columnsOf(content, dialect()));
    expect(result.errors.map((error) => [error.row, error.rule])).toEqual([
      [4, 'invalid-quoting'],
      [8, 'blank-row'],
      [11, 'blank-row'],
    ]);
  });

  it('invalid-byte-sequence.csv (ISO-8859-1) is reported on each row with such bytes', async () => {
    const content = readFileSync(corpus('csvlint/fixtures/invalid-byte-sequence.csv'));
    const result = await validateEverywhere(content, await columnsOf(content, dialect()));
    expect(result.valid).toBe(false);
    expect(new Set(result.errors.map((error) => error.rule))).toEqual(new Set(['invalid-encoding']));
    expect(result.errors[0]?.row).toBe(1);
  });
});
