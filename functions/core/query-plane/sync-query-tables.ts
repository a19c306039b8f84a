import type { Logger } from '../../ports/logger';
import type { ObjectStore } from '../../ports/object-store';
import type { QueryCatalog } from '../../ports/query-catalog';
import type { Registry } from '../../ports/registry';
import type { ProductRecord } from '../registry/records';
import { glueColumns } from './glue-types';
import { productView } from './presto-view';
import { majorTable, PRODUCT_ID_PARAMETER, platformParameters } from './product-table';
import { manifestText, publishedFiles } from './published-files';
import type { QueryTable } from './query-table';
import { databaseName, majorOf, majorTableName, manifestKey, viewName } from './table-names';
import { UnmappableContractError } from './unmappable-contract-error';

export interface QuerySyncDeps {
  registry: Pick<Registry, 'getProduct' | 'listVersions'>;
  catalog: QueryCatalog;
  objects: Pick<ObjectStore, 'putText'>;
  logger: Logger;
  settings: {
    /** Where manifests are written. */
    bucket: string;
    /** Glue databases are `<prefix>_<domain>`. */
    databasePrefix: string;
    /** How many versions of a product are read. @default 10000 */
    versionLimit?: number;
  };
}

export interface QuerySyncInput {
  productId: string;
  detailType: string;
}

export type QuerySyncOutcome =
  | {
      status: 'synced';
      database: string;
      view: string;
      tables: { name: string; files: number; outcome: 'created' | 'updated' | 'unchanged' }[];
    }
  | { status: 'skipped'; reason: string };

const isDeprecated = (product: ProductRecord) =>
  product.status === 'deprecated' || product.status === 'retired';

/**
 * Makes a product's SQL tables match its state in the registry, whichever event arrived: the database of its
 * domain, one symlink table per major contract version (older majors stay, for consumers pinned to them during
 * a deprecation window), the manifest of each, and the view over the newest major. Everything is derived from
 * the registry, so a replayed event writes the same state again.
 */
export const syncQueryTables = async (
  deps: QuerySyncDeps,
  input: QuerySyncInput,
): Promise<QuerySyncOutcome> => {
  const product = await deps.registry.getProduct(input.productId);
  if (!product) return { status: 'skipped', reason: `product ${input.productId} is not registered` };
  const current = majorOf(product.contractVersion);
  if (current === undefined) {
    throw new UnmappableContractError(product.id, [
      { path: 'version', message: `"${product.contractVersion}" has no major version` },
    ]);
  }
  // Mapped before anything is written, so an unmappable contract leaves no half table behind.
  const mapped = glueColumns(product.contract);
  if (!mapped.ok) throw new UnmappableContractError(product.id, mapped.problems);

  const { bucket, databasePrefix } = deps.settings;
  const database = databaseName(databasePrefix, product.domain ?? product.contract.domain);
  const deprecated = isDeprecated(product);
  const files = publishedFiles(
    await deps.registry.listVersions(product.id, deps.settings.versionLimit ?? 10_000),
  );
  if (files.gitFiles.length > 0) {
    deps.logger.warn(
      'files in the data repo are not queryable with Athena; they are left out of the tables',
      {
        productId: product.id,
        files: files.gitFiles,
      },
    );
  }

  await deps.catalog.ensureDatabase(database, `Data products of the ${product.domain ?? 'default'} domain`);
  // Names are sanitised (`sales.orders` and `sales-orders` are both `sales_orders`): never overwrite a table
  // or view of another product, whose consumers would silently read this product's files.
  const names = [...new Set([...files.majors, current])].map((major) => majorTableName(product.id, major));
  for (const name of [...names, viewName(product.id)]) {
    const owner = (await deps.catalog.getTable(database, name))?.parameters[PRODUCT_ID_PARAMETER];
    if (owner !== undefined && owner !== product.id) {
      throw new UnmappableContractError(product.id, [
        {
          path: 'id',
          message: `its table ${database}.${name} is already product ${owner}'s (names are sanitised)`,
        },
      ]);
    }
  }
  const tables: { name: string; files: number; outcome: 'created' | 'updated' | 'unchanged' }[] = [];
  const currentName = majorTableName(product.id, current);
  const majors = [...new Set([...files.majors, current])].sort((a, b) => a - b);
  for (const major of majors) {
    const name = majorTableName(product.id, major);
    const listed = files.byMajor.get(major) ?? [];
    let table: QueryTable;
    if (major === current) {
      table = majorTable({ product, name, database, bucket, columns: mapped.columns, deprecated });
    } else {
      // The registry keeps only the current contract: an older major's table keeps the columns it was
      // created with, and only its file list and deprecation flag follow the product.
      const existing = await deps.catalog.getTable(database, name);
      if (!existing) {
        deps.logger.warn('no table for an older major version; its files stay unqueryable', {
          productId: product.id,
          table: name,
          files: listed.length,
        });
        continue;
      }
      table = { ...existing, parameters: { ...existing.parameters, deprecated: String(deprecated) } };
    }
    await deps.objects.putText(bucket, manifestKey(database, name), manifestText(listed), 'text/plain');
    tables.push({ name, files: listed.length, outcome: await deps.catalog.putTable(database, table) });
  }

  const view = productView({
    name: viewName(product.id),
    database,
    table: currentName,
    columns: mapped.columns,
    nullMarker: product.contract.dialect.nullMarker,
    ...(product.contract.description ? { description: product.contract.description } : {}),
    parameters: platformParameters(product, deprecated),
  });
  await deps.catalog.putTable(database, view);
  deps.logger.info('query tables synced', {
    productId: product.id,
    event: input.detailType,
    database,
    view: view.name,
    tables,
  });
  return { status: 'synced', database, view: view.name, tables };
};
