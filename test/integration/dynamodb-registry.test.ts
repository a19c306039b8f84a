import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbRegistry } from '../../functions/adapters/dynamodb/dynamodb-registry';
import { aProduct, aVersion } from '../support/builders';
import { freshRegistryTable } from '../support/dynamo';

describe('Class: DynamoDbRegistry (against dynalite)', () => {
  let registry: DynamoDbRegistry;
  let now: Date;
  let documentClient: Awaited<ReturnType<typeof freshRegistryTable>>['documentClient'];
  let tableName: string;

  beforeEach(async () => {
    ({ documentClient, tableName } = await freshRegistryTable());
    now = new Date('2026-11-22T10:00:00Z');
    registry = new DynamoDbRegistry(documentClient, tableName, () => now);
  });

  describe('products', () => {
    it('creates a product once and round-trips it', async () => {
      const product = aProduct();

      expect(await registry.putProduct(product, undefined)).toBe(true);
      expect(await registry.putProduct(product, undefined)).toBe(false);
      expect(await registry.getProduct('orders')).toEqual(product);
      expect(await registry.getProduct('missing')).toBeUndefined();
    });

    it('updates only from the revision it read', async () => {
      await registry.putProduct(aProduct(), undefined);

      expect(await registry.putProduct(aProduct({ revision: 2, contractVersion: '1.1.0' }), 1)).toBe(true);
      expect(await registry.putProduct(aProduct({ revision: 2, contractVersion: '9.9.9' }), 1)).toBe(false);
      expect((await registry.getProduct('orders'))?.contractVersion).toBe('1.1.0');
    });

    it('lets exactly one of many concurrent writers win', async () => {
      await registry.putProduct(aProduct(), undefined);

      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          registry.putProduct(aProduct({ revision: 2, contractVersion: `2.0.${i}` }), 1),
        ),
      );

      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('lists every product', async () => {
      await registry.putProduct(aProduct(), undefined);
      await registry.putProduct(aProduct({ id: 'customers', name: 'Customers' }), undefined);

      expect((await registry.listProducts()).map((p) => p.id).sort()).toEqual(['customers', 'orders']);
    });
  });

  describe('locations', () => {
    it('binds a prefix to one product and refuses it to another', async () => {
      const location = { kind: 's3' as const, bucket: 'data', prefix: 'orders/' };

      expect(await registry.claimLocation(location, 'orders')).toEqual({ status: 'claimed' });
      expect(await registry.claimLocation(location, 'orders')).toEqual({ status: 'claimed' });
      expect(await registry.claimLocation(location, 'intruder')).toEqual({
        status: 'owned-by-other',
        productId: 'orders',
      });
      expect(await registry.listLocations('orders')).toEqual([location]);
      expect(await registry.listLocations('intruder')).toEqual([]);
    });

    it('finds the product owning the longest prefix of a key', async () => {
      await registry.claimLocation({ kind: 's3', bucket: 'data', prefix: 'orders/' }, 'orders');
      await registry.claimLocation({ kind: 's3', bucket: 'data', prefix: 'orders/eu/' }, 'orders');
      await registry.claimLocation({ kind: 's3', bucket: 'team', prefix: 'sales/orders/' }, 'orders-eu');

      expect(await registry.findLocation('data', 'orders/eu/2026/x.csv')).toEqual({
        productId: 'orders',
        location: { kind: 's3', bucket: 'data', prefix: 'orders/eu/' },
      });
      expect((await registry.findLocation('data', 'orders/x.csv'))?.productId).toBe('orders');
      expect((await registry.findLocation('team', 'sales/orders/x.csv'))?.productId).toBe('orders-eu');
      expect(await registry.findLocation('team', 'sales/x.csv')).toBeUndefined();
      expect(await registry.findLocation('other-bucket', 'orders/x.csv')).toBeUndefined();
      expect(await registry.findLocation('data', 'customers/x.csv')).toBeUndefined();
      expect(await registry.findLocation('data', 'no-folder.csv')).toBeUndefined();
    });

    it("refuses a prefix inside, or around, another product's prefix in the same bucket", async () => {
      await registry.claimLocation({ kind: 's3', bucket: 'team', prefix: 'sales/orders/' }, 'orders');

      expect(await registry.claimLocation({ kind: 's3', bucket: 'team', prefix: 'sales/' }, 'sales')).toEqual(
        {
          status: 'overlaps',
          productId: 'orders',
          location: { kind: 's3', bucket: 'team', prefix: 'sales/orders/' },
        },
      );
      expect(
        await registry.claimLocation({ kind: 's3', bucket: 'team', prefix: 'sales/orders/eu/' }, 'eu'),
      ).toMatchObject({ status: 'overlaps', productId: 'orders' });
      // A sibling prefix sharing the first characters is not an overlap; nor is the same prefix elsewhere.
      expect(
        await registry.claimLocation({ kind: 's3', bucket: 'team', prefix: 'sales/orders-eu/' }, 'eu'),
      ).toEqual({ status: 'claimed' });
      expect(
        await registry.claimLocation({ kind: 's3', bucket: 'other', prefix: 'sales/' }, 'sales'),
      ).toEqual({
        status: 'claimed',
      });
      expect(await registry.listLocations('sales')).toEqual([
        { kind: 's3', bucket: 'other', prefix: 'sales/' },
      ]);
    });

    it('lets exactly one of two products racing for overlapping prefixes win', async () => {
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          registry.claimLocation(
            { kind: 's3', bucket: 'race', prefix: i % 2 === 0 ? 'a/' : 'a/b/' },
            i % 2 === 0 ? 'outer' : 'inner',
          ),
        ),
      );
      const winners = new Set(
        results.flatMap((r, i) => (r.status === 'claimed' ? [i % 2 === 0 ? 'outer' : 'inner'] : [])),
      );
      expect(winners.size).toBe(1);
      const [winner] = winners;
      const loser = winner === 'outer' ? 'inner' : 'outer';
      expect(await registry.listLocations(loser ?? '')).toEqual([]);
      expect(results.filter((r) => r.status === 'overlaps')).toHaveLength(3);
    });

    it('counts a location registered before bucket claim lists existed as a claim', async () => {
      // As an earlier version wrote it: the location item only, in no bucket claim list.
      const legacy = { kind: 's3' as const, bucket: 'legacy', prefix: 'orders/' };
      await documentClient.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            pk: 'LOCATION#s3://legacy/orders/',
            sk: '#LOCATION',
            productId: 'orders',
            location: legacy,
          },
        }),
      );

      expect(
        await registry.claimLocation({ kind: 's3', bucket: 'legacy', prefix: 'orders/eu/' }, 'eu'),
      ).toEqual({
        status: 'overlaps',
        productId: 'orders',
        location: legacy,
      });
      expect(await registry.claimLocation({ kind: 's3', bucket: 'legacy', prefix: 'orders/' }, 'eu')).toEqual(
        {
          status: 'owned-by-other',
          productId: 'orders',
        },
      );
    });

    it('releases a location to its owner only, keeping it free for the next product', async () => {
      const location = { kind: 's3' as const, bucket: 'team', prefix: 'finance/ledger/' };
      await registry.claimLocation(location, 'ledger');

      expect(await registry.releaseLocation(location, 'intruder')).toBe('owned-by-other');
      expect(await registry.findLocation('team', 'finance/ledger/x.csv')).toMatchObject({
        productId: 'ledger',
      });
      expect(await registry.releaseLocation(location, 'ledger')).toBe('released');
      expect(await registry.releaseLocation(location, 'ledger')).toBe('absent');
      expect(await registry.findLocation('team', 'finance/ledger/x.csv')).toBeUndefined();
      expect(await registry.listLocations('ledger')).toEqual([]);
      expect(
        await registry.claimLocation({ kind: 's3', bucket: 'team', prefix: 'finance/' }, 'finance'),
      ).toEqual({
        status: 'claimed',
      });
    });
  });

  describe('versions', () => {
    it('appends each version once and lists newest first', async () => {
      const first = aVersion({ versionId: 'v-1', recordedAt: '2026-11-22T10:00:00Z' });
      const second = aVersion({
        versionId: 'v-2',
        recordedAt: '2026-11-22T11:00:00Z',
        verdict: 'quarantined',
        errorCount: 3,
      });

      expect(await registry.appendVersion(first)).toBe(true);
      expect(await registry.appendVersion(second)).toBe(true);
      expect(await registry.appendVersion(first)).toBe(false);

      expect(await registry.listVersions('orders')).toEqual([second, first]);
    });
  });

  describe('ordering and idempotency', () => {
    it('keeps the newest sequencer and reports older ones as stale', async () => {
      expect(
        await registry.advanceSequencer('data', 'orders/a.csv', '0000000000000002'.padEnd(32, '0')),
      ).toBe('current');
      expect(
        await registry.advanceSequencer('data', 'orders/a.csv', '0000000000000002'.padEnd(32, '0')),
      ).toBe('current');
      expect(
        await registry.advanceSequencer('data', 'orders/a.csv', '0000000000000001'.padEnd(32, '0')),
      ).toBe('stale');
      expect(
        await registry.advanceSequencer('data', 'orders/a.csv', '0000000000000003'.padEnd(32, '0')),
      ).toBe('current');
      expect(
        await registry.advanceSequencer('data', 'orders/b.csv', '0000000000000001'.padEnd(32, '0')),
      ).toBe('current');
    });

    it('claims an inbound event once, until completed', async () => {
      expect(await registry.beginEvent('k1', 60_000)).toBe('claimed');
      expect(await registry.beginEvent('k1', 60_000)).toBe('in-progress');

      await registry.completeEvent('k1', ['e1']);

      expect(await registry.beginEvent('k1', 60_000)).toBe('completed');
    });

    it('remembers the outcome of each contract file', async () => {
      expect(await registry.contractOutcome('data', 'orders/datacontract.yaml')).toBeUndefined();

      await registry.recordContractOutcome('data', 'orders/datacontract.yaml', {
        etag: 'e1',
        accepted: false,
      });
      await registry.recordContractOutcome('data', 'orders/datacontract.yaml', {
        etag: 'e2',
        accepted: true,
      });

      expect(await registry.contractOutcome('data', 'orders/datacontract.yaml')).toEqual({
        etag: 'e2',
        accepted: true,
      });
    });

    it('lets a retry take over an expired lease or a released claim', async () => {
      expect(await registry.beginEvent('k2', 1_000)).toBe('claimed');
      now = new Date(now.getTime() + 1_001);
      expect(await registry.beginEvent('k2', 1_000)).toBe('claimed');

      await registry.releaseEvent('k2');

      expect(await registry.beginEvent('k2', 1_000)).toBe('claimed');
    });
  });
});
