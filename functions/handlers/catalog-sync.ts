import { CATALOG_EVENTS } from '../../events/rules';
import { type CatalogSyncDeps, syncCatalog } from '../core/catalog/sync-catalog';
import { eventsHandler } from '../shared/event-handler';
import { logger } from '../shared/logger';
import { buildCatalogSyncDeps } from './catalog-root';

/** Product events → the product's current metadata, as DataHub proposals, to the catalog. */
export const makeHandler = (deps: () => CatalogSyncDeps) =>
  eventsHandler(CATALOG_EVENTS, async (event) => {
    const { metadata } = event.detail;
    logger.appendKeys({ productId: metadata.productId, eventId: metadata.eventId });
    const version = 'version' in event.detail ? event.detail.version : undefined;
    return syncCatalog(deps(), {
      detailType: event['detail-type'],
      productId: metadata.productId,
      eventId: metadata.eventId,
      ...(version ? { versionId: version.versionId } : {}),
    });
  });

let deps: CatalogSyncDeps | undefined;
export const handler = makeHandler(() => {
  deps ??= buildCatalogSyncDeps();
  return deps;
});
