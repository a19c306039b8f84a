import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventBridgeEnvelope } from '../../events/event-contract';
import { platformRules, type RuleSpec } from '../../events/rules';
import { EmbeddedCatalog } from '../adapters/catalog/embedded-catalog';
import type { NotificationDeps } from '../core/notifications/notification-deps';
import { buildCatalog, buildCatalogSyncDeps } from '../handlers/catalog-root';
import { buildGitOpsDeps, buildReceiver } from '../handlers/git-root';
import { buildNotificationDeps } from '../handlers/notifications-root';
import { buildPublishingDeps } from '../handlers/publishing-root';
import type { Logger } from '../ports/logger';
import { logger as handlerLogger } from '../shared/logger';
import { LocalBus } from './bus/local-bus';
import type { LocalConfig } from './config';
import { ensureDataRepo } from './git/data-repo';
import { startHttpServer } from './http-server';
import { localLambdaContext } from './lambda-context';
import { ensureRegistryTable, startLocalDynamoDb } from './local-dynamodb';
import { LocalDeliveryQueue } from './queue/local-delivery-queue';
import { startLocalS3 } from './s3/local-s3-server';

/** A port the platform wanted is taken: say which, and which variable moves it. */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
}

type Handler = (event: unknown, context: ReturnType<typeof localLambdaContext>) => Promise<unknown>;

/**
 * One handler invocation. Lambda runs one at a time per process; here many run at once, so each logs with
 * its own context and keys.
 */
const invoke = <T>(invocation: () => Promise<T>): Promise<T> => handlerLogger.isolate(invocation);

/**
 * The handler modules, by the names rules use. Each is the very module Lambda runs; locally it gets its
 * adapters from `makeHandler` with an environment pointing at the local servers.
 */
interface Shared {
  /** The notification functions' adapters, with the in-process delivery queue. */
  notifications: () => NotificationDeps;
}

const handlerFactories: Record<
  RuleSpec['handler'],
  ((env: NodeJS.ProcessEnv, shared: Shared) => Promise<Handler>) | null
> = {
  // Locally `mesh query` runs DuckDB over the registry itself: there is no Glue catalog to keep in sync.
  'query-sync': null,
  'notify-fan-out': async (_env, shared) => {
    const { makeHandler } = await import('../handlers/notify-fan-out');
    return makeHandler(shared.notifications);
  },
  'contract-uploaded': async (env) => {
    const { makeHandler } = await import('../handlers/contract-uploaded');
    const deps = buildPublishingDeps(env);
    return makeHandler(() => deps);
  },
  'data-uploaded': async (env) => {
    const { makeHandler } = await import('../handlers/data-uploaded');
    const deps = buildPublishingDeps(env);
    return makeHandler(() => deps);
  },
  'catalog-sync': async (env) => {
    const { makeHandler } = await import('../handlers/catalog-sync');
    const deps = buildCatalogSyncDeps(env);
    return makeHandler(() => deps);
  },
  'git-push-received': async (env) => {
    const { makeHandler } = await import('../handlers/git-push-received');
    const deps = buildGitOpsDeps(env);
    return makeHandler(() => deps);
  },
};

/** The subscriptions API: the HTTP API handler, fed by the local HTTP server. */
const subscriptionsApiHandler = async (deps: () => NotificationDeps) => {
  const { makeHandler } = await import('../handlers/subscriptions-api');
  const handler = makeHandler(deps);
  return (event: unknown) => invoke(() => handler(event, localLambdaContext('subscriptions-api')));
};

/** The git webhook endpoint: the function URL handler, fed by the local HTTP server. */
const webhookHandler = async (env: NodeJS.ProcessEnv) => {
  const { makeHandler } = await import('../handlers/git-webhook');
  const receiver = buildReceiver(env);
  const handler = makeHandler(() => receiver);
  return (event: unknown) => invoke(() => handler(event, localLambdaContext('git-webhook')));
};

