import type { CatalogSink } from '../../ports/catalog';
import type { Clock } from '../../ports/clock';
import type { Logger } from '../../ports/logger';
import type { Registry } from '../../ports/registry';
import type { ProductRecord } from '../registry/records';
import { productProposals, versionProposals } from './map-product';

export interface CatalogSyncDeps {
  registry: Registry;
  catalog: CatalogSink;
  clock: Clock;
  logger: Logger;
  /** DataHub's fabric for dataset URNs. @default PROD */
  environment: string;
}

export interface CatalogSyncInput {
  detailType: string;
  productId: string;
  eventId: string;
  /** Set for `Data Product Version Published`. */
  versionId?: string;
}

export type CatalogSyncOutcome =
  | { status: 'sent'; proposals: number }
  | { status: 'skipped'; reason: string };

/**
 * Keeps the catalog true for one product after one of its events. The proposals are built from the product's
 * current state in the registry, not from the event: UPSERT replaces whole aspects, so complete lists (owners,
 * tags, assets) are sent, a replayed event sends the same aspects again (a no-op for DataHub), and an event
 * delivered late can never put an older state back — per-product order holds without a sequencer.
 */
export const syncCatalog = async (
  deps: CatalogSyncDeps,
  input: CatalogSyncInput,
): Promise<CatalogSyncOutcome> => {
  const product = await deps.registry.getProduct(input.productId);
  if (!product) return { status: 'skipped', reason: `product ${input.productId} is not registered` };
  const locations = await deps.registry.listLocations(product.id);
  const upstream = await Promise.all(
    (await upstreamIds(deps.registry, product)).map(async (productId) => ({
      productId,
      locations: await deps.registry.listLocations(productId),
    })),
  );
  const state = { product, locations, upstream };
  const options = { env: deps.environment, now: deps.clock(), runId: `datamesh-${input.eventId}` };
  const proposals = productProposals(state, options);
  if (input.versionId !== undefined) {
    // Earlier versions tell a new file (INSERT) from a rewritten one (UPDATE) in the operation aspect.
    const versions = await deps.registry.listVersions(product.id, 200);
    const version = versions.find((v) => v.versionId === input.versionId);
    if (version) proposals.push(...versionProposals({ ...state, versions }, version, options));
  }
  await deps.catalog.ingest(proposals);
  deps.logger.info('catalog updated', {
    productId: product.id,
    event: input.detailType,
    proposals: proposals.length,
  });
  return { status: 'sent', proposals: proposals.length };
};

/** The products this one is derived from: the contract's `upstreamProducts` and its ODPS input ports. */
const upstreamIds = async (registry: Registry, product: ProductRecord): Promise<string[]> => {
  const ids = new Set(product.contract.upstreamProducts);
  const ports = product.inputPorts ?? [];
  if (ports.length > 0) {
    const products = await registry.listProducts();
    for (const port of ports) {
      const upstream =
        products.find((p) => p.contract.contractId === port.contractId)?.id ??
        products.find((p) => p.id === port.name)?.id;
      if (upstream && upstream !== product.id) ids.add(upstream);
    }
  }
  return [...ids];
};
