import { execFile } from 'node:child_process';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { CONTRACT_FILE_NAMES } from '../../../events/object-keys';
import type { DataContract } from '../../core/contracts/data-contract';
import { parseContract } from '../../core/contracts/parse-contract';
import { assessContractChange, type ContractChangeAssessment } from '../../core/contracts/schema-diff';
import { type CsvValidationResult, validateCsv } from '../../core/csv/validate-csv';
import type { Problem } from '../../core/problem';
import { type Output, UsageError } from '../output';
import { readFileChunks } from '../read-file-chunks';

const run = promisify(execFile);

interface FolderReport {
  folder: string;
  contractFile?: string;
  contractProblems: Problem[];
  files: { file: string; result: CsvValidationResult }[];
  /** With `--base`: how the contract changed since that revision (absent for a new product). */
  schemaChange?: ContractChangeAssessment & { base: string; baseVersion: string };
}

/**
 * `mesh validate [dir] [--base <git-ref>] [--json]`: the platform's own contract parser and CSV validator on
 * local files, for producers' machines and CI. `dir` (default `.`) is a product folder, or a folder of product
 * folders. With `--base`, each contract is also compared with its version at that git revision, and a
 * breaking change without a new major version fails, as the platform would reject it.
 */
export const validateCommand = async (
  output: Output,
  dirArgument: string | undefined,
  json: boolean,
  base?: string,
): Promise<number> => {
  const dir = dirArgument ?? '.';
  if (!(await stat(dir).catch(() => undefined))?.isDirectory())
    throw new UsageError(`${dir} is not a folder`);
  const folders = (await findContract(dir)) ? [dir] : await productFolders(dir);
  if (folders.length === 0) {
    output.err(`${dir}: no ${CONTRACT_FILE_NAMES[0]} here or in its sub-folders`);
    return 1;
  }
  const reports: FolderReport[] = [];
  for (const folder of folders) reports.push(await validateFolder(folder, base));
  const valid = reports.every(
    (r) =>
      r.contractProblems.length === 0 &&
      r.files.every((f) => f.result.valid) &&
      (r.schemaChange?.accepted ?? true),
  );
  if (json) {
    output.out(JSON.stringify({ valid, products: reports }, null, 2));
    return valid ? 0 : 1;
  }
  for (const report of reports) printReport(output, report);
  output.out(valid ? 'All valid.' : 'Validation failed.');
  return valid ? 0 : 1;
};

const validateFolder = async (folder: string, base: string | undefined): Promise<FolderReport> => {
  const contractFile = await findContract(folder);
  if (!contractFile)
    return { folder, contractProblems: [{ path: folder, message: 'no datacontract.yaml' }], files: [] };
  const parsed = parseContract(await readFile(contractFile, 'utf8'), {
    fileName: basename(contractFile),
    productId: basename(folder),
  });
  if (!parsed.ok) return { folder, contractFile, contractProblems: parsed.problems, files: [] };
  const schemaChange = base ? await compareWithBase(contractFile, parsed.contract, base) : undefined;
  if (schemaChange && 'problem' in schemaChange && !('changes' in schemaChange)) {
    return { folder, contractFile, contractProblems: [schemaChange.problem], files: [] };
  }
  const files: FolderReport['files'] = [];
  for (const file of await csvFiles(folder)) {
    const result = await validateCsv(readFileChunks(file), {
      columns: parsed.contract.table.columns,
      dialect: parsed.contract.dialect,
    });
    files.push({ file, result });
  }
  return {
    folder,
    contractFile,
    contractProblems: [],
    files,
    ...(schemaChange && 'changes' in schemaChange ? { schemaChange } : {}),
  };
};

/** The contract as it was at `base` (git), compared with the one on disk; undefined for a new product. */
const compareWithBase = async (contractFile: string, contract: DataContract, base: string) => {
  const cwd = dirname(contractFile);
  let root: string;
  try {
    root = (await run('git', ['rev-parse', '--show-toplevel'], { cwd })).stdout.trim();
  } catch {
    return {
      problem: { path: contractFile, message: '--base needs the folder to be inside a git repository' },
    };
  }
  try {
    await run('git', ['rev-parse', '--verify', '--quiet', `${base}^{commit}`], { cwd });
  } catch {
    return {
      problem: { path: contractFile, message: `--base ${base} is not a revision of this repository` },
    };
  }
  const path = relative(root, await realpath(contractFile))
    .split(sep)
    .join('/');
  let text: string;
  try {
    text = (await run('git', ['show', `${base}:${path}`], { cwd: root, maxBuffer: 16 * 1024 * 1024 })).stdout;
  } catch {
    return undefined;
  }
  const before = parseContract(text, {
    fileName: basename(contractFile),
    productId: basename(dirname(contractFile)),
  });
  if (!before.ok) return undefined;
  return { ...assessContractChange(before.contract, contract), base, baseVersion: before.contract.version };
};

const printReport = (output: Output, report: FolderReport) => {
  const rel = (file: string) => relative(process.cwd(), file) || file;
  for (const p of report.contractProblems)
    output.out(`${rel(report.contractFile ?? report.folder)}: ${p.path}: ${p.message}`);
  const change = report.schemaChange;
  if (change && report.contractFile) {
    const where = rel(report.contractFile);
    for (const c of change.changes)
      output.out(`${where}: ${c.breaking ? 'breaking' : 'non-breaking'}: ${c.message}`);
    if (!change.accepted)
      output.out(`${where}: ${change.problem ?? 'breaking change without a new major version'}`);
    else if (change.changes.length === 0) output.out(`${where}: schema unchanged since ${change.base}`);
  }
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
