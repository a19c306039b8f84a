import { S3ObjectCreated } from './inbound/s3-object-created';

/** Objects under this prefix are quarantined files; no rule matches them, so moving a file there never loops. */
export const QUARANTINE_PREFIX = '_quarantine/';

/** An EventBridge event pattern, as JSON. */
export type EventPattern = Record<string, unknown>;

/** A routing rule: which events reach which handler. CDK deploys it; the local bus evaluates it. */
export interface RuleSpec {
  /** Stable id: the CDK construct id and the local rule name. */
  readonly id: string;
  readonly description: string;
  readonly pattern: EventPattern;
  /** Handler module name under `functions/handlers/`. */
  readonly handler: 'object-created';
}

export interface RoutingConfig {
  /** Buckets whose object events the platform processes (the default bucket first). */
  readonly dataBuckets: readonly string[];
}

/** Every rule of the platform, built from the event contracts. */
export const platformRules = (config: RoutingConfig): RuleSpec[] => [
  {
    id: 'object-created-to-publisher',
    description: 'New objects in data buckets (outside the quarantine prefix) go to the publisher',
    handler: 'object-created',
    pattern: {
      source: [S3ObjectCreated.source],
      'detail-type': [S3ObjectCreated.detailType],
      detail: {
        bucket: { name: [...config.dataBuckets] },
        object: { key: [{ 'anything-but': { prefix: QUARANTINE_PREFIX } }] },
      },
    },
  },
];
