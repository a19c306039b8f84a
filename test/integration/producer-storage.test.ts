import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli';
import { cloneRepo } from '../support/git';
import { type Received, startHttp } from '../support/http';
import { startTestPlatform, type TestPlatform } from '../support/local-platform';

const example = (path: string) => readFileSync(new URL(`../../examples/${path}`, import.meta.url), 'utf8');

/** The orders contract as another product (`id`/`dataProduct`), declaring S3 servers when given. */
const contract = (productId: string, options: { version?: string; servers?: string[] } = {}) => {
  let text = example('orders/datacontract.yaml')
    .replace('dataProduct: orders', `dataProduct: ${productId}`)
    .replace(/^name: Orders$/m, `name: ${productId}`)
    .replace(/^id: .*$/m, `id: ${productId}-contract`)
    .replace('version: 1.0.0', `version: ${options.version ?? '1.0.0'}`);
  if (options.servers) {
    const servers = options.servers
      .map((location, i) => `  - server: store-${i}\n    type: s3\n    location: ${location}\n`)
      .join('');
    text = `${text.trimEnd()}\nservers:\n${servers}`;
  }
  return text;
};

const GOOD_CSV = example('orders/orders-2026-11-21.csv');
const BAD_CSV = example('orders/orders-2026-11-22-bad.csv');

