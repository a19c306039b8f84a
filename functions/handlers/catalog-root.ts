import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DisabledCatalog } from '../adapters/catalog/disabled-catalog';
import { EmbeddedCatalog } from '../adapters/catalog/embedded-catalog';
import { DataHubRestEmitter } from '../adapters/datahub/datahub-rest-emitter';
import { DynamoDbRegistry } from '../adapters/dynamodb/dynamodb-registry';
import { SecretsManagerJson } from '../adapters/secrets/secrets-manager-json';
import type { CatalogSyncDeps } from '../core/catalog/sync-catalog';
import type { CatalogSink } from '../ports/catalog';
import { createDynamoClient } from '../shared/clients';
import { CatalogEnvSchema, parseEnv } from '../shared/env';
import { logger } from '../shared/logger';
import * as z from '../shared/zod';

const TokenSecretSchema = z.object({ token: z.string().check(z.minLength(1)) });

/**
 * The catalog the platform writes to: DataHub GMS when `DATAHUB_GMS_URL` is set (the token from
 * `DATAHUB_GMS_TOKEN`, the names DataHub's own CLI uses, or from Secrets Manager on AWS), else the embedded
 * store in `CATALOG_DIR` (the local default), else nothing (a deployment without DataHub: logged).
 */
export const buildCatalog = (env: NodeJS.ProcessEnv = process.env): CatalogSink => {
  const config = parseEnv(CatalogEnvSchema, env);
  if (config.DATAHUB_GMS_URL) {
    const secretArn = config.DATAHUB_TOKEN_SECRET_ARN;
    const secret = secretArn
      ? new SecretsManagerJson(
          new SecretsManagerClient(env.AWS_REGION ? { region: env.AWS_REGION } : {}),
          secretArn,
          TokenSecretSchema,
        )
      : undefined;
    return new DataHubRestEmitter({
      gmsUrl: config.DATAHUB_GMS_URL,
      token: secret ? async () => (await secret.get()).token : config.DATAHUB_GMS_TOKEN,
    });
  }
  if (config.CATALOG_DIR) return new EmbeddedCatalog(config.CATALOG_DIR);
  return new DisabledCatalog(logger);
};

/** Composition root of the catalog-sync function. */
export const buildCatalogSyncDeps = (env: NodeJS.ProcessEnv = process.env): CatalogSyncDeps => {
  const config = parseEnv(CatalogEnvSchema, env);
  return {
    registry: new DynamoDbRegistry(createDynamoClient(env), config.TABLE_NAME),
    catalog: buildCatalog(env),
    clock: () => new Date(),
    logger,
    environment: config.DATAHUB_ENV,
  };
};
