import { S3Client } from '@aws-sdk/client-s3';
import { loadLocalConfig } from '../functions/local/config';
import { LOCAL_CREDENTIALS, startPlatform } from '../functions/local/platform';

const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/** The local platform `npm start` runs, on free ports and its own state folder, with an S3 client for it. */
export const startBenchPlatform = async (stateDir: string) => {
  const platform = await startPlatform(
    loadLocalConfig({
      MESH_STATE_DIR: stateDir,
      MESH_HTTP_PORT: '0',
      MESH_S3_PORT: '0',
      MESH_DYNAMODB_PORT: '0',
    }),
    silent,
  );
  const s3 = new S3Client({
    endpoint: platform.endpoints.s3,
    forcePathStyle: true,
    region: platform.endpoints.region,
    credentials: LOCAL_CREDENTIALS,
  });
  return {
    platform,
    s3,
    stop: async () => {
      s3.destroy();
      await platform.stop();
    },
  };
};