describe('Producer storage: products whose files live in their own bucket (a second local bucket)', () => {
  let t: TestPlatform;
  const received: Received[] = [];
  let webhook: Awaited<ReturnType<typeof startHttp>>;

  const rejections = (productId: string) =>
    t
      .domainEvents('Data Product Rejected')
      .map((e) => e.detail as { metadata: { productId: string }; reason: string; errors: unknown[] })
      .filter((d) => d.metadata.productId === productId);

  beforeAll(async () => {
    webhook = await startHttp((request, response) => {
      received.push(request);
      response.writeHead(200).end();
    });
    t = await startTestPlatform();
    process.env.MESH_STATE_DIR = t.stateDir;
  });

  afterAll(async () => {
    await t?.stop();
    await webhook?.close();
  });

  it('refuses a contract whose declared location the platform cannot read, registering nothing', async () => {
    await t.upload(
      'shipments/datacontract.yaml',
      contract('shipments', { servers: ['s3://team-logistics/shipments/'] }),
    );

    expect(rejections('shipments')).toEqual([
      expect.objectContaining({
        reason: 'location-unreadable',
        errors: [
          {
            path: 'servers[0].location',
            message: 'bucket "team-logistics" does not exist (or is in another region)',
          },
        ],
      }),
    ]);
    expect(t.domainEvents('Data Product Registered')).toEqual([]);
    const products = await cli('products', '--json');
    expect(JSON.parse(products.out)).toEqual([]);
  });

  it('registers a readable declared bucket prefix and publishes the files uploaded there', async () => {
    await t.s3.send(new CreateBucketCommand({ Bucket: 'team-logistics' }));
    await t.upload(
      'shipments/datacontract.yaml',
      contract('shipments', { servers: ['s3://team-logistics/shipments/*.csv'] }),
    );
    expect(t.domainEvents('Data Product Storage Changed').map((e) => e.detail)).toEqual([
      expect.objectContaining({
        reason: 'contract-servers',
        added: [{ kind: 's3', bucket: 'team-logistics', prefix: 'shipments/' }],
        removed: [],
        locations: expect.arrayContaining([
          { kind: 's3', bucket: t.bucket, prefix: 'shipments/' },
          { kind: 's3', bucket: 'team-logistics', prefix: 'shipments/' },
        ]),
      }),
    ]);

    await t.upload('shipments/2026/11/part-0.csv', GOOD_CSV, 'team-logistics');
    await t.upload('shipments/2026/11/part-1.csv', BAD_CSV, 'team-logistics');

    const published = t.domainEvents('Data Product Version Published').map((e) => e.detail);
    expect(published).toEqual([
      expect.objectContaining({
        metadata: expect.objectContaining({ productId: 'shipments' }),
        version: expect.objectContaining({
          object: expect.objectContaining({ bucket: 'team-logistics', key: 'shipments/2026/11/part-0.csv' }),
          rows: 3,
        }),
      }),
    ]);
    const failed = t.domainEvents('Data Product Validation Failed').map((e) => e.detail);
    expect(failed).toEqual([
      expect.objectContaining({
        quarantinedAs: expect.objectContaining({
          bucket: 'team-logistics',
          key: '_quarantine/shipments/2026/11/part-1.csv',
        }),
      }),
    ]);
    const listed = await t.s3.send(new ListObjectsV2Command({ Bucket: 'team-logistics' }));
    expect(listed.Contents?.map((o) => o.Key).sort()).toEqual([
      '_quarantine/shipments/2026/11/part-1.csv',
      '_quarantine/shipments/2026/11/part-1.csv.errors.json',
      'shipments/2026/11/part-0.csv',
    ]);
  });

  it('queries the product in its own bucket like any other, joined with a default-bucket product', async () => {
    await t.upload('orders/datacontract.yaml', example('orders/datacontract.yaml'));
    await t.upload('orders/2026/orders-2026-11-21.csv', GOOD_CSV);

    const result = await cli(
      'query',
      'SELECT count(*) AS n, sum(s.amount) AS total FROM shipments s JOIN orders o ON o.order_id = s.order_id',
      '--json',
    );
    expect(result.err).toBe('');
    expect(JSON.parse(result.out)).toEqual([{ n: 3, total: 182.49 }]);
  });

  it('checks and registers the S3 servers of a contract pushed to the data repo the same way', async () => {
    const work = await mkdtemp(join(tmpdir(), 'producer-storage-'));
    try {
      const repo = await cloneRepo(t.platform.endpoints.dataRepo, join(work, 'data'), {
        name: 'logistics',
        email: 'logistics@example.com',
      });
      await repo.write(
        'returns/datacontract.yaml',
        contract('returns', { servers: ['s3://team-returns/returns/'] }),
      );
      await repo.commit('returns: stored in our own bucket');
      await repo.push();
      await t.platform.bus.whenIdle();
      expect(rejections('returns')).toEqual([
        expect.objectContaining({
          reason: 'location-unreadable',
          errors: [
            {
              path: 'servers[0].location',
              message: 'bucket "team-returns" does not exist (or is in another region)',
            },
          ],
        }),
      ]);

      await t.s3.send(new CreateBucketCommand({ Bucket: 'team-returns' }));
      await repo.write('returns/README.md', 'Returns, stored in team-returns.\n');
      await repo.write(
        'returns/datacontract.yaml',
        `${contract('returns', { servers: ['s3://team-returns/returns/'] })}\n`,
      );
      await repo.commit('returns: bucket created');
      await repo.push();
      await t.platform.bus.whenIdle();
      await t.upload('returns/2026/part-0.csv', GOOD_CSV, 'team-returns');

      const shown = JSON.parse((await cli('product', 'show', 'returns', '--json')).out) as {
        locations: unknown[];
        versions: { object: { bucket?: string } }[];
      };
      expect(shown.locations).toEqual(
        expect.arrayContaining([{ kind: 's3', bucket: 'team-returns', prefix: 'returns/' }]),
      );
      expect(shown.versions.map((v) => v.object.bucket)).toEqual(['team-returns']);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });

  it("refuses a contract declaring a prefix of the platform's default bucket (another product's folder there)", async () => {
    await t.upload(
      'squatter/datacontract.yaml',
      contract('squatter', { servers: [`s3://${t.bucket}/invoices/`] }),
    );

    expect(rejections('squatter')).toEqual([
      expect.objectContaining({
        reason: 'invalid-contract',
        errors: [
          {
            path: 'servers[0].location',
            message: `${t.bucket} is the platform's default bucket, where a product's folder is squatter/ by convention: declare only buckets of your own`,
          },
        ],
      }),
    ]);
  });

  it('keeps the folder the contract lives in registered when the contract stops declaring it as a server', async () => {
    await t.s3.send(new CreateBucketCommand({ Bucket: 'team-fleet' }));
    await t.upload('vans/datacontract.yaml', contract('vans', { servers: ['s3://team-fleet/vans/'] }));
    // From then on the contract lives in the team's bucket, and declares nothing.
    await t.upload('vans/datacontract.yaml', contract('vans', { version: '1.1.0' }), 'team-fleet');
    await t.upload('vans/2026/part-0.csv', GOOD_CSV, 'team-fleet');

    const shown = JSON.parse((await cli('product', 'show', 'vans', '--json')).out) as {
      locations: unknown[];
      versions: unknown[];
    };
    expect(shown.locations).toContainEqual({ kind: 's3', bucket: 'team-fleet', prefix: 'vans/' });
    expect(shown.versions).toHaveLength(1);
  });

  it('ignores files of the bucket outside every registered prefix', async () => {
    const before = t.events.length;
    await t.upload('scratch/notes.csv', 'a,b\n1,2\n', 'team-logistics');

    expect(t.events.slice(before).map((e) => e['detail-type'])).toEqual(['Object Created']);
  });

  it('refuses a second product on the same prefix, or on a prefix inside or around it', async () => {
    await t.upload(
      'parcels/datacontract.yaml',
      contract('parcels', { servers: ['s3://team-logistics/shipments/'] }),
    );
    await t.upload(
      'parcels-eu/datacontract.yaml',
      contract('parcels-eu', { servers: ['s3://team-logistics/shipments/eu/'] }),
    );

    expect(rejections('parcels')).toEqual([
      expect.objectContaining({
        reason: 'location-conflict',
        errors: [
          {
            path: 'servers[0].location',
            message: 'already registered to product "shipments"',
          },
        ],
      }),
    ]);
    expect(rejections('parcels-eu')).toEqual([
      expect.objectContaining({
        reason: 'location-conflict',
        errors: [
          {
            path: 'servers[0].location',
            message:
              'overlaps s3://team-logistics/shipments/, registered to product "shipments": one prefix holds one product\'s files',
          },
        ],
      }),
    ]);
    const products = JSON.parse((await cli('products', '--json')).out) as { id: string }[];
    expect(products.map((p) => p.id)).not.toContain('parcels');
    expect(products.map((p) => p.id)).not.toContain('parcels-eu');
  });

  it('moves a product to its own bucket: history kept, each subscriber told once where the data now lives', async () => {
    const subscribed = await cli('subscribe', 'orders', '--webhook', `${webhook.url}/hook`, '--json');
    expect(subscribed.code).toBe(0);
    const secret = JSON.parse(subscribed.out).signingSecret as string;
    await t.s3.send(new CreateBucketCommand({ Bucket: 'team-sales' }));

    const moved = contract('orders', { version: '1.1.0', servers: ['s3://team-sales/orders/'] })
      .replace(/^id: .*$/m, 'id: 8a0b6a8e-6f4e-4d6b-9a57-2f1d1f5d2c11')
      .replace(/^name: orders$/m, 'name: Orders');
    await t.upload('orders/datacontract.yaml', moved);
    // The same contract again (a re-upload) changes nothing and tells nobody twice.
    await t.upload('orders/datacontract.yaml', moved);
    await t.upload('orders/2026/12/part-0.csv', GOOD_CSV, 'team-sales');

    const storage = received.filter((r) => JSON.parse(r.body).type === 'io.datamesh.storage-changed');
    expect(storage).toHaveLength(1);
    const event = new Webhook(secret).verify(storage[0]?.body ?? '', {
      'webhook-id': String(storage[0]?.headers['webhook-id']),
      'webhook-timestamp': String(storage[0]?.headers['webhook-timestamp']),
      'webhook-signature': String(storage[0]?.headers['webhook-signature']),
    }) as { data: { added: unknown[] } };
    expect(event.data.added).toEqual([{ kind: 's3', bucket: 'team-sales', prefix: 'orders/' }]);

    const versions = JSON.parse((await cli('product', 'show', 'orders', '--json')).out) as {
      versions: { object: { bucket: string } }[];
    };
    expect(versions.versions.map((v) => v.object.bucket).sort()).toEqual([t.bucket, 'team-sales']);
    const body = await t.s3.send(
      new GetObjectCommand({ Bucket: 'team-sales', Key: 'orders/2026/12/part-0.csv' }),
    );
    expect(await body.Body?.transformToString()).toBe(GOOD_CSV);
  });
});
