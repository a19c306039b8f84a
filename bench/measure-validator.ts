import { readFileChunks } from '../functions/cli/read-file-chunks';
import { type CsvValidationResult, validateCsv } from '../functions/core/csv/validate-csv';
import { BENCH_SPEC } from './bench-contract';
import { type Sample, timed } from './timing';

export interface ValidatorRun extends Sample {
  rows: number;
  result: CsvValidationResult;
}

/** The validator as `mesh validate` calls it: one pass over the file, read in chunks of `highWaterMark` bytes. */
export const runValidator = async (
  file: string,
  highWaterMark: number,
  maxErrors: number,
): Promise<ValidatorRun> => {
  const { ms, value } = await timed(() =>
    validateCsv(readFileChunks(file, highWaterMark), BENCH_SPEC, { maxErrors }),
  );
  return { ms, bytes: value.bytes, rows: value.rows, result: value };
};
