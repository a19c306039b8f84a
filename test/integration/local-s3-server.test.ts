import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventBridgeEnvelope } from '../../events/event-contract';
import { S3ObjectCreated } from '../../events/inbound/s3-object-created';
import { S3ObjectStore } from '../../functions/adapters/s3/s3-object-store';
import { startLocalS3 } from '../../functions/local/s3/local-s3-server';

describe('Local S3-compatible server', () => {
  let dir: string;
  let server: Awaited<ReturnType<typeof startLocalS3>>;
  let client: S3Client;
  const events: EventBridgeEnvelope[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mesh-s3-'));
    server = await startLocalS3({
      port: 0,
      directory: dir,
      buckets: ['data'],
      account: '000000000000',
      region: 'us-east-1',
      onObjectCreated: (e) => events.push(e),
    });
    // The SDK's defaults on purpose: streaming uploads use the aws-chunked encoding with a checksum trailer.
    client = new S3Client({
      endpoint: server.endpoint,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
  });

  afterAll(async () => {
    client.destroy();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  const read = async (key: string) =>
    (await client.send(new GetObjectCommand({ Bucket: 'data', Key: key }))).Body?.transformToString();

  it('stores the bytes of a streaming (aws-chunked) upload, not its framing', async () => {
    const body = 'id,name\n1,ünïcødé\n'.repeat(5000);

    await client.send(
      new PutObjectCommand({
        Bucket: 'data',
        Key: 'p/stream.csv',
        Body: Readable.from([Buffer.from(body)]),
        ContentLength: Buffer.byteLength(body),
      }),
    );

    expect(await read('p/stream.csv')).toBe(body);
  });

  it('turns each new object into an EventBridge "Object Created" event with a growing sequencer', async () => {
    events.length = 0;
    await client.send(new PutObjectCommand({ Bucket: 'data', Key: 'p/a b+ü.csv', Body: 'x' }));
    await client.send(new PutObjectCommand({ Bucket: 'data', Key: 'p/a b+ü.csv', Body: 'y' }));

    expect(events).toHaveLength(2);
    const [first, second] = events.map((e) => S3ObjectCreated.envelope.parse(e));
    expect(first?.detail).toMatchObject({
      bucket: { name: 'data' },
      object: { key: 'p/a b+ü.csv', size: 1 },
      reason: 'PutObject',
    });
    expect(first?.resources).toEqual(['arn:aws:s3:::data']);
    expect((second?.detail.object.sequencer ?? '') > (first?.detail.object.sequencer ?? '')).toBe(true);
  });

  it('copies objects whose keys hold reserved and non-ASCII characters (the quarantine move)', async () => {
    const store = new S3ObjectStore(client);
    await client.send(new PutObjectCommand({ Bucket: 'data', Key: 'p/100% a+b ü.csv', Body: 'payload' }));

    await store.copy(
      { bucket: 'data', key: 'p/100% a+b ü.csv' },
      { bucket: 'data', key: '_quarantine/p/100% a+b ü.csv' },
    );

    expect(await read('_quarantine/p/100% a+b ü.csv')).toBe('payload');
  });

  it('lists a prefix with MaxKeys below its key count (s3rver alone fails to truncate under OpenSSL 3)', async () => {
    for (const key of ['probe/a.csv', 'probe/b.csv', 'probe/c/d.csv'])
      await client.send(new PutObjectCommand({ Bucket: 'data', Key: key, Body: 'x' }));

    const listed = await client.send(
      new ListObjectsV2Command({ Bucket: 'data', Prefix: 'probe/', MaxKeys: 1 }),
    );

    expect(listed.Contents?.map((o) => o.Key)).toContain('probe/a.csv');
  });
});
