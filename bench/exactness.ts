import type { CsvValidationResult } from '../functions/core/csv/validate-csv';
import type { Defect, GeneratedCsv } from './generate-csv';

type ReportedError = CsvValidationResult['errors'][number];

export interface Exactness {
  rowsExpected: number;
  rowsCounted: number;
  errorsExpected: number;
  errorCount: number;
  /** Errors listed in `errors` (all of them, when maxErrors is large enough). */
  errorsListed: number;
  /** Injected defects reported on the right row, column and rule. */
  found: number;
  missing: Defect[];
  unexpected: ReportedError[];
  uniqueness: string;
  sha256Matches: boolean;
}

/** Rows in errors are physical start lines (validate-csv.ts), so a defect is keyed by its `line`. */
const defectKey = (d: Defect): string => `${d.line}|${d.column}|${d.rule}`;
const errorKey = (e: ReportedError): string => `${e.row}|${e.column ?? ''}|${e.rule}`;

export const checkExactness = (
  generated: GeneratedCsv,
  result: CsvValidationResult,
  sha256: string,
): Exactness => {
  const reported = new Set(result.errors.map(errorKey));
  const expected = new Set(generated.defects.map(defectKey));
  const missing = generated.defects.filter((d) => !reported.has(defectKey(d)));
  return {
    rowsExpected: generated.rows,
    rowsCounted: result.rows,
    errorsExpected: generated.defects.length,
    errorCount: result.errorCount,
    errorsListed: result.errors.length,
    found: generated.defects.length - missing.length,
    missing,
    unexpected: result.errors.filter((e) => !expected.has(errorKey(e))),
    uniqueness: result.uniqueness,
    sha256Matches: result.sha256 === sha256,
  };
};

export const isExact = (x: Exactness): boolean =>
  x.rowsCounted === x.rowsExpected &&
  x.errorCount === x.errorsExpected &&
  x.missing.length === 0 &&
  x.unexpected.length === 0;
