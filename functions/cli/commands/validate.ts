import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { CONTRACT_FILE_NAMES } from '../../../events/rules';
import { parseContract } from '../../core/contracts/parse-contract';
import { type CsvValidationResult, validateCsv } from '../../core/csv/validate-csv';
import type { Problem } from '../../core/problem';
import { type Output, UsageError } from '../output';

interface FolderReport {
  folder: string;
  contractFile?: string;
  contractProblems: Problem[];
  files: { file: string; result: CsvValidationResult }[];
}

/**
 * `mesh validate <dir> [--json]`: the platform's own contract parser and CSV validator on local files, for
 * producers' machines and CI. `<dir>` is a product folder, or a folder of product folders.
 */
export const validateCommand = async (
  output: Output,
  dir: string | undefined,
  json: boolean,
): Promise<number> => {
  if (!dir)
    throw new UsageError('usage: mesh validate <product-folder | folder of product folders> [--json]');
  if (!(await stat(dir).catch(() => undefined))?.isDirectory())
    throw new UsageError(`${dir} is not a folder`);
  const folders = (await findContract(dir)) ? [dir] : await productFolders(dir);
  if (folders.length === 0) {
    output.err(`${dir}: no ${CONTRACT_FILE_NAMES[0]} here or in its sub-folders`);
    return 1;
  }
  const reports: FolderReport[] = [];
  for (const folder of folders) reports.push(await validateFolder(folder));
  const valid = reports.every((r) => r.contractProblems.length === 0 && r.files.every((f) => f.result.valid));
  if (json) {
    output.out(JSON.stringify({ valid, products: reports }, null, 2));
    return valid ? 0 : 1;
  }
  for (const report of reports) printReport(output, report);
  output.out(valid ? 'All valid.' : 'Validation failed.');
  return valid ? 0 : 1;
};

const validateFolder = async (folder: string): Promise<FolderReport> => {
  const contractFile = await findContract(folder);
  if (!contractFile)
    return { folder, contractProblems: [{ path: folder, message: 'no datacontract.yaml' }], files: [] };
  const parsed = parseContract(await readFile(contractFile, 'utf8'), {
    fileName: basename(contractFile),
    productId: basename(folder),
  });
  if (!parsed.ok) return { folder, contractFile, contractProblems: parsed.problems, files: [] };
  const files: FolderReport['files'] = [];
  for (const file of await csvFiles(folder)) {
    const result = await validateCsv(createReadStream(file), {
      columns: parsed.contract.table.columns,
      dialect: parsed.contract.dialect,
    });
    files.push({ file, result });
  }
  return { folder, contractFile, contractProblems: [], files };
};

const printReport = (output: Output, report: FolderReport) => {
  const rel = (file: string) => relative(process.cwd(), file) || file;
  for (const p of report.contractProblems)
    output.out(`${rel(report.contractFile ?? report.folder)}: ${p.path}: ${p.message}`);
  for (const { file, result } of report.files) {
    for (const e of result.errors)
      output.out(`${rel(file)}:${e.row}:${e.column ?? '-'} ${e.rule} ${e.message}`);
    if (result.errorCount > result.errors.length) {
      output.out(`${rel(file)}: … and ${result.errorCount - result.errors.length} more errors`);
    }
    for (const notice of result.notices) output.out(`${rel(file)}: note: ${notice}`);
    output.out(
      `${rel(file)}: ${result.valid ? 'ok' : 'INVALID'} (${result.rows} rows, ${result.errorCount} errors)`,
    );
  }
};

const findContract = async (folder: string) => {
  const names = await readdir(folder);
  const name = CONTRACT_FILE_NAMES.find((n) => names.includes(n));
  return name ? join(folder, name) : undefined;
};

const productFolders = async (dir: string) => {
  const entries = await readdir(dir, { withFileTypes: true });
  const folders: string[] = [];
  for (const entry of entries) {
    if (entry.isDirectory() && !entry.name.startsWith('.') && (await findContract(join(dir, entry.name)))) {
      folders.push(join(dir, entry.name));
    }
  }
  return folders.sort();
};

const csvFiles = async (folder: string): Promise<string[]> => {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && e.name.toLowerCase().endsWith('.csv'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
};
