import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbRegistry } from '../../functions/adapters/dynamodb/dynamodb-registry';
import { DynamoDbSubscriptionStore } from '../../functions/adapters/dynamodb/dynamodb-subscription-store';
import type { NotificationType } from '../../functions/core/notifications/subscription';
import { aProduct } from '../support/builders';
import { freshRegistryTable } from '../support/dynamo';
import { aSubscription } from '../unit/notifications/fixtures';

const LEASE_MS = 60_000;

describe('Class: DynamoDbSubscriptionStore (against dynalite)', () => {
  let store: DynamoDbSubscriptionStore;
  /** One subscription with its secret, as a delivery reads it. */
  const withSecret = async (id: string) => {
    const found = (await store.getWithSecrets([id])).get(id);
    if (found instanceof Error) throw found;
    return found;
  };
  let documentClient: DynamoDBDocumentClient;
  let tableName: string;
  let now: Date;

  beforeEach(async () => {
    let lowLevelClient: DynamoDBClient;
    ({ documentClient, lowLevelClient, tableName } = await freshRegistryTable());
    now = new Date('2026-11-22T10:00:00.000Z');
    store = new DynamoDbSubscriptionStore(
      { document: documentClient, lowLevel: lowLevelClient },
      tableName,
      () => now,
    );
  });

  const later = (ms: number) => {
    now = new Date(now.getTime() + ms);
  };

  describe('subscriptions', () => {
    it('creates a subscription once and answers with the stored one after', async () => {
      const subscription = aSubscription();

      expect(await store.create(subscription)).toEqual({ created: true, subscription });
      expect(
        await store.create({ ...subscription, source: 'gitops', createdAt: '2027-01-01T00:00:00.000Z' }),
      ).toEqual({
        created: false,
        subscription,
      });
      expect(await store.get(subscription.id)).toEqual(subscription);
      expect(await store.get('sub_missing')).toBeUndefined();
    });

    it('creates one of many concurrent identical requests', async () => {
      const results = await Promise.all(Array.from({ length: 4 }, () => store.create(aSubscription())));

      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(await store.list()).toEqual([aSubscription()]);
    });

    it('restores the index of a subscription whose first create died half-way', async () => {
      const subscription = aSubscription();
      await documentClient.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            pk: `SUBSCRIPTION#${subscription.id}`,
            sk: '#SUBSCRIPTION',
            gsi1pk: 'SUBSCRIPTIONS',
            gsi1sk: 'x',
            record: subscription,
          },
        }),
      );
      expect(await store.forProduct('orders', 'sales')).toEqual([]);

      expect((await store.create(subscription)).created).toBe(false);
      expect(await store.forProduct('orders', 'sales')).toEqual([subscription]);
    });

    it('finds the active subscriptions of a product by id and by domain', async () => {
      const byId = aSubscription({ consumer: 'team:a' });
      const byDomain = aSubscription({ consumer: 'team:b', target: { domain: 'sales' } });
      const otherProduct = aSubscription({ consumer: 'team:c', target: { productId: 'customers' } });
      const otherDomain = aSubscription({ consumer: 'team:d', target: { domain: 'finance' } });
      for (const s of [byId, byDomain, otherProduct, otherDomain]) await store.create(s);

      const found = await store.forProduct('orders', 'sales');

      expect(found.map((s) => s.consumer).sort()).toEqual(['team:a', 'team:b']);
      expect((await store.forProduct('orders', undefined)).map((s) => s.consumer)).toEqual(['team:a']);
      expect((await store.forProduct('board-kpis', 'finance')).map((s) => s.consumer)).toEqual(['team:d']);
      expect(await store.forProduct('nothing', 'nowhere')).toEqual([]);
    });

    it('narrows to the subscriptions listing one of the given types; pointers without types always match', async () => {
      const published = aSubscription({ consumer: 'team:a', events: ['version-published'] });
      const deprecated = aSubscription({ consumer: 'team:b', events: ['deprecated', 'rejected'] });
      const legacy = aSubscription({ consumer: 'team:c', events: ['deprecated'] });
      for (const s of [published, deprecated, legacy]) await store.create(s);
      // A pointer as written before pointers carried the event types.
      await documentClient.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            pk: 'SUBSCRIBERS#PRODUCT#orders',
            sk: `SUBSCRIPTION#${legacy.id}`,
            subscriptionId: legacy.id,
          },
        }),
      );

      const consumers = async (listing?: NotificationType[]) =>
        (await store.forProduct('orders', undefined, listing)).map((s) => s.consumer).sort();

      expect(await consumers(['version-published'])).toEqual(['team:a', 'team:c']);
      expect(await consumers(['rejected', 'deprecated'])).toEqual(['team:b', 'team:c']);
      expect(await consumers(['subscriber-added'])).toEqual(['team:c']);
      expect(await consumers()).toEqual(['team:a', 'team:b', 'team:c']);
    });

    it('changes the event types of a subscription, and what it is found for', async () => {
      const subscription = aSubscription({ events: ['version-published'] });
      await store.create(subscription);

      const updated = await store.updateEvents(subscription.id, ['deprecated']);

      expect(updated).toEqual({ ...subscription, events: ['deprecated'] });
      expect(await store.get(subscription.id)).toEqual(updated);
      expect(await store.forProduct('orders', undefined, ['deprecated'])).toEqual([updated]);
      expect(await store.forProduct('orders', undefined, ['version-published'])).toEqual([]);
      expect(await store.updateEvents('no-such-subscription', ['deprecated'])).toBeUndefined();
    });

    it('reads many subscribers of one product', async () => {
      const many = Array.from({ length: 130 }, (_, i) => aSubscription({ consumer: `team:${i}` }));
      for (const s of many) await store.create(s);

      expect(await store.forProduct('orders', undefined)).toHaveLength(130);
    });

    it('lists every subscription, or those of one consumer', async () => {
      await store.create(aSubscription({ consumer: 'team:a' }));
      await store.create(aSubscription({ consumer: 'team:a', target: { domain: 'sales' } }));
      await store.create(aSubscription({ consumer: 'team:a#b' }));
      await store.create(aSubscription({ consumer: 'alice@example.com' }));

      expect(await store.list()).toHaveLength(4);
      expect((await store.list('team:a')).map((s) => s.consumer)).toEqual(['team:a', 'team:a']);
      expect((await store.list('team:a#b')).map((s) => s.consumer)).toEqual(['team:a#b']);
      expect((await store.list('alice@example.com')).map((s) => s.consumer)).toEqual(['alice@example.com']);
      expect(await store.list('nobody')).toEqual([]);
    });

    it('pauses a subscription: it stays, with the reason, and is no longer a subscriber', async () => {
      const subscription = aSubscription();
      await store.create(subscription);

      await store.pause(subscription.id, 'the target answered 410 Gone');
      await store.pause('sub_missing', 'nothing to pause');

      expect(await store.get(subscription.id)).toEqual({
        ...subscription,
        status: 'paused',
        pausedReason: 'the target answered 410 Gone',
      });
      expect(await store.forProduct('orders', 'sales')).toEqual([]);
      expect(await store.list()).toHaveLength(1);
      expect(await store.get('sub_missing')).toBeUndefined();
    });

    it('deletes a subscription, its index and its secret', async () => {
      const subscription = aSubscription();
      await store.create(subscription);
      await store.putSecret(subscription.id, 'whsec_abc');

      expect(await store.delete(subscription.id)).toBe(true);
      expect(await store.delete(subscription.id)).toBe(false);
      expect(await store.get(subscription.id)).toBeUndefined();
      expect(await withSecret(subscription.id)).toBeUndefined();
      expect(await store.forProduct('orders', 'sales')).toEqual([]);
      expect(await store.list()).toEqual([]);
      expect((await store.create(subscription)).created).toBe(true);
    });

    it('removes a secret its subscription outlived (a delete cut short), so the same subscription made again gets a new one', async () => {
      const subscription = aSubscription();
      await store.putSecret(subscription.id, 'whsec_leaked');

      expect(await store.delete(subscription.id)).toBe(false);
      await store.create(subscription);

      expect(await store.putFirstSecret(subscription.id, 'whsec_new')).toBe('whsec_new');
    });

    it('keeps the signing secret apart from the subscription', async () => {
      const subscription = aSubscription();
      await store.create(subscription);

      await store.putSecret(subscription.id, 'whsec_abc');

      expect((await withSecret(subscription.id))?.signingSecret).toBe('whsec_abc');
      expect(JSON.stringify(await store.get(subscription.id))).not.toContain('whsec_abc');
      expect(JSON.stringify(await store.list())).not.toContain('whsec_abc');
      expect(JSON.stringify(await store.forProduct('orders', 'sales'))).not.toContain('whsec_abc');
    });

    it('reads a subscription with its secret in one go, for a delivery', async () => {
      const subscription = aSubscription();
      await store.create(subscription);
      expect(await withSecret(subscription.id)).toEqual({ subscription });

      await store.putSecret(subscription.id, 'whsec_abc');

      expect(await withSecret(subscription.id)).toEqual({
        subscription,
        signingSecret: 'whsec_abc',
      });
      expect(await withSecret('sub_other')).toBeUndefined();
    });

    it('reads the subscriptions of a batch of deliveries with their secrets, more than one request holds', async () => {
      const many = Array.from({ length: 70 }, (_, i) =>
        aSubscription({ id: `sub_${String(i).padStart(2, '0')}`, consumer: `team:c${i}` }),
      );
      for (const subscription of many) await store.create(subscription);
      for (const subscription of many.slice(0, 35))
        await store.putSecret(subscription.id, `whsec_${subscription.id}`);
      await store.delete('sub_69');

      const found = await store.getWithSecrets([...many.map((s) => s.id), 'sub_00', 'sub_unknown']);

      expect(found.size).toBe(69);
      expect(found.get('sub_00')).toEqual({ subscription: many[0], signingSecret: 'whsec_sub_00' });
      expect(found.get('sub_35')).toEqual({ subscription: many[35] });
      expect(found.has('sub_69')).toBe(false);
      expect(found.has('sub_unknown')).toBe(false);
    });

    it('shares the table with the registry without a clash', async () => {
      const registry = new DynamoDbRegistry(documentClient, tableName);
      await registry.putProduct(aProduct(), undefined);
      await store.create(aSubscription());

      expect((await registry.listProducts()).map((p) => p.id)).toEqual(['orders']);
      expect(await store.list()).toEqual([aSubscription()]);
    });
  });

  describe('delivery ledger', () => {
    const delivery = {
      subscriptionId: 'sub_a',
      notificationId: 'ntf_1',
      productId: 'orders',
      type: 'schema-changed',
    };

    it('claims a new delivery, then reports it delivered once completed', async () => {
      expect(await store.claimDelivery(delivery, LEASE_MS)).toEqual({ status: 'claimed', attempts: 1 });
      expect(await store.claimDelivery(delivery, LEASE_MS)).toEqual({ status: 'in-progress' });

      await store.completeDeliveries([{ ...delivery, attempts: 1 }]);

      expect(await store.claimDelivery(delivery, LEASE_MS)).toEqual({ status: 'delivered' });
      later(LEASE_MS * 10);
      expect(await store.claimDelivery(delivery, LEASE_MS)).toEqual({ status: 'delivered' });
      expect(await store.listDeliveries()).toEqual([
        { ...delivery, status: 'delivered', attempts: 1, updatedAt: '2026-11-22T10:00:00.000Z' },
      ]);
    });

    it('lets exactly one of concurrent claims win', async () => {
      const claims = await Promise.all([1, 2, 3].map(() => store.claimDelivery(delivery, LEASE_MS)));

      expect(claims.filter((c) => c.status === 'claimed')).toEqual([{ status: 'claimed', attempts: 1 }]);
      expect(claims.filter((c) => c.status === 'in-progress')).toHaveLength(2);
    });

    it('claims a failed delivery again, counting the attempts', async () => {
      await store.claimDelivery(delivery, LEASE_MS);
      later(1000);
      await store.failDelivery('sub_a', 'ntf_1', 'HTTP 503');

      expect(await store.listDeliveries()).toEqual([
        {
          ...delivery,
          status: 'failed',
          attempts: 1,
          lastError: 'HTTP 503',
          updatedAt: '2026-11-22T10:00:01.000Z',
        },
      ]);
      expect(await store.claimDelivery(delivery, LEASE_MS)).toEqual({
        status: 'claimed',
        attempts: 2,
        lastError: 'HTTP 503',
      });
      await store.failDelivery('sub_a', 'ntf_1', 'HTTP 502');
      const third = await store.claimDelivery(delivery, LEASE_MS);
      expect(third).toEqual({ status: 'claimed', attempts: 3, lastError: 'HTTP 502' });
      await store.completeDeliveries([{ ...delivery, attempts: 3, lastError: 'HTTP 502' }]);
      expect(await store.listDeliveries()).toEqual([
        {
          ...delivery,
          status: 'delivered',
          attempts: 3,
          lastError: 'HTTP 502',
          updatedAt: '2026-11-22T10:00:01.000Z',
        },
      ]);
    });

    it('lets another attempt claim a delivery whose lease ran out', async () => {
      await store.claimDelivery(delivery, LEASE_MS);

      later(LEASE_MS - 1);
      expect(await store.claimDelivery(delivery, LEASE_MS)).toEqual({ status: 'in-progress' });
      later(2);
      expect(await store.claimDelivery(delivery, LEASE_MS)).toEqual({ status: 'claimed', attempts: 2 });
      expect(await store.claimDelivery(delivery, LEASE_MS)).toEqual({ status: 'in-progress' });
    });

    it('never turns a delivered entry back into a failed one, nor records a failure never claimed', async () => {
      await store.claimDelivery(delivery, LEASE_MS);
      await store.completeDeliveries([{ ...delivery, attempts: 1 }]);

      await store.failDelivery('sub_a', 'ntf_1', 'late failure of an expired attempt');
      await store.failDelivery('sub_a', 'ntf_unclaimed', 'boom');

      expect(await store.listDeliveries()).toEqual([
        { ...delivery, status: 'delivered', attempts: 1, updatedAt: '2026-11-22T10:00:00.000Z' },
      ]);
    });

    it('lists deliveries newest first, failed ones only on request, up to a limit', async () => {
      const outcomes = ['delivered', 'failed', 'in-progress', 'failed', 'delivered'] as const;
      for (const [i, outcome] of outcomes.entries()) {
        later(1000);
        const d = { ...delivery, notificationId: `ntf_${i}` };
        await store.claimDelivery(d, LEASE_MS);
        if (outcome === 'delivered') await store.completeDeliveries([{ ...d, attempts: 1 }]);
        if (outcome === 'failed') await store.failDelivery('sub_a', d.notificationId, `error ${i}`);
      }

      expect((await store.listDeliveries()).map((d) => [d.notificationId, d.status])).toEqual([
        ['ntf_4', 'delivered'],
        ['ntf_3', 'failed'],
        ['ntf_2', 'in-progress'],
        ['ntf_1', 'failed'],
        ['ntf_0', 'delivered'],
      ]);
      expect(
        (await store.listDeliveries({ failedOnly: true })).map((d) => [d.notificationId, d.lastError]),
      ).toEqual([
        ['ntf_3', 'error 3'],
        ['ntf_1', 'error 1'],
      ]);
      expect((await store.listDeliveries({ limit: 2 })).map((d) => d.notificationId)).toEqual([
        'ntf_4',
        'ntf_3',
      ]);
      expect(
        (await store.listDeliveries({ failedOnly: true, limit: 1 })).map((d) => d.notificationId),
      ).toEqual(['ntf_3']);
    });

    it('records a batch of deliveries larger than one write request, each once', async () => {
      const many = Array.from({ length: 60 }, (_, i) => ({ ...delivery, notificationId: `ntf_${i}` }));
      for (const d of many) await store.claimDelivery(d, LEASE_MS);

      // A delivery named twice is written once (one BatchWriteItem request may not repeat a key).
      await store.completeDeliveries([...many, ...many.slice(0, 1)].map((d) => ({ ...d, attempts: 1 })));

      const ledger = await store.listDeliveries({ limit: 100 });
      expect(ledger).toHaveLength(60);
      expect(ledger.every((d) => d.status === 'delivered')).toBe(true);
      for (const d of many) expect(await store.claimDelivery(d, LEASE_MS)).toEqual({ status: 'delivered' });
    });

    it('keeps ledger entries under the table TTL', async () => {
      await store.claimDelivery(delivery, LEASE_MS);

      const { Item } = await documentClient.send(
        new GetCommand({ TableName: tableName, Key: { pk: 'DELIVERY#sub_a', sk: 'NOTIFICATION#ntf_1' } }),
      );

      expect(Item?.expiresAt).toBe(Math.floor(now.getTime() / 1000) + 90 * 24 * 3600);
    });
  });
});
