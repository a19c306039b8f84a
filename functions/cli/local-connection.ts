import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DynamoDbRegistry } from '../adapters/dynamodb/dynamodb-registry';
import { loadLocalConfig } from '../local/config';
import { LOCAL_CREDENTIALS } from '../local/platform';
import { createClients } from '../shared/clients';
import * as z from '../shared/zod';

const EndpointsFileSchema = z.object({
  pid: z.number(),
  stateDir: z.string(),
  http: z.string(),
  eventBridge: z.string(),
  s3: z.string(),
  bucket: z.string(),
  dynamodb: z.string(),
  tableName: z.string(),
  busName: z.string(),
  region: z.string(),
  eventLog: z.string(),
  deadLetters: z.string(),
  /** Absent in files written by platforms from before the data repo. */
  dataRepo: z.optional(z.string()),
  dataRepoBranch: z.optional(z.string()),
  teamsFile: z.optional(z.string()),
  catalog: z.optional(z.object({ kind: z.enum(['datahub', 'embedded']), target: z.string() })),
});

export type EndpointsFile = z.infer<typeof EndpointsFileSchema>;

export class PlatformNotRunningError extends Error {
  override readonly name = 'PlatformNotRunningError';
}

/** Finds the running local platform through the endpoints file it writes into its state folder. */
export const readEndpoints = async (env: NodeJS.ProcessEnv = process.env): Promise<EndpointsFile> => {
  const { stateDir } = loadLocalConfig(env);
  const file = join(stateDir, 'endpoints.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new PlatformNotRunningError(
      `the local platform is not running (no ${file}). Start it with: npm start`,
    );
  }
  const endpoints = EndpointsFileSchema.parse(JSON.parse(text));
  if (!isAlive(endpoints.pid)) {
    throw new PlatformNotRunningError(
      `the local platform (pid ${endpoints.pid}) is not running any more. Start it with: npm start`,
    );
  }
  return endpoints;
};

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error instanceof Error && 'code' in error && error.code === 'EPERM';
  }
};

/** The same SDK clients and adapters the handlers use, pointed at the local servers. */
export const localClients = (endpoints: EndpointsFile) => {
  const clients = createClients({
    AWS_REGION: endpoints.region,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_S3: endpoints.s3,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_EVENTBRIDGE: endpoints.eventBridge,
    S3_FORCE_PATH_STYLE: 'true',
  });
  return { ...clients, registry: new DynamoDbRegistry(clients.dynamo, endpoints.tableName) };
};
