import { readFileSync } from 'node:fs';
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventBridgeEnvelope } from '../../events/event-contract';
import { main } from '../../functions/cli/main';
import { startTestPlatform, type TestPlatform } from '../support/local-platform';

const example = (file: string) => readFileSync(new URL(`../../examples/orders/${file}`, import.meta.url));

const capture = () => {
  const lines: string[] = [];
  return { lines, output: { out: (t: string) => lines.push(t), err: (t: string) => lines.push(t) } };
};

const detailOf = <T>(event: EventBridgeEnvelope | undefined) => event?.detail as T;

describe('Bucket-upload flow (local platform: s3rver + dynalite + local bus + the real handler)', () => {
  let t: TestPlatform;

  beforeAll(async () => {
    t = await startTestPlatform();
    process.env.MESH_STATE_DIR = t.stateDir;
    await t.upload('orders/datacontract.yaml', example('datacontract.yaml'));
  });

  afterAll(async () => {
    await t?.stop();
  });

  it('registers a product from its contract and announces it', async () => {
    const [registered] = t.domainEvents('Data Product Registered');

    expect(detailOf<{ product: { id: string; ownerTeam: string } }>(registered).product).toMatchObject({
      id: 'orders',
      ownerTeam: 'sales-team',
    });
    const { lines, output } = capture();
    expect(await main(['product', 'show', 'orders', '--json'], output)).toBe(0);
    const shown = JSON.parse(lines.join('\n'));
    expect(shown.product.contractVersion).toBe('1.0.0');
    expect(shown.locations).toEqual([{ kind: 's3', bucket: t.bucket, prefix: 'orders/' }]);
  });

  it('publishes a version for a valid CSV with rows, size and sha256', async () => {
    const body = example('orders-2026-11-21.csv');

    await t.upload('orders/2026/orders-2026-11-21.csv', body);

    const published = detailOf<{
      version: { rows: number; size: number; sha256: string; object: { key: string } };
    }>(t.domainEvents('Data Product Version Published').at(-1));
    expect(published.version).toMatchObject({
      rows: 3,
      size: body.length,
      object: { key: 'orders/2026/orders-2026-11-21.csv' },
    });
    expect(published.version.sha256).toMatch(/^[0-9a-f]{64}$/);
    const { lines, output } = capture();
    await main(['product', 'show', 'orders', '--json'], output);
    expect(JSON.parse(lines.join('\n')).versions[0]).toMatchObject({ verdict: 'published', rows: 3 });
  });

  it('quarantines a bad CSV with row and column errors, without looping', async () => {
    const before = t.events.length;

    await t.upload('orders/orders-2026-11-22-bad.csv', example('orders-2026-11-22-bad.csv'));

    const failed = detailOf<{
      errors: { row: number; column: string | null; rule: string }[];
      quarantinedAs: { key: string };
    }>(t.domainEvents('Data Product Validation Failed').at(-1));
    expect(failed.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ row: 2, column: 'amount', rule: 'minimum' }),
        expect.objectContaining({ row: 3, column: 'order_id', rule: 'type' }),
        expect.objectContaining({ row: 3, column: 'status', rule: 'allowed-values' }),
        expect.objectContaining({ row: 4, column: 'order_id', rule: 'primary-key' }),
      ]),
    );
    expect(failed.quarantinedAs.key).toBe('_quarantine/orders/orders-2026-11-22-bad.csv');
    await expect(
      t.s3.send(new HeadObjectCommand({ Bucket: t.bucket, Key: 'orders/orders-2026-11-22-bad.csv' })),
    ).rejects.toThrow();
    const report = await t.s3.send(
      new GetObjectCommand({ Bucket: t.bucket, Key: `${failed.quarantinedAs.key}.errors.json` }),
    );
    expect(JSON.parse((await report.Body?.transformToString()) ?? '{}')).toMatchObject({
      product: 'orders',
      valid: false,
    });
    // The copy into quarantine raised Object Created events, but no rule routes them: nothing else happened.
    const caused = t.events
      .slice(before)
      .filter((e) => e.source !== 'aws.s3')
      .map((e) => e['detail-type']);
    expect(caused).toEqual(['Data Product Validation Failed']);
  });

  /** Runs `work` while the bus refuses the first PutEvents carrying `detailType` (InternalFailure), then recovers. */
  const refusingOnce = async (detailType: string, work: () => Promise<void>): Promise<number> => {
    const bus = t.platform.bus;
    const putEvents = bus.putEvents.bind(bus);
    let refused = 0;
    bus.putEvents = (entries) => {
      if (refused === 0 && entries.some((e) => e.DetailType === detailType)) {
        refused++;
        return entries.map(() => ({ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }));
      }
      return putEvents(entries);
    };
    try {
      await work();
    } finally {
      bus.putEvents = putEvents;
    }
    return refused;
  };

  it('still tells the producer about a bad CSV when the bus refused the first attempt: the file stays until then', async () => {
    const refused = await refusingOnce('Data Product Validation Failed', () =>
      t.upload('orders/orders-retried-bad.csv', example('orders-2026-11-22-bad.csv')),
    );

    expect(refused).toBe(1);
    const told = t
      .domainEvents('Data Product Validation Failed')
      .filter((e) => detailOf<{ object: { key: string } }>(e).object.key === 'orders/orders-retried-bad.csv');
    expect(told).toHaveLength(1);
    await expect(
      t.s3.send(new HeadObjectCommand({ Bucket: t.bucket, Key: 'orders/orders-retried-bad.csv' })),
    ).rejects.toThrow();
  });

  it('still announces a registered product when the bus refused the first attempt (the record is the outbox)', async () => {
    const refused = await refusingOnce('Data Product Registered', () =>
      t.upload('orders-outbox/datacontract.yaml', example('datacontract.yaml')),
    );

    expect(refused).toBe(1);
    const announced = t
      .domainEvents('Data Product Registered')
      .filter((e) => detailOf<{ product: { id: string } }>(e).product.id === 'orders-outbox');
    expect(announced).toHaveLength(1);
  });

  it.each([
    ['an empty file', '', 'empty-file'],
    [
      'a binary file named .csv',
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0xfe, 0x00]),
      'invalid-encoding',
    ],
    ['a file with a wrong header', 'id,email\n1,a@b.c\n', 'header'],
    [
      'an unterminated quote at the end',
      `${example('orders-2026-11-21.csv')}1004,"dan@example.com,1,new,2026-11-22T00:00:00Z,\n`,
      'unclosed-quote',
    ],
  ])('quarantines %s with a clear rule', async (_name, body, rule) => {
    const key = `orders/odd-${rule}.csv`;

    await t.upload(key, body);

    const failed = detailOf<{ object: { key: string }; errors: { rule: string }[] }>(
      t.domainEvents('Data Product Validation Failed').at(-1),
    );
    expect(failed.object.key).toBe(key);
    expect(failed.errors.map((e) => e.rule)).toContain(rule);
  });

  it('handles a redelivered event once: same state, no duplicate domain event', async () => {
    const original = t.events.find(
      (e) =>
        e.source === 'aws.s3' &&
        (e.detail as { object: { key: string } }).object.key === 'orders/2026/orders-2026-11-21.csv',
    );
    expect(original).toBeDefined();
    const domainBefore = t.events.filter((e) => e.source !== 'aws.s3').length;

    t.platform.bus.putEnvelope(structuredClone(original) as EventBridgeEnvelope);
    t.platform.bus.putEnvelope(structuredClone(original) as EventBridgeEnvelope);
    await t.platform.bus.whenIdle();

    expect(t.events.filter((e) => e.source !== 'aws.s3').length).toBe(domainBefore);
    const { lines, output } = capture();
    await main(['product', 'show', 'orders', '--json'], output);
    expect(
      JSON.parse(lines.join('\n')).versions.filter((v: { verdict: string }) => v.verdict === 'published'),
    ).toHaveLength(1);
  });

  it('ignores an older write of a key that arrives after a newer one', async () => {
    await t.upload('orders/late.csv', example('orders-2026-11-21.csv'));
    const newer = t.events.filter((e) => e.source === 'aws.s3').at(-1) as EventBridgeEnvelope;
    const older = structuredClone(newer);
    const detail = older.detail as { object: { sequencer: string; etag: string } };
    detail.object.sequencer = '0000000000000001';
    detail.object.etag = 'an-older-etag';
    const domainBefore = t.events.filter((e) => e.source !== 'aws.s3').length;

    t.platform.bus.putEnvelope(older);
    await t.platform.bus.whenIdle();

    expect(t.events.filter((e) => e.source !== 'aws.s3').length).toBe(domainBefore);
  });

  it('rejects files under an unknown product folder and registers nothing', async () => {
    await t.upload('ghosts/data.csv', 'a,b\n1,2\n');
    await t.upload('ghosts/README.md', '# ghosts');

    const reasons = t
      .domainEvents('Data Product Rejected')
      .map((e) => detailOf<{ reason: string; metadata: { productId: string } }>(e));
    expect(reasons).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          reason: 'no-contract',
          metadata: expect.objectContaining({ productId: 'ghosts' }),
        }),
        expect.objectContaining({
          reason: 'unknown-product',
          metadata: expect.objectContaining({ productId: 'ghosts' }),
        }),
      ]),
    );
    const { lines, output } = capture();
    expect(await main(['product', 'show', 'ghosts'], output)).toBe(1);
    expect(lines.join('\n')).toContain('no data product "ghosts"');
    // The rejected CSV is left where it was: nothing is lost.
    await expect(
      t.s3.send(new HeadObjectCommand({ Bucket: t.bucket, Key: 'ghosts/data.csv' })),
    ).resolves.toBeDefined();
  });

  it('rejects an invalid contract with every problem and keeps the registered one', async () => {
    const broken = example('datacontract.yaml')
      .toString()
      .replace('logicalType: integer', 'logicalType: int64')
      .replace('status: active', 'status: 42\ncolour: blue');

    await t.upload('orders/datacontract.yaml', broken);

    const rejected = detailOf<{ reason: string; errors: { path: string }[] }>(
      t.domainEvents('Data Product Rejected').at(-1),
    );
    expect(rejected.reason).toBe('invalid-contract');
    expect(rejected.errors.length).toBeGreaterThanOrEqual(2);
    const { lines, output } = capture();
    await main(['product', 'show', 'orders', '--json'], output);
    expect(JSON.parse(lines.join('\n')).product.contractVersion).toBe('1.0.0');
  });

  it('publishes a CSV uploaded right behind its contract, though the two are processed concurrently', async () => {
    const put = (key: string, body: Buffer) =>
      t.s3.send(new PutObjectCommand({ Bucket: t.bucket, Key: key, Body: body }));

    await put('racing/datacontract.yaml', example('datacontract.yaml'));
    await put('racing/orders.csv', example('orders-2026-11-21.csv'));
    await t.platform.bus.whenIdle();

    const published = t
      .domainEvents('Data Product Version Published')
      .map((e) => detailOf<{ metadata: { productId: string } }>(e));
    expect(published.filter((d) => d.metadata.productId === 'racing')).toHaveLength(1);
    const rejected = t
      .domainEvents('Data Product Rejected')
      .map((e) => detailOf<{ metadata: { productId: string } }>(e));
    expect(rejected.filter((d) => d.metadata.productId === 'racing')).toHaveLength(0);
  });

  it('rejects a CSV uploaded right behind a contract that was rejected, saying why', async () => {
    const put = (key: string, body: Buffer | string) =>
      t.s3.send(new PutObjectCommand({ Bucket: t.bucket, Key: key, Body: body }));

    await put('broken/datacontract.yaml', 'apiVersion: v3.1.0\nkind: DataContract\n');
    await put('broken/orders.csv', example('orders-2026-11-21.csv'));
    await t.platform.bus.whenIdle();

    const rejected = t
      .domainEvents('Data Product Rejected')
      .map((e) =>
        detailOf<{ reason: string; metadata: { productId: string }; errors: { message: string }[] }>(e),
      );
    const forCsv = rejected.filter((d) => d.metadata.productId === 'broken' && d.reason === 'no-contract');
    expect(forCsv).toHaveLength(1);
    expect(forCsv[0]?.errors[0]?.message).toMatch(/broken\/datacontract\.yaml was not accepted/);
  });

  it('rejects malformed YAML with the line and column', async () => {
    await t.upload('orders/datacontract.yaml', 'apiVersion: v3.1.0\nkind: [DataContract\n');

    const rejected = detailOf<{ errors: { path: string; message: string }[] }>(
      t.domainEvents('Data Product Rejected').at(-1),
    );
    expect(rejected.errors[0]?.path).toMatch(/datacontract\.yaml:\d+:\d+/);
  });

  it('updates the product when a changed contract is uploaded', async () => {
    await t.upload(
      'orders/datacontract.yaml',
      example('datacontract.yaml').toString().replace('version: 1.0.0', 'version: 1.1.0'),
    );

    const updated = detailOf<{ previousContractVersion: string; product: { contractVersion: string } }>(
      t.domainEvents('Data Product Updated').at(-1),
    );
    expect(updated).toMatchObject({
      previousContractVersion: '1.0.0',
      product: { contractVersion: '1.1.0' },
    });
  });

  it.each([
    ['spaces', 'orders/with space/part 1.csv'],
    ['a plus sign', 'orders/a+b.csv'],
    ['unicode', 'orders/dt=2026-11-22/ünïcødé-😀.csv'],
    ['percent-encoding look-alikes', 'orders/100%25 done.csv'],
  ])('publishes keys with %s', async (_name, key) => {
    await t.upload(key, example('orders-2026-11-21.csv'));

    const published = detailOf<{ version: { object: { key: string } } }>(
      t.domainEvents('Data Product Version Published').at(-1),
    );
    expect(published.version.object.key).toBe(key);
  });

  it('rejects keys with ".." segments without touching the registry', async () => {
    const template = t.events.find((e) => e.source === 'aws.s3') as EventBridgeEnvelope;
    const sneaky = structuredClone(template);
    (sneaky.detail as { object: { key: string } }).object.key = 'orders/../customers/x.csv';

    t.platform.bus.putEnvelope(sneaky);
    await t.platform.bus.whenIdle();

    const rejected = detailOf<{ reason: string }>(t.domainEvents('Data Product Rejected').at(-1));
    expect(rejected.reason).toBe('invalid-key');
  });

  it('does nothing for files written into the quarantine prefix', async () => {
    const before = t.events.filter((e) => e.source !== 'aws.s3').length;

    await t.upload('_quarantine/orders/sneaky.csv', 'order_id\nnot-a-number\n');

    expect(t.events.filter((e) => e.source !== 'aws.s3').length).toBe(before);
    const listed = await t.s3.send(
      new ListObjectsV2Command({ Bucket: t.bucket, Prefix: '_quarantine/orders/sneaky' }),
    );
    expect(listed.KeyCount).toBe(1);
  });

  it('rejects a breaking schema change uploaded without a new major version, and announces it with one', async () => {
    const withoutDate = example('datacontract.yaml')
      .toString()
      .replace(/\n {6}- name: order_date\n {8}logicalType: date\n {8}required: false/, '');
    const before = t.domainEvents('Data Product Schema Changed').length;

    await t.upload('orders/datacontract.yaml', withoutDate.replace('version: 1.0.0', 'version: 1.2.0'));

    const rejected = detailOf<{ reason: string; errors: { message: string }[] }>(
      t.domainEvents('Data Product Rejected').at(-1),
    );
    expect(rejected.reason).toBe('breaking-change');
    expect(rejected.errors.map((e) => e.message).join(' ')).toContain('order_date');
    expect(t.domainEvents('Data Product Schema Changed')).toHaveLength(before);

    await t.upload('orders/datacontract.yaml', withoutDate.replace('version: 1.0.0', 'version: 2.0.0'));

    const changed = detailOf<{ verdict: string; changes: { kind: string; column: string }[] }>(
      t.domainEvents('Data Product Schema Changed').at(-1),
    );
    expect(changed.verdict).toBe('breaking');
    expect(changed.changes).toEqual([
      expect.objectContaining({ kind: 'column-removed', column: 'order_date' }),
    ]);
  });
});
