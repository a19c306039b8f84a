import { DynamoDbRegistry } from '../adapters/dynamodb/dynamodb-registry';
import { EventBridgePublisher } from '../adapters/eventbridge/eventbridge-publisher';
import { S3ObjectStore } from '../adapters/s3/s3-object-store';
import { DEFAULT_PUBLISHING_SETTINGS, type PublishingDeps } from '../core/publishing/publishing-deps';
import { createClients, createLocationProbe } from '../shared/clients';
import { PublishingEnvSchema, parseEnv } from '../shared/env';
import { logger } from '../shared/logger';

/** Composition root of the publishing functions: adapters built once, from the environment. */
export const buildPublishingDeps = (env: NodeJS.ProcessEnv = process.env): PublishingDeps => {
  const config = parseEnv(PublishingEnvSchema, env);
  const clients = createClients(env);
  return {
    registry: new DynamoDbRegistry(clients.dynamo, config.TABLE_NAME),
    objects: new S3ObjectStore(clients.s3),
    storage: createLocationProbe(env),
    events: new EventBridgePublisher(clients.events, config.EVENT_BUS_NAME),
    clock: () => new Date(),
    logger,
    settings: {
      ...DEFAULT_PUBLISHING_SETTINGS,
      ...(config.DATA_BUCKET_NAME ? { defaultBucket: config.DATA_BUCKET_NAME } : {}),
    },
  };
};
