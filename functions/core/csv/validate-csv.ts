import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { CsvErrorSchema } from '../../../events/domain/common';
import * as z from '../../shared/zod';
import type { Column, CsvDialect } from '../contracts/data-contract';
import { CsvTokenizer } from './csv-tokenizer';
import { RecordValidator } from './record-validator';

export const CsvValidationResultSchema = z.object({
  valid: z.boolean(),
  /** Data records: the header and blank rows are not counted. */
  rows: z.number(),
  bytes: z.number(),
  /** Hex SHA-256 of the raw bytes (BOM included). */
  sha256: z.string(),
  /** The header as read (empty when the dialect has no header). */
  header: z.array(z.string()),
  /** All errors found; `errors` lists only the first `maxErrors`. */
  errorCount: z.number(),
  errors: z.array(CsvErrorSchema),
  /** `partial` when the key budget ran out and later keys were no longer remembered (see `notices`). */
  uniqueness: z.enum(['complete', 'partial']),
  notices: z.array(z.string()),
});

export type CsvValidationResult = z.infer<typeof CsvValidationResultSchema>;

export interface CsvValidationSpec {
  columns: Column[];
  dialect: CsvDialect;
}

export interface CsvValidationOptions {
  /** How many errors to list (all are counted). Default 100. */
  maxErrors?: number;
  /** Values in errors are cut to this many characters. Default 120. */
  maxValueLength?: number;
  /** Bytes for remembering keys, shared by all unique and primary-key checks. Default 24 MiB. */
  uniqueKeyBudget?: number;
}

export const DEFAULT_MAX_ERRORS = 100;
export const DEFAULT_MAX_VALUE_LENGTH = 120;
/**
 * 24 MiB hold 2.1 M slots, so 1.57 M keys (75 % load) are checked exactly. Tables start small and double as
 * keys come (a file of a thousand rows takes kilobytes), up to 65,536 slots; past 32,768 keys a table takes
 * its full size at once. Keys are spread over the whole table, so every page of it becomes resident: the
 * budget is what keeps a validation (Node itself is ~60 MiB) under 100 MiB of RSS at any file size. A single
 * integer key column gives a quarter of its share to a run of increasing ids with small gaps (one byte each:
 * 6 M ids for 24 MiB) and the rest to the table (1.18 M ids out of order). Past the budget, uniqueness is
 * `partial` and a notice says from which row.
 */
export const DEFAULT_UNIQUE_KEY_BUDGET = 24 * 1024 * 1024;

/**
 * Validates a CSV stream against a contract's columns in one pass and bounded memory, chunk by chunk
 * (a `Readable` or an S3 `Body` is an `AsyncIterable<Uint8Array>`). Bad data never throws: only errors of
 * the stream itself propagate.
 *
 * What is checked, and the choices made where the contract leaves room:
 * - Structure (RFC 4180): the dialect's delimiter and quote; CRLF, LF or CR line breaks (mixed too); a
 *   leading UTF-8 BOM is skipped; the final line break is optional. Row-level errors: `empty-file`,
 *   `header`, `column-count`, `blank-row` (every field empty), `invalid-quoting`, `unclosed-quote`,
 *   `invalid-encoding` (not UTF-8, or a NUL byte; once per row), `field-too-large` (over 16 MiB). A row with
 *   one of these is not checked further.
 * - Rows are physical line numbers, the header being line 1: a record with line breaks inside quotes is
 *   reported on the line where it starts (an unclosed quote on the line where its field starts).
 * - Null: an empty field, quoted or not, or the dialect's `nullMarker`. Required and primary-key columns
 *   report `required`; other checks skip nulls.
 * - Types (`type`): integer `[+-]?[0-9]+` within ±(2^53 − 1); number a decimal with optional fraction and
 *   exponent, finite (no NaN/Infinity, no thousands separators); boolean `true`/`false` in any letter case,
 *   or `1`/`0`; date ISO `yyyy-MM-dd` and a real calendar date, or a `format` made of `yyyy`, `MM`, `dd`
 *   and separators (`dd.MM.yyyy`, `MM/dd/yyyy`, `yyyyMMdd`; other formats fall back to ISO with a
 *   notice); timestamp ISO 8601 `YYYY-MM-DD` + `T`/space + `hh:mm[:ss[.fraction]]` + optional `Z` or
 *   `±hh:mm`/`±hhmm`/`±hh` (a timestamp `format` is not interpreted).
 * - Bounds (`minimum`, `maximum`, `exclusive-minimum`, `exclusive-maximum`): numbers for integers and
 *   numbers; dates and timestamps compared as instants, a timestamp without zone being read as UTC. Bounds
 *   that cannot be read are ignored with a notice.
 * - `pattern`: an ECMAScript regular expression searched anywhere in the value, as in JSON Schema (anchor
 *   it with `^…$`). `min-length`/`max-length` count Unicode code points. `allowed-values` compares the
 *   exact text.
 * - `unique` per unique column, `primary-key` for the tuple of primary-key columns (by
 *   `primaryKeyPosition`): integers compare by value (`01` = `1`), other types by text; nulls are not
 *   keys. Keys are kept as 64-bit fingerprints in `uniqueKeyBudget` bytes; past it, `uniqueness` is
 *   `partial` and a notice says after which row; consecutive integer ids
 *   are kept as a run at one byte each (see `integer-key-set.ts`).
 */
export const validateCsv = async (
  source: AsyncIterable<Uint8Array>,
  spec: CsvValidationSpec,
  options: CsvValidationOptions = {},
): Promise<CsvValidationResult> => {
  const notices: string[] = [];
  const maxErrors = options.maxErrors ?? DEFAULT_MAX_ERRORS;
  const nullMarker = spec.dialect.nullMarker === '' ? null : Buffer.from(spec.dialect.nullMarker, 'utf8');
  const validator = new RecordValidator(
    spec,
    {
      maxErrors,
      maxValueLength: options.maxValueLength ?? DEFAULT_MAX_VALUE_LENGTH,
      uniqueKeyBudget: options.uniqueKeyBudget ?? DEFAULT_UNIQUE_KEY_BUDGET,
    },
    notices,
    nullMarker,
  );
  const tokenizer = new CsvTokenizer(spec.dialect, validator);
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of source as AsyncIterable<Uint8Array | string>) {
    // A stream with an encoding set yields strings: hash and count their bytes all the same.
    const bytesOfChunk = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    hash.update(bytesOfChunk);
    bytes += bytesOfChunk.length;
    tokenizer.push(bytesOfChunk);
  }
  tokenizer.finish();

  const errors = validator.errors;
  let errorCount = validator.errorCount;
  if (validator.records === 0) {
    errorCount++;
    errors.unshift({
      row: 1,
      column: null,
      value: null,
      rule: 'empty-file',
      message: bytes === 0 ? 'the file is empty (0 bytes)' : 'the file contains no records',
    });
    if (errors.length > maxErrors) errors.pop();
  }
  return {
    valid: errorCount === 0,
    rows: validator.rows,
    bytes,
    sha256: hash.digest('hex'),
    header: validator.header,
    errorCount,
    errors,
    uniqueness: validator.uniquenessPartial ? 'partial' : 'complete',
    notices,
  };
};
