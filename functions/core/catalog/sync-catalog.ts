import type { CatalogSink } from '../../ports/catalog';
import type { Clock } from '../../ports/clock';
import type { Logger } from '../../ports/logger';
import type { Registry } from '../../ports/registry';
import { upstreamProductIds } from '../registry/upstream';
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
    (product.inputPorts?.length
      ? upstreamProductIds(product, await deps.registry.listProducts())
      : product.contract.upstreamProducts
    ).map(async (productId) => ({
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
