import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3LocationProbe } from '../../functions/adapters/s3/s3-location-probe';
import { startLocalS3 } from '../../functions/local/s3/local-s3-server';
import { type Received, startHttp } from '../support/http';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

const probeAt = (endpoint: string) =>
  new S3LocationProbe({ region: 'us-east-1', credentials: () => credentials, endpoint });

describe('Adapter: S3LocationProbe (one signed ListObjectsV2)', () => {
  let dir: string;
  let server: Awaited<ReturnType<typeof startLocalS3>>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mesh-probe-'));
    server = await startLocalS3({
      port: 0,
      directory: dir,
      buckets: ['team-data'],
      account: '000000000000',
      region: 'us-east-1',
      onObjectCreated: () => {},
    });
    const client = new S3Client({
      endpoint: server.endpoint,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials,
    });
    for (const key of ['orders/a.csv', 'orders/2026/b.csv'])
      await client.send(new PutObjectCommand({ Bucket: 'team-data', Key: key, Body: 'x' }));
    client.destroy();
  });

  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('tells a prefix with files, one without, and a missing bucket apart (local S3 server)', async () => {
    const probe = probeAt(server.endpoint);
    expect(await probe.probe('team-data', 'orders/')).toEqual({ readable: true, hasObjects: true });
    expect(await probe.probe('team-data', 'invoices/')).toEqual({ readable: true, hasObjects: false });
    expect(await probe.probe('no-such-bucket', 'orders/')).toEqual({
      readable: false,
      reason: 'bucket "no-such-bucket" does not exist (or is in another region)',
    });
  });

  describe('against an S3 that refuses', () => {
    let fake: Awaited<ReturnType<typeof startHttp>>;
    const requests: Received[] = [];
    let answer = { status: 403, code: 'AccessDenied' };

    beforeAll(async () => {
      fake = await startHttp((request, response) => {
        requests.push(request);
        response.writeHead(answer.status, { 'content-type': 'application/xml' });
        response.end(
          `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${answer.code}</Code><Message>no</Message></Error>`,
        );
      });
    });
    afterAll(async () => fake?.close());

    it('says why: access denied, another region; and throws on anything else (retried)', async () => {
      const probe = probeAt(fake.url);
      answer = { status: 403, code: 'AccessDenied' };
      expect(await probe.probe('team-data', 'orders/')).toEqual({
        readable: false,
        reason:
          "access denied listing s3://team-data/orders/: the bucket policy must allow the platform's functions s3:ListBucket and s3:GetObject* (the ProducerBucket construct grants both)",
      });
      answer = { status: 301, code: 'PermanentRedirect' };
      expect(await probe.probe('team-data', 'orders/')).toEqual({
        readable: false,
        reason: 'bucket "team-data" is in another region than the platform',
      });
      answer = { status: 503, code: 'SlowDown' };
      await expect(probe.probe('team-data', 'orders/')).rejects.toThrow(
        'listing s3://team-data/orders/ failed: 503 SlowDown',
      );
    });

    it('signs the listing with SigV4 for S3 (payload hash included)', () => {
      const [signed] = requests;
      expect(signed?.url).toMatch(/^\/team-data\?list-type=2&prefix=orders%2F&max-keys=1$/);
      expect(signed?.headers.authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=test\/\d{8}\/us-east-1\/s3\/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$/,
      );
      expect(signed?.headers['x-amz-content-sha256']).toBe(
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      );
    });
  });
});
