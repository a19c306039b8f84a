import { QUERY_EVENTS } from '../../events/rules';
import { type QuerySyncDeps, syncQueryTables } from '../core/query-plane/sync-query-tables';
import { eventsHandler } from '../shared/event-handler';
import { logger } from '../shared/logger';
import { buildQuerySyncDeps } from './query-plane-root';

/** New versions, contract changes and deprecations → the product's Glue tables, manifests and Athena view. */
export const makeHandler = (deps: () => QuerySyncDeps) =>
  eventsHandler(QUERY_EVENTS, async (event) => {
    const { metadata } = event.detail;
    logger.appendKeys({ productId: metadata.productId, eventId: metadata.eventId });
    return syncQueryTables(deps(), { productId: metadata.productId, detailType: event['detail-type'] });
  });

let deps: QuerySyncDeps | undefined;
export const handler = makeHandler(() => {
  deps ??= buildQuerySyncDeps();
  return deps;
});
