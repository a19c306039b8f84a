import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbRegistry } from '../../functions/adapters/dynamodb/dynamodb-registry';
import { DynamoDbSubscriptionStore } from '../../functions/adapters/dynamodb/dynamodb-subscription-store';
import { createSubscription, rotateSecret } from '../../functions/core/notifications/manage-subscriptions';
import { DEFAULT_NOTIFICATION_SETTINGS } from '../../functions/core/notifications/notification-deps';
import type { OutgoingEvent } from '../../functions/ports/event-publisher';
import { aProduct } from '../support/builders';
import { freshRegistryTable } from '../support/dynamo';

const request = {
  consumer: 'team:bi',
  target: { productId: 'orders' },
  channel: { kind: 'webhook' as const, url: 'https://hooks.bi.example/mesh' },
  source: 'api' as const,
};

/** Creating a subscription against dynalite, when the bus fails half-way and the request is made again. */
describe('Subscription creation (store on dynalite)', () => {
  let store: DynamoDbSubscriptionStore;
  /** One subscription with its secret, as a delivery reads it. */
  const withSecret = async (id: string) => {
    const found = (await store.getWithSecrets([id])).get(id);
    if (found instanceof Error) throw found;
    return found;
  };
  let published: OutgoingEvent[];
  let busDown: boolean;
  let secrets: number;
  let deps: Parameters<typeof createSubscription>[0];

  beforeEach(async () => {
    const { documentClient, lowLevelClient, tableName } = await freshRegistryTable();
    store = new DynamoDbSubscriptionStore({ document: documentClient, lowLevel: lowLevelClient }, tableName);
    const registry = new DynamoDbRegistry(documentClient, tableName);
    await registry.putProduct(aProduct({ id: 'orders' }), undefined);
    published = [];
    busDown = false;
    secrets = 0;
    deps = {
      registry,
      subscriptions: store,
      events: {
        publish: async (events) => {
          if (busDown) throw new Error('EventBridge: ServiceUnavailable');
          published.push(...events);
        },
      },
      clock: () => new Date('2026-11-22T10:00:00.000Z'),
      settings: DEFAULT_NOTIFICATION_SETTINGS,
      newSecret: () => `whsec_secret${++secrets}`,
    };
  });

  it('finishes a creation that died before its announcement: the retry gets the secret and the owner is told', async () => {
    busDown = true;
    await expect(createSubscription(deps, request)).rejects.toThrow(/ServiceUnavailable/);
    busDown = false;

    const retried = await createSubscription(deps, request);

    // The secret the first request stored, never handed out until now.
    expect(retried).toMatchObject({ status: 'created', signingSecret: 'whsec_secret1' });
    expect(published.map((e) => e.contract.detailType)).toEqual(['Subscription Created']);
    const stored = await withSecret(retried.status === 'created' ? retried.subscription.id : '');
    expect(stored?.signingSecret).toBe('whsec_secret1');
    expect(stored?.subscription.pending).toBeUndefined();
    // Made and announced: the same request again is a duplicate.
    expect((await createSubscription(deps, request)).status).toBe('exists');
    expect(published).toHaveLength(1);
  });

  it('hands the same secret to identical requests finishing one creation at once', async () => {
    const results = await Promise.all([1, 2, 3].map(() => createSubscription(deps, request)));

    const created = results.flatMap((r) => (r.status === 'created' ? [r] : []));
    expect(created.length).toBeGreaterThan(0);
    const id = created[0]?.subscription.id ?? '';
    const stored = (await withSecret(id))?.signingSecret;
    // Every caller told "created" holds the secret deliveries are signed with.
    expect(created.map((r) => r.signingSecret)).toEqual(created.map(() => stored));
    expect(stored).toMatch(/^whsec_secret/);
  });

  it('gives a webhook subscription a new secret on request, and refuses channels that are not signed', async () => {
    const made = await createSubscription(deps, request);
    const id = made.status === 'created' ? made.subscription.id : '';

    const rotated = await rotateSecret(deps, id);

    expect(rotated).toMatchObject({ status: 'rotated', signingSecret: 'whsec_secret2' });
    expect((await withSecret(id))?.signingSecret).toBe('whsec_secret2');
    expect(await rotateSecret(deps, 'sub-unknown')).toEqual({ status: 'not-found' });
    const email = await createSubscription(deps, {
      ...request,
      channel: { kind: 'email', address: 'bi@example.com' },
    });
    const emailId = email.status === 'created' ? email.subscription.id : '';
    expect(await rotateSecret(deps, emailId)).toMatchObject({ status: 'no-secret' });
  });
});