export interface LocalEndpoints {
  stateDir: string;
  http: string;
  eventBridge: string;
  s3: string;
  bucket: string;
  dynamodb: string;
  tableName: string;
  busName: string;
  region: string;
  eventLog: string;
  deadLetters: string;
  /** The bare data repo: `git clone <dataRepo>`. */
  dataRepo: string;
  dataRepoBranch: string;
  /** Team membership for ownership checks, read at start (absent: ownership not enforced). */
  teamsFile: string;
  /** DataHub GMS when `DATAHUB_GMS_URL` is set, else the embedded catalog's folder. */
  catalog: { kind: 'datahub' | 'embedded'; target: string };
}

export type LocalPlatform = Awaited<ReturnType<typeof startPlatform>>;

/** Local credentials: the servers accept any, but the SDK insists on some. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'mesh-local', secretAccessKey: 'mesh-local-secret' };

/**
 * Starts the whole platform on this machine: S3-compatible server, DynamoDB-compatible server persisted under
 * the state folder, the in-process bus with the deployed rules, and the HTTP front door.
 */
export const startPlatform = async (config: LocalConfig, logger: Logger) => {
  const dirs = { s3: join(config.stateDir, 's3'), dynamodb: join(config.stateDir, 'dynamodb') };
  await mkdir(dirs.s3, { recursive: true });
  await mkdir(dirs.dynamodb, { recursive: true });
  const files = {
    eventLog: join(config.stateDir, 'events.jsonl'),
    deadLetters: join(config.stateDir, 'dead-letters.jsonl'),
  };

  const closers: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await rm(join(config.stateDir, 'endpoints.json'), { force: true });
  };
  try {
    const dynamo = await listening('MESH_DYNAMODB_PORT', config.ports.dynamodb, () =>
      startLocalDynamoDb({
        port: config.ports.dynamodb,
        directory: dirs.dynamodb,
        onUnexpectedExit: (code, signal) =>
          logger.error(
            `the DynamoDB server (dynalite) stopped unexpectedly (${signal ?? `exit code ${code}`}): the registry is unreachable until "mesh start" runs again`,
          ),
      }),
    );
    closers.push(dynamo.close);

    const bus = new LocalBus({
      name: config.busName,
      account: config.account,
      region: config.region,
      eventLogFile: files.eventLog,
      deadLetterFile: files.deadLetters,
      logger,
    });
    closers.push(() => bus.whenIdle());

    // Filled in once every server listens; until then the status page says the platform is starting.
    let endpoints: LocalEndpoints | undefined;
    let onWebhook: ((event: unknown) => Promise<unknown>) | undefined;
    let onSubscriptionsApi: ((event: unknown) => Promise<unknown>) | undefined;
    const catalogDir = join(config.stateDir, 'catalog');
    const gms = config.datahub.gmsUrl;
    const embedded = gms ? undefined : new EmbeddedCatalog(catalogDir);
    const http = await listening('MESH_HTTP_PORT', config.ports.http, () =>
      startHttpServer({
        port: config.ports.http,
        bus,
        status: () => (endpoints ? { status: 'running', endpoints } : { status: 'starting' }),
        webhook: (event) => (onWebhook ? onWebhook(event) : Promise.resolve(undefined)),
        catalog: () => (embedded ? embedded.entities() : Promise.resolve(undefined)),
        replayDeadLetters: () => bus.replayDeadLetters(),
        subscriptionsApi: (event) =>
          onSubscriptionsApi ? onSubscriptionsApi(event) : Promise.resolve(undefined),
      }),
    );
    closers.push(http.close);

    const s3 = await listening('MESH_S3_PORT', config.ports.s3, () =>
      startLocalS3({
        port: config.ports.s3,
        directory: dirs.s3,
        buckets: [config.bucket],
        account: config.account,
        region: config.region,
        onObjectCreated: (event: EventBridgeEnvelope) => bus.putEnvelope(event),
      }),
    );
    closers.push(s3.close);

    const repo = await ensureDataRepo(config.stateDir, config.dataRepoBranch);
    const teamsFile = join(config.stateDir, 'teams.json');
    const teams = await readTeams(teamsFile);
    const env: NodeJS.ProcessEnv = {
      TABLE_NAME: config.tableName,
      EVENT_BUS_NAME: config.busName,
      DATA_BUCKET_NAME: config.bucket,
      AWS_REGION: config.region,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: http.endpoint,
      S3_FORCE_PATH_STYLE: 'true',
      GIT_PROVIDER: 'local',
      LOCAL_GIT_DIR: repo.gitDir,
      DATA_REPO_BRANCH: repo.branch,
      WEBHOOK_SECRETS: JSON.stringify({ github: repo.secret }),
      NOTIFY_MODE: 'local',
      MAIL_OUTBOX_DIR: join(config.stateDir, 'outbox'),
      ...(teams ? { TEAMS_JSON: teams } : {}),
      ...(gms
        ? {
            DATAHUB_GMS_URL: gms,
            ...(config.datahub.token ? { DATAHUB_GMS_TOKEN: config.datahub.token } : {}),
          }
        : { CATALOG_DIR: catalogDir }),
    };
    await ensureRegistryTable(
      new DynamoDBClient({
        region: config.region,
        endpoint: dynamo.endpoint,
        credentials: LOCAL_CREDENTIALS,
      }),
      config.tableName,
    );

    // The fan-out queue: the delivery handler module behind an in-process queue, as SQS invokes it on AWS.
    const { makeHandler: makeDeliverHandler } = await import('../handlers/notify-deliver');
    const deliverHandler = makeDeliverHandler(() => notificationDeps);
    const queue = new LocalDeliveryQueue({
      handler: (event) => invoke(() => deliverHandler(event, localLambdaContext('notify-deliver'))),
      deadLetterFile: join(config.stateDir, 'notification-dead-letters.jsonl'),
      logger,
      track: (work) => bus.track(work),
    });
    const notificationDeps: NotificationDeps = buildNotificationDeps(env, { queue });
    for (const rule of platformRules()) {
      const factory = handlerFactories[rule.handler];
      if (!factory) continue;
      const handler = await factory(env, { notifications: () => notificationDeps });
      bus.addRule(rule.id, rule.pattern, (event) =>
        invoke(() => handler(event, localLambdaContext(rule.handler))),
      );
    }
    onWebhook = await webhookHandler(env);
    onSubscriptionsApi = await subscriptionsApiHandler(() => notificationDeps);

    endpoints = {
      stateDir: config.stateDir,
      http: http.endpoint,
      eventBridge: http.endpoint,
      s3: s3.endpoint,
      bucket: config.bucket,
      dynamodb: dynamo.endpoint,
      tableName: config.tableName,
      busName: config.busName,
      region: config.region,
      ...files,
      dataRepo: repo.gitDir,
      dataRepoBranch: repo.branch,
      teamsFile,
      catalog: gms ? { kind: 'datahub', target: gms } : { kind: 'embedded', target: catalogDir },
    };
    await writeFile(
      join(config.stateDir, 'endpoints.json'),
      `${JSON.stringify({ pid: process.pid, ...endpoints }, null, 2)}\n`,
    );
    return {
      config,
      endpoints,
      env,
      bus,
      stop,
      teamsConfigured: teams !== undefined,
      catalog: () => buildCatalog(env),
    };
  } catch (error) {
    await stop();
    throw error;
  }
};

/** `teams.json` in the state folder (team → members), validated by the functions' own env schema. */
const readTeams = async (file: string): Promise<string | undefined> => {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
};

const listening = async <T>(variable: string, port: number, start: () => Promise<T>): Promise<T> => {
  try {
    return await start();
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'EADDRINUSE') {
      throw new PortInUseError(
        `port ${port} on 127.0.0.1 is already in use (is another "mesh start" running?). Stop that process or choose another port with ${variable}=<port>.`,
      );
    }
    throw error;
  }
};
