import type { CsvRecords } from '../csv/read-csv-records';
import type { Problem } from '../problem';

/** The thinnest platform's product list, at the root of the data repo. */
export const DATA_CATALOG_FILE = 'data_catalog.csv';
export const DATA_CATALOG_COLUMNS = ['name', 'owner', 'description', 'path'] as const;

export interface CatalogRow {
  line: number;
  /** The product id (the row's `name`). */
  name: string;
  owner: string;
  description: string;
  /** The folder, normalised: no leading `./` or `/`, no trailing `/`. */
  folder: string;
}

/**
 * Reads `data_catalog.csv` (header `name,owner,description,path`, in any order). Rows that cannot be used
 * become problems with their line; the others are returned, the first row winning when a name repeats.
 */
export const parseDataCatalog = (
  read: CsvRecords,
  isProductId: (id: string) => boolean,
): { rows: CatalogRow[]; problems: Problem[] } => {
  const problems: Problem[] = read.problems.map(({ line, problem }) => ({
    path: `${DATA_CATALOG_FILE}:${line}`,
    message: `malformed CSV (${problem})`,
  }));
  const [header, ...records] = read.records;
  if (!header) return { rows: [], problems };
  const names = header.fields.map((field) => field.trim().toLowerCase());
  const missing = DATA_CATALOG_COLUMNS.filter((column) => !names.includes(column));
  if (missing.length > 0) {
    problems.push({
      path: `${DATA_CATALOG_FILE}:1`,
      message: `the header must name the columns ${DATA_CATALOG_COLUMNS.join(', ')}; missing: ${missing.join(', ')}`,
    });
    return { rows: [], problems };
  }
  const at = (fields: string[], column: (typeof DATA_CATALOG_COLUMNS)[number]) =>
    (fields[names.indexOf(column)] ?? '').trim();
  const rows: CatalogRow[] = [];
  for (const { line, fields } of records) {
    const path = `${DATA_CATALOG_FILE}:${line}`;
    const name = at(fields, 'name');
    const folder = at(fields, 'path')
      .replace(/^\.?\/+/, '')
      .replace(/\/+$/, '');
    if (!isProductId(name)) {
      problems.push({
        path,
        message: `"${name}" is not a valid product id (lowercase letters, digits, dashes)`,
      });
      continue;
    }
    if (!folder || folder.split('/').some((s) => s === '..' || s === '.' || s === '')) {
      problems.push({ path, message: `path "${at(fields, 'path')}" is not a folder of the repository` });
      continue;
    }
    if (folder.includes('/')) {
      // Pushes are read a top-level folder per product: a nested one would be taken for its parent folder.
      problems.push({
        path,
        message: `path "${at(fields, 'path')}" is nested: a product is a top-level folder of the data repository`,
      });
      continue;
    }
    if (!at(fields, 'owner')) {
      problems.push({ path, message: `product "${name}" has no owner` });
      continue;
    }
    const clash = rows.find((row) => row.name === name);
    if (clash) {
      problems.push({ path, message: `product "${name}" is already listed on line ${clash.line}` });
      continue;
    }
    rows.push({ line, name, owner: at(fields, 'owner'), description: at(fields, 'description'), folder });
  }
  return { rows, problems };
};
