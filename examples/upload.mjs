#!/usr/bin/env node
// Uploads a file to the local platform's bucket with the AWS SDK — exactly what a producer's own code does.
//   node examples/upload.mjs <local file> <key in the bucket>
// The endpoint and bucket come from the running platform (`npx mesh status --json`).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const [file, key] = process.argv.slice(2);
if (!file || !key) {
  console.error('usage: node examples/upload.mjs <local file> <key in the bucket>');
  process.exit(2);
}
const stateDir = process.env.MESH_STATE_DIR ?? '.mesh';
const endpoints = JSON.parse(
  await readFile(join(stateDir, 'endpoints.json'), 'utf8').catch(() => {
    console.error(
      `the local platform is not running (no ${stateDir}/endpoints.json): start it with npm start`,
    );
    process.exit(1);
  }),
);
const s3 = new S3Client({
  endpoint: endpoints.s3,
  region: endpoints.region,
  forcePathStyle: true,
  credentials: { accessKeyId: 'mesh-local', secretAccessKey: 'mesh-local-secret' },
});
await s3.send(new PutObjectCommand({ Bucket: endpoints.bucket, Key: key, Body: await readFile(file) }));
console.log(`uploaded ${file} to s3://${endpoints.bucket}/${key}`);
