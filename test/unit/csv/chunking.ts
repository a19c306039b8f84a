import { expect } from 'vitest';
/** The corpus shared by the projects (csv-spectrum, csvlint, …). */
import { createPrng } from '../../../bench/prng';
import {
  type Column,
  type CsvDialect,
  DEFAULT_CSV_DIALECT,
} from '../../../functions/core/contracts/data-contract';
import { type CsvRecord, readCsvRecords } from '../../../functions/core/csv/csv-tokenizer';
import {
  type CsvValidationOptions,
  type CsvValidationResult,
  CsvValidationResultSchema,
  validateCsv,
} from '../../../functions/core/csv/validate-csv';

export { createPrng };

export const corpus = (path: string): URL =>
  new URL(`../../../../shared/reference/corpus/${path}`, import.meta.url);

export const bytesOf = (input: string | Uint8Array): Uint8Array =>
  typeof input === 'string' ? new TextEncoder().encode(input) : input;

// Seeded, so that "random" chunk sizes and files are the same on every run.
const prng = createPrng;

export interface Chunking {
  name: string;
  sizes: (length: number) => number[];
  /**
   * Chunks share one buffer that is wiped and refilled when the next chunk is asked for, as `readFileChunks`
   * (mesh validate's reader) does: whatever a consumer keeps past its chunk is garbage then. `views`: each
   * chunk a new view of it; `object`: the very same object for every full chunk.
   */
  reused?: 'views' | 'object';
}

const fixed = (size: number): Chunking => ({
  name: `${size}-byte chunks`,
  sizes: (length) => Array.from({ length: Math.ceil(length / size) }, () => size),
});

const random = (seed: number, max: number): Chunking => ({
  name: `random chunks (seed ${seed}, up to ${max})`,
  sizes: (length) => {
    const next = prng(seed);
    const sizes: number[] = [];
    for (let total = 0; total < length; ) {
      const size = 1 + Math.floor(next() * max);
      sizes.push(size);
      total += size;
    }
    return sizes;
  },
});

/** Every way the tests cut their inputs: whole, 1 byte at a time, small odd sizes and random sizes. */
export const CHUNKINGS: Chunking[] = [
  { name: 'one chunk', sizes: (length) => [length] },
  fixed(1),
  fixed(2),
  fixed(3),
  fixed(7),
  random(1, 16),
  random(2, 64),
  { ...random(4, 64), name: 'random chunks (seed 4, up to 64) in one reused buffer', reused: 'views' },
  { ...fixed(250), name: '250-byte chunks, all one reused object', reused: 'object' },
  { ...fixed(97), name: '97-byte chunks, all one reused object', reused: 'object' },
];

/** Larger inputs: cutting them into bytes would only make the tests slow. */
export const BIG_CHUNKINGS: Chunking[] = [
  { name: 'one chunk', sizes: (length) => [length] },
  fixed(65_536),
  fixed(16_381),
  random(3, 100_000),
  { ...fixed(65_536), name: '65536-byte chunks in one reused buffer', reused: 'views' },
  { ...fixed(16_381), name: '16381-byte chunks, all one reused object', reused: 'object' },
];

/**
 * The input as an async stream of chunks: each a fresh copy (as a network stream delivers them), or with
 * `reused` a new view of one shared buffer that is wiped (0xff, never valid UTF-8) before it is refilled.
 */
export async function* chunked(input: string | Uint8Array, chunking: Chunking = CHUNKINGS[0] as Chunking) {
  const bytes = bytesOf(input);
  const sizes = chunking.sizes(bytes.length);
  const shared = chunking.reused ? new Uint8Array(Math.max(0, ...sizes)) : null;
  let at = 0;
  for (const size of sizes) {
    if (at >= bytes.length) break;
    const piece = bytes.subarray(at, at + size);
    if (shared) {
      shared.fill(0xff);
      shared.set(piece);
      yield chunking.reused === 'object' && piece.length === shared.length
        ? shared
        : shared.subarray(0, piece.length);
    } else {
      yield piece.slice();
    }
    at += size;
  }
}

export const column = (
  name: string,
  logicalType: Column['logicalType'] = 'string',
  extra: Partial<Column> = {},
): Column => ({
  name,
  logicalType,
  required: false,
  unique: false,
  primaryKey: false,
  ...extra,
});

export const dialect = (overrides: Partial<CsvDialect> = {}): CsvDialect => ({
  ...DEFAULT_CSV_DIALECT,
  ...overrides,
});

/**
 * Validates the input under every chunking, checks that all results are identical (and match the result
 * schema), and returns that result.
 */
export const validateEverywhere = async (
  input: string | Uint8Array,
  columns: Column[],
  options: CsvValidationOptions & { dialect?: Partial<CsvDialect>; chunkings?: Chunking[] } = {},
): Promise<CsvValidationResult> => {
  const { dialect: dialectOverrides, chunkings = CHUNKINGS, ...validationOptions } = options;
  const spec = { columns, dialect: dialect(dialectOverrides) };
  let first: CsvValidationResult | undefined;
  for (const chunking of chunkings) {
    const result = await validateCsv(chunked(input, chunking), spec, validationOptions);
    if (first === undefined) {
      expect(CsvValidationResultSchema.safeParse(result).success).toBe(true);
      first = result;
    } else {
      expect(result, chunking.name).toEqual(first);
    }
  }
  return first as CsvValidationResult;
};

/** The records of the input under every chunking (checked identical). */
export const recordsEverywhere = async (
  input: string | Uint8Array,
  dialectOverrides: Partial<CsvDialect> = {},
  chunkings: Chunking[] = CHUNKINGS,
): Promise<CsvRecord[]> => {
  let first: CsvRecord[] | undefined;
  for (const chunking of chunkings) {
    const records: CsvRecord[] = [];
    for await (const record of readCsvRecords(chunked(input, chunking), dialect(dialectOverrides)))
      records.push(record);
    if (first === undefined) first = records;
    else expect(records, chunking.name).toEqual(first);
  }
  return first as CsvRecord[];
};

/** The rules of the listed errors, with their rows and columns, for compact assertions. */
export const brief = (result: CsvValidationResult) =>
  result.errors.map((error) => ({ row: error.row, column: error.column, rule: error.rule }));
