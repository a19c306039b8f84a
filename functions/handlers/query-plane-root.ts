import { GlueClient } from '@aws-sdk/client-glue';
import { DynamoDbRegistry } from '../adapters/dynamodb/dynamodb-registry';
import { GlueQueryCatalog } from '../adapters/glue/glue-query-catalog';
import { S3ObjectStore } from '../adapters/s3/s3-object-store';
import type { QuerySyncDeps } from '../core/query-plane/sync-query-tables';
import { createDynamoClient, createS3Client } from '../shared/clients';
import { parseEnv, QueryPlaneEnvSchema } from '../shared/env';
import { logger } from '../shared/logger';

/** Composition root of the query-sync function. Glue has no local counterpart: this function runs on AWS only. */
export const buildQuerySyncDeps = (env: NodeJS.ProcessEnv = process.env): QuerySyncDeps => {
  const config = parseEnv(QueryPlaneEnvSchema, env);
  return {
    registry: new DynamoDbRegistry(createDynamoClient(env), config.TABLE_NAME),
    catalog: new GlueQueryCatalog(new GlueClient(env.AWS_REGION ? { region: env.AWS_REGION } : {})),
    objects: new S3ObjectStore(createS3Client(env)),
    logger,
    settings: { bucket: config.QUERY_BUCKET_NAME, databasePrefix: config.GLUE_DATABASE_PREFIX },
  };
};
