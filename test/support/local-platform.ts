import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { EventBridgeEnvelope } from '../../events/event-contract';
import { type LocalConfig, loadLocalConfig } from '../../functions/local/config';
import { LOCAL_CREDENTIALS, type LocalPlatform, startPlatform } from '../../functions/local/platform';

const silentLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/** A local platform on random ports in a temporary state folder, with every bus event recorded. */
export const startTestPlatform = async (stateDir?: string, env: NodeJS.ProcessEnv = {}) => {
  const dir = stateDir ?? (await mkdtemp(join(tmpdir(), 'mesh-test-')));
  const config: LocalConfig = loadLocalConfig({
    MESH_STATE_DIR: dir,
    MESH_HTTP_PORT: '0',
    MESH_S3_PORT: '0',
    MESH_DYNAMODB_PORT: '0',
    ...env,
  });
  const platform: LocalPlatform = await startPlatform(config, silentLogger);
  const events: EventBridgeEnvelope[] = [];
  platform.bus.on('event', (e: EventBridgeEnvelope) => events.push(e));
  const s3 = new S3Client({
    endpoint: platform.endpoints.s3,
    forcePathStyle: true,
    region: platform.endpoints.region,
    credentials: LOCAL_CREDENTIALS,
  });
  return {
    platform,
    stateDir: dir,
    s3,
    bucket: platform.endpoints.bucket,
    events,
    /** Domain events of one type, in the order they were put on the bus. */
    domainEvents: (detailType: string) => events.filter((e) => e['detail-type'] === detailType),
    /** Uploads with the real SDK, then waits until the bus has delivered everything that upload caused. */
    upload: async (key: string, body: string | Uint8Array, bucket = platform.endpoints.bucket) => {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
      await platform.bus.whenIdle();
    },
    stop: async (options: { keepState?: boolean } = {}) => {
      await platform.stop();
      s3.destroy();
      if (!options.keepState) await rm(dir, { recursive: true, force: true });
    },
  };
};

export type TestPlatform = Awaited<ReturnType<typeof startTestPlatform>>;
