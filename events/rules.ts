import {
  DataProductDeprecated,
  DataProductRegistered,
  DataProductRejected,
  DataProductSchemaChanged,
  DataProductStorageChanged,
  DataProductUpdated,
  DataProductValidationFailed,
  DataProductVersionPublished,
} from './domain/product-events';
import { SubscriptionCreated } from './domain/subscription-events';
import { GitPushReceived } from './inbound/git-push-received';
import { S3ObjectCreated } from './inbound/s3-object-created';
import { CONTRACT_FILE_NAMES, QUARANTINE_PREFIX } from './object-keys';

export { CONTRACT_FILE_NAMES, QUARANTINE_PREFIX };

/** An EventBridge event pattern, as JSON. */
export type EventPattern = Record<string, unknown>;

/** A routing rule: which events reach which handler. CDK deploys it; the local bus evaluates it. */
export interface RuleSpec {
  /** Stable id: the CDK construct id and the local rule name. */
  readonly id: string;
  readonly description: string;
  readonly pattern: EventPattern;
  /** Handler module name under `functions/handlers/`. */
  readonly handler:
    | 'contract-uploaded'
    | 'data-uploaded'
    | 'git-push-received'
    | 'catalog-sync'
    | 'notify-fan-out'
    | 'query-sync';
}

/** The domain events that change what the catalog shows (rejections and failed files change nothing). */
export const CATALOG_EVENTS = [
  DataProductRegistered,
  DataProductUpdated,
  DataProductSchemaChanged,
  DataProductDeprecated,
  DataProductVersionPublished,
  DataProductStorageChanged,
] as const;

/**
 * The events that change what a product's SQL tables show (Glue/Athena on AWS): a new file, a new contract
 * (columns, a new major version), a deprecation.
 */
export const QUERY_EVENTS = [DataProductVersionPublished, DataProductUpdated, DataProductDeprecated] as const;

/** The events subscribers and producers are told about (plus new subscriptions, for the owner team). */
export const NOTIFICATION_EVENTS = [
  DataProductVersionPublished,
  DataProductSchemaChanged,
  DataProductValidationFailed,
  DataProductDeprecated,
  DataProductRejected,
  DataProductStorageChanged,
  SubscriptionCreated,
] as const;

/**
 * Every rule of the platform, built from the event contracts. The object rules match any bucket: only
 * buckets that forward their events reach the platform bus (the default bucket, producer buckets), and the
 * functions act on registered locations only. Contracts and data go to two functions, each
 * bundling only what it needs (the YAML/ODCS parser, or the CSV validator). EventBridge cannot AND two
 * conditions on one field, so the data rule also receives contract files; its use case ignores them.
 */
export const platformRules = (): RuleSpec[] => [
  {
    id: 'contract-uploaded-to-registrar',
    description: 'Contracts written to data buckets go to the contract registrar',
    handler: 'contract-uploaded',
    pattern: {
      source: [S3ObjectCreated.source],
      'detail-type': [S3ObjectCreated.detailType],
      detail: {
        object: { key: CONTRACT_FILE_NAMES.map((name) => ({ suffix: `/${name}` })) },
      },
    },
  },
  {
    id: 'object-created-to-publisher',
    description: 'New objects in data buckets (outside the quarantine prefix) go to the data publisher',
    handler: 'data-uploaded',
    pattern: {
      source: [S3ObjectCreated.source],
      'detail-type': [S3ObjectCreated.detailType],
      detail: {
        object: { key: [{ 'anything-but': { prefix: QUARANTINE_PREFIX } }] },
      },
    },
  },
  {
    id: 'git-push-to-processor',
    description: 'Pushes to the data repo (verified by the webhook receiver) go to the push processor',
    handler: 'git-push-received',
    pattern: { source: [GitPushReceived.source], 'detail-type': [GitPushReceived.detailType] },
  },
  productEventsRule(
    'product-events-to-catalog',
    'Product changes go to the catalog sync (DataHub, or the embedded catalog locally)',
    'catalog-sync',
    CATALOG_EVENTS,
  ),
  productEventsRule(
    'product-events-to-query-plane',
    'New versions and contract changes go to the query-plane sync (Glue tables and views)',
    'query-sync',
    QUERY_EVENTS,
  ),
  productEventsRule(
    'product-events-to-notifications',
    'Product changes and new subscriptions go to the notification fan-out',
    'notify-fan-out',
    NOTIFICATION_EVENTS,
  ),
];

/** A rule for some of the platform's own domain events (one source, a list of detail types). */
function productEventsRule(
  id: string,
  description: string,
  handler: RuleSpec['handler'],
  events: readonly { source: string; detailType: string }[],
): RuleSpec {
  return {
    id,
    description,
    handler,
    pattern: {
      source: [DataProductRegistered.source],
      'detail-type': events.map((event) => event.detailType),
    },
  };
}
