import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3LocationProbe } from '../adapters/s3/s3-location-probe';

/**
 * SDK clients, created once per process. On AWS, endpoints, region and credentials come from the Lambda
 * environment as usual; locally the same variables the SDK itself reads (`AWS_ENDPOINT_URL_<SERVICE>`, …) are
 * passed explicitly, so several local platforms can live in one process (tests restart one). One factory per
 * service, so that a function bundles only the clients it builds.
 */
const commonConfig = (env: NodeJS.ProcessEnv) => ({
  ...(env.AWS_REGION ? { region: env.AWS_REGION } : {}),
  ...(env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
    ? {
        credentials: {
          accessKeyId: env.AWS_ACCESS_KEY_ID,
          secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
          sessionToken: env.AWS_SESSION_TOKEN,
        },
      }
    : {}),
});

/**
 * Takes the SDK's logger middleware off a client. It builds a redacted copy of every call's input and output
 * (walking the operation's schema) and hands it to the client's logger, which by default discards it: about a
 * quarter of a millisecond of CPU per DynamoDB call, 3 % of a 1,000-webhook fan-out. The platform logs the
 * SDK errors it meets itself; a client given a logger of its own should keep the middleware.
 */
export const withoutSdkLogging = <Client extends { middlewareStack: { remove(name: string): boolean } }>(
  client: Client,
): Client => {
  client.middlewareStack.remove('loggerMiddleware');
  return client;
};

export const createS3Client = (env: NodeJS.ProcessEnv) =>
  withoutSdkLogging(
    new S3Client({
      ...commonConfig(env),
      ...(env.AWS_ENDPOINT_URL_S3 ? { endpoint: env.AWS_ENDPOINT_URL_S3 } : {}),
      forcePathStyle: env.S3_FORCE_PATH_STYLE === 'true',
      // Checksums only where S3 requires them: the platform writes small objects it already holds in memory.
      requestChecksumCalculation: 'WHEN_REQUIRED',
    }),
  );

const dynamoConfig = (env: NodeJS.ProcessEnv) => ({
  ...commonConfig(env),
  ...(env.AWS_ENDPOINT_URL_DYNAMODB ? { endpoint: env.AWS_ENDPOINT_URL_DYNAMODB } : {}),
});

export const createDynamoClient = (env: NodeJS.ProcessEnv) =>
  DynamoDBDocumentClient.from(withoutSdkLogging(new DynamoDBClient(dynamoConfig(env))), {
    marshallOptions: { removeUndefinedValues: true },
  });

/**
 * The low-level DynamoDB client, its middleware stack resolved once per command class (`cacheMiddleware`): for
 * the calls made once per delivery (see SubscriptionStoreClients). The document client refuses the option.
 */
export const createDynamoLowLevelClient = (env: NodeJS.ProcessEnv) =>
  withoutSdkLogging(new DynamoDBClient({ ...dynamoConfig(env), cacheMiddleware: true }));

export const createEventsClient = (env: NodeJS.ProcessEnv) =>
  withoutSdkLogging(
    new EventBridgeClient({
      ...commonConfig(env),
      ...(env.AWS_ENDPOINT_URL_EVENTBRIDGE ? { endpoint: env.AWS_ENDPOINT_URL_EVENTBRIDGE } : {}),
    }),
  );

export const createClients = (env: NodeJS.ProcessEnv) => ({
  s3: createS3Client(env),
  dynamo: createDynamoClient(env),
  events: createEventsClient(env),
});

/** The signed-request probe of bucket prefixes (see S3LocationProbe), from the same variables as the clients. */
export const createLocationProbe = (env: NodeJS.ProcessEnv) =>
  new S3LocationProbe({
    region: env.AWS_REGION ?? 'us-east-1',
    // Read on every probe: Lambda refreshes its role's credentials in the environment.
    credentials: () => ({
      accessKeyId: env.AWS_ACCESS_KEY_ID ?? '',
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '',
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    }),
    ...(env.AWS_ENDPOINT_URL_S3 ? { endpoint: env.AWS_ENDPOINT_URL_S3 } : {}),
    forcePathStyle: env.S3_FORCE_PATH_STYLE === 'true',
  });
