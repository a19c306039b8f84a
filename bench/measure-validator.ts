import { createReadStream } from 'node:fs';
import { type CsvValidationResult, validateCsv } from '../functions/core/csv/validate-csv';
import { BENCH_SPEC } from './bench-contract';
import { type Sample, timed } from './timing';

export interface ValidatorRun extends Sample {
  rows: number;
  result: CsvValidationResult;
}

/** The validator as the CLI and the Lambda call it: one pass over a file stream. */
export const runValidator = async (
  file: string,
  highWaterMark: number,
  maxErrors: number,
): Promise<ValidatorRun> => {
  const { ms, value } = await timed(() =>
    validateCsv(createReadStream(file, { highWaterMark }), BENCH_SPEC, { maxErrors }),
  );
  return { ms, bytes: value.bytes, rows: value.rows, result: value };
};
