import { PresignedUrlResponder } from '../adapters/cloudformation/presigned-url-responder';
import { DynamoDbRegistry } from '../adapters/dynamodb/dynamodb-registry';
import { EventBridgePublisher } from '../adapters/eventbridge/eventbridge-publisher';
import type { ProducerRegistrationDeps } from '../core/storage/producer-registration';
import type { CustomResourceResponder } from '../ports/custom-resource-responder';
import { createDynamoClient, createEventsClient, createLocationProbe } from '../shared/clients';
import { parseEnv, StorageRegistrationEnvSchema } from '../shared/env';

export interface StorageRegistrationDeps extends ProducerRegistrationDeps {
  responder: CustomResourceResponder;
  /** Accounts whose stacks may register buckets; undefined: any that may invoke the function. */
  allowedAccounts?: readonly string[];
}

/** Composition root of the storage registration function. */
export const buildStorageRegistrationDeps = (
  env: NodeJS.ProcessEnv = process.env,
): StorageRegistrationDeps => {
  const config = parseEnv(StorageRegistrationEnvSchema, env);
  return {
    registry: new DynamoDbRegistry(createDynamoClient(env), config.TABLE_NAME),
    storage: createLocationProbe(env),
    events: new EventBridgePublisher(createEventsClient(env), config.EVENT_BUS_NAME),
    clock: () => new Date(),
    ...(config.DATA_BUCKET_NAME ? { defaultBucket: config.DATA_BUCKET_NAME } : {}),
    responder: new PresignedUrlResponder({ allowLoopback: config.MESH_LOCAL === 'true' }),
    ...(config.ALLOWED_ACCOUNTS ? { allowedAccounts: config.ALLOWED_ACCOUNTS } : {}),
  };
};
