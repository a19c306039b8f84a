import type { CsvDialect } from '../contracts/data-contract';
import { type CsvProblem, CsvTokenizer } from './csv-tokenizer';

export interface CsvRecords {
  /** Records as text fields (the header included), with the line each starts on. */
  records: { line: number; fields: string[] }[];
  problems: { line: number; problem: CsvProblem }[];
  /** True when reading stopped at `maxRecords`. */
  truncated: boolean;
}

/**
 * Reads the first records of a small CSV (a catalog file, a header to infer a schema from) as strings, with
 * the validator's own tokenizer, so that quoting and line breaks mean the same everywhere.
 */
export const readCsvRecords = async (
  source: AsyncIterable<Uint8Array>,
  options: { maxRecords: number; dialect?: Pick<CsvDialect, 'delimiter' | 'quote'> },
): Promise<CsvRecords> => {
  const result: CsvRecords = { records: [], problems: [], truncated: false };
  let fields: string[] = [];
  const tokenizer = new CsvTokenizer(options.dialect ?? { delimiter: ',', quote: '"' }, {
    field: (buf, start, end) => {
      fields.push(buf.toString('utf8', start, end));
    },
    endRecord: (line) => {
      if (result.records.length < options.maxRecords) result.records.push({ line, fields });
      else result.truncated = true;
      fields = [];
    },
    problem: (problem, line) => {
      result.problems.push({ line, problem });
    },
  });
  for await (const chunk of source) {
    tokenizer.push(chunk);
    if (result.truncated) return result;
  }
  tokenizer.finish();
  return result;
};
