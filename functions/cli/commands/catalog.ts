import { EmbeddedCatalog } from '../../adapters/catalog/embedded-catalog';
import { summariseCatalog } from '../../local/catalog-summary';
import { readEndpoints } from '../local-connection';
import { type Output, table } from '../output';

/** `mesh catalog [--json]`: what the catalog holds, from the embedded store (or where the DataHub is). */
export const catalogCommand = async (output: Output, json: boolean): Promise<number> => {
  const endpoints = await readEndpoints();
  const catalog = endpoints.catalog;
  if (!catalog) {
    output.err('this local platform has no catalog; restart it with npm start');
    return 1;
  }
  if (catalog.kind === 'datahub') {
    output.out(`The catalog is the DataHub at ${catalog.target}: browse it there (mesh status checks it).`);
    return 0;
  }
  const rows = summariseCatalog(Object.values(await new EmbeddedCatalog(catalog.target).entities()));
  if (json) {
    output.out(JSON.stringify(rows, null, 2));
    return 0;
  }
  if (rows.length === 0) {
    output.out('The catalog is empty: register a product first (see the README walkthrough).');
    return 0;
  }
  output.out(
    table([
      ['type', 'name', 'owners', 'domain', 'columns', 'rows', 'status'],
      ...rows.map((row) => [
        row.entityType,
        row.name,
        row.owners.join(', '),
        row.domains.join(', '),
        String(row.columns.length || (row.entityType === 'dataProduct' ? '-' : 0)),
        row.rows === undefined ? '-' : String(row.rows),
        row.removed ? 'deprecated' : 'active',
      ]),
    ]),
  );
  output.out(`\nAlso at ${endpoints.http}/catalog (and /catalog.json).`);
  return 0;
};
