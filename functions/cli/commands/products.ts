import { fileLabel, locationUri } from '../../core/file-ref';
import { localClients, readEndpoints } from '../local-connection';
import { type Output, table, UsageError } from '../output';

/** `mesh products [--json]`. */
export const productsCommand = async (output: Output, json: boolean): Promise<number> => {
  const { registry } = localClients(await readEndpoints());
  const products = await registry.listProducts();
  if (json) {
    output.out(
      JSON.stringify(
        products.map(({ contract: _contract, ...summary }) => summary),
        null,
        2,
      ),
    );
    return 0;
  }
  if (products.length === 0) {
    output.out('No data products yet. Upload <product-id>/datacontract.yaml to the bucket to register one.');
    return 0;
  }
  output.out(
    table([
      ['id', 'name', 'domain', 'owner', 'status', 'contract'],
      ...products.map((p) => [p.id, p.name, p.domain ?? '-', p.ownerTeam, p.status, p.contractVersion]),
    ]),
  );
  return 0;
};

/** `mesh product show <id> [--json]`: contract summary, locations and versions with verdicts. */
export const productShowCommand = async (
  output: Output,
  productId: string | undefined,
  json: boolean,
): Promise<number> => {
  if (!productId) throw new UsageError('usage: mesh product show <product-id> [--json]');
  const { registry } = localClients(await readEndpoints());
  const product = await registry.getProduct(productId);
  if (!product) {
    output.err(`no data product "${productId}" (see: mesh products)`);
    return 1;
  }
  const [locations, versions] = await Promise.all([
    registry.listLocations(productId),
    registry.listVersions(productId),
  ]);
  if (json) {
    output.out(JSON.stringify({ product, locations, versions }, null, 2));
    return 0;
  }
  const c = product.contract;
  output.out(
    [
      `${product.id} — ${product.name}`,
      `  owner ${product.ownerTeam}   domain ${product.domain ?? '-'}   status ${product.status}   contract v${product.contractVersion}`,
      c.description ? `  ${c.description}` : undefined,
      '',
      `Table ${c.table.name}:`,
      table(
        c.table.columns.map((col) => [
          `  ${col.name}`,
          col.logicalType,
          [col.primaryKey ? 'primary key' : '', col.required ? 'required' : '', col.unique ? 'unique' : '']
            .filter(Boolean)
            .join(', '),
        ]),
      ),
      '',
      'Locations:',
      ...locations.map((l) => `  ${locationUri(l)}`),
      '',
      versions.length ? 'Versions (newest first):' : 'No versions yet.',
      versions.length
        ? table([
            ['  recorded', 'verdict', 'rows', 'bytes', 'contract', 'object'],
            ...versions.map((v) => [
              `  ${v.recordedAt}`,
              v.verdict === 'published' ? 'published' : `QUARANTINED (${v.errorCount} errors)`,
              String(v.rows),
              String(v.size),
              `v${v.contractVersion}`,
              fileLabel(v.object),
            ]),
          ])
        : undefined,
    ]
      .filter((line) => line !== undefined)
      .join('\n'),
  );
  return 0;
};
