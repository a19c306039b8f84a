import { describe, expect, it } from 'vitest';
import {
  type FanOutPlanDeps,
  planFanOut,
  producerChannel,
  producerSubscriptions,
} from '../../../functions/core/notifications/plan-fan-out';
import type { Subscription } from '../../../functions/core/notifications/subscription';
import type { ProductRecord } from '../../../functions/core/registry/records';
import { DeliveryMessageSchema } from '../../../functions/ports/delivery-queue';
import { aContract, aProduct } from '../../support/builders';
import { aSubscription, type SampleEvent, sample } from './fixtures';

/** orders (sales) ← daily-revenue (sales) ← board-kpis (finance); customers (sales) stands apart. */
const products = (): ProductRecord[] => [
  aProduct(),
  aProduct({ id: 'customers' }),
  aProduct({ id: 'daily-revenue', contract: aContract({ upstreamProducts: ['orders'] }) }),
  aProduct({
    id: 'board-kpis',
    domain: 'finance',
    contract: aContract({
      domain: 'finance',
      ownerTeam: 'finance-team',
      upstreamProducts: ['daily-revenue'],
    }),
  }),
];

/** What `forProduct` was asked to narrow to, call by call. */
type Listings = (readonly string[] | undefined)[];

const depsWith = (
  subscriptions: Subscription[],
  catalog: ProductRecord[] = products(),
  listings: Listings = [],
): FanOutPlanDeps => ({
  subscriptions: {
    // Narrows as the store does: a subscription listing none of the types is not read.
    forProduct: async (productId, domain, listing) => {
      listings.push(listing);
      return subscriptions.filter(
        (s) =>
          s.status === 'active' &&
          ('productId' in s.target ? s.target.productId === productId : s.target.domain === domain) &&
          (!listing || s.events.some((type) => listing.includes(type))),
      );
    },
  },
  registry: {
    getProduct: async (id) => catalog.find((p) => p.id === id),
    listProducts: async () => catalog,
  },
});

const breakingChange = () => sample('data-product-schema-changed.json');
const nonBreakingChange = (): SampleEvent => {
  const event = breakingChange();
  return {
    ...event,
    detail: { ...event.detail, verdict: 'non-breaking', changes: [] },
  };
};

const summary = (deliveries: Awaited<ReturnType<typeof planFanOut>>) =>
  deliveries.map(({ subscription, notification }) => ({
    consumer: subscription.consumer,
    type: notification.type,
    audience: notification.audience,
    path: notification.path,
  }));

describe('Function: planFanOut', () => {
  it('tells the direct subscribers that asked for the type, by product or domain, active ones only', async () => {
    const deps = depsWith([
      aSubscription({ consumer: 'team:analytics' }),
      aSubscription({
        consumer: 'team:sales-ops',
        target: { domain: 'sales' },
        events: ['version-published'],
      }),
      aSubscription({
        consumer: 'team:finance',
        target: { domain: 'finance' },
        events: ['version-published'],
      }),
      aSubscription({ consumer: 'team:ops', events: ['deprecated'] }),
      aSubscription({ consumer: 'team:paused', status: 'paused' }),
      aSubscription({ consumer: 'team:customers', target: { productId: 'customers' } }),
    ]);

    const deliveries = await planFanOut(deps, sample('data-product-version-published.json'));

    expect(summary(deliveries)).toEqual([
      { consumer: 'team:analytics', type: 'version-published', audience: 'consumer', path: undefined },
      { consumer: 'team:sales-ops', type: 'version-published', audience: 'consumer', path: undefined },
    ]);
    for (const delivery of deliveries) expect(DeliveryMessageSchema.safeParse(delivery).success).toBe(true);
  });

  it('plans nothing for events that are not notified', async () => {
    const deps = depsWith([aSubscription()]);

    expect(await planFanOut(deps, sample('data-product-registered.json'))).toEqual([]);
    expect(await planFanOut(deps, sample('data-product-updated.json'))).toEqual([]);
  });

  it('tells each subscription once per event, as the most specific type it asked for', async () => {
    const deps = depsWith([
      aSubscription({ consumer: 'team:both', events: ['schema-changed', 'schema-changed-breaking'] }),
      aSubscription({ consumer: 'team:any', events: ['schema-changed'] }),
      aSubscription({ consumer: 'team:breaking', events: ['schema-changed-breaking'] }),
    ]);

    expect(summary(await planFanOut(deps, breakingChange())).map((d) => [d.consumer, d.type])).toEqual([
      ['team:both', 'schema-changed-breaking'],
      ['team:any', 'schema-changed'],
      ['team:breaking', 'schema-changed-breaking'],
    ]);
    expect(summary(await planFanOut(deps, nonBreakingChange())).map((d) => [d.consumer, d.type])).toEqual([
      ['team:both', 'schema-changed'],
      ['team:any', 'schema-changed'],
    ]);
  });

  it('tells the subscribers of downstream products about a breaking change, with the path', async () => {
    const deps = depsWith([
      aSubscription({
        consumer: 'team:board',
        target: { productId: 'board-kpis' },
        events: ['schema-changed-breaking'],
      }),
      aSubscription({
        consumer: 'team:revenue',
        target: { productId: 'daily-revenue' },
        events: ['version-published'],
      }),
      aSubscription({ consumer: 'team:customers', target: { productId: 'customers' } }),
    ]);

    const deliveries = await planFanOut(deps, breakingChange());

    expect(summary(deliveries)).toEqual([
      {
        consumer: 'team:board',
        type: 'schema-changed-breaking',
        audience: 'consumer',
        path: ['orders', 'daily-revenue', 'board-kpis'],
      },
    ]);
    expect(deliveries[0]?.notification.productId).toBe('orders');
    expect(deliveries[0]?.notification.title).toBe(
      'orders 2.0.0: breaking schema change (upstream of board-kpis)',
    );
  });

  it('does not propagate a non-breaking change or a new version downstream', async () => {
    const deps = depsWith([aSubscription({ consumer: 'team:board', target: { productId: 'board-kpis' } })]);

    expect(await planFanOut(deps, nonBreakingChange())).toEqual([]);
    expect(await planFanOut(deps, sample('data-product-version-published.json'))).toEqual([]);
  });

  it('propagates validation failures and deprecations downstream', async () => {
    const catalog = [
      ...products(),
      aProduct({ id: 'legacy-orders' }),
      aProduct({ id: 'legacy-report', contract: aContract({ upstreamProducts: ['legacy-orders'] }) }),
    ];
    const deps = depsWith(
      [
        aSubscription({ consumer: 'team:revenue', target: { productId: 'daily-revenue' } }),
        aSubscription({ consumer: 'team:legacy', target: { productId: 'legacy-report' } }),
      ],
      catalog,
    );

    expect(summary(await planFanOut(deps, sample('data-product-validation-failed.json')))).toEqual([
      {
        consumer: 'team:revenue',
        type: 'validation-failed',
        audience: 'consumer',
        path: ['orders', 'daily-revenue'],
      },
    ]);
    expect(summary(await planFanOut(deps, sample('data-product-deprecated.json')))).toEqual([
      {
        consumer: 'team:legacy',
        type: 'deprecated',
        audience: 'consumer',
        path: ['legacy-orders', 'legacy-report'],
      },
    ]);
  });

  it('keeps a direct delivery over a downstream one, and the shortest path, for a subscription reached twice', async () => {
    const catalog = [
      ...products(),
      aProduct({
        id: 'forecast',
        domain: 'finance',
        contract: aContract({ domain: 'finance', upstreamProducts: ['board-kpis', 'daily-revenue'] }),
      }),
    ];
    const deps = depsWith(
      [
        aSubscription({ consumer: 'team:sales', target: { domain: 'sales' }, events: ['schema-changed'] }),
        aSubscription({
          consumer: 'team:finance',
          target: { domain: 'finance' },
          events: ['schema-changed-breaking'],
        }),
      ],
      catalog,
    );

    const deliveries = await planFanOut(deps, breakingChange());

    expect(summary(deliveries)).toEqual([
      { consumer: 'team:sales', type: 'schema-changed', audience: 'consumer', path: undefined },
      {
        consumer: 'team:finance',
        type: 'schema-changed-breaking',
        audience: 'consumer',
        path: ['orders', 'daily-revenue', 'board-kpis'],
      },
    ]);
    expect(new Set(deliveries.map((d) => d.notification.id)).size).toBe(2);
  });

  it('respects the depth limit', async () => {
    const deps = depsWith([aSubscription({ consumer: 'team:board', target: { productId: 'board-kpis' } })]);

    expect(await planFanOut(deps, breakingChange(), { maxDepth: 1 })).toEqual([]);
  });

  it("tells the producer's support channels about validation failures and rejections", async () => {
    const catalog = products().map((p) =>
      p.id === 'orders'
        ? aProduct({
            contract: aContract({
              support: [
                {
                  channel: '#sales-data',
                  tool: 'slack',
                  url: 'https://hooks.slack.com/services/T0/B0/secret',
                },
                { channel: '#sales-chat', tool: 'slack', url: 'https://example.slack.com/archives/C0123' },
                { channel: 'sales-team@acme.example', tool: 'email' },
                { channel: 'Sales team', tool: 'email', url: 'mailto:sales-team@acme.example' },
                { channel: 'tickets', tool: 'ticket', url: 'https://jira.acme.example/browse/SALES' },
              ],
            }),
          })
        : p,
    );
    const deps = depsWith(
      [aSubscription({ consumer: 'team:analytics', events: ['validation-failed'] })],
      catalog,
    );

    const failed = await planFanOut(deps, sample('data-product-validation-failed.json'));
    const rejected = await planFanOut(deps, sample('data-product-rejected.json'));

    expect(
      failed.map((d) => [d.subscription.consumer, d.subscription.channel.kind, d.notification.audience]),
    ).toEqual([
      ['team:analytics', 'webhook', 'consumer'],
      ['team:sales-team', 'slack', 'producer'],
      ['team:sales-team', 'email', 'producer'],
    ]);
    expect(
      rejected.map((d) => [d.subscription.channel.kind, d.notification.type, d.notification.audience]),
    ).toEqual([
      ['slack', 'rejected', 'producer'],
      ['email', 'rejected', 'producer'],
    ]);
    for (const delivery of [...failed, ...rejected]) {
      expect(DeliveryMessageSchema.safeParse(delivery).success).toBe(true);
    }
    expect(failed[1]?.subscription.id).toMatch(/^producer:orders:[0-9a-f]{16}$/);
    // Producers are not told about what consumers see.
    expect(await planFanOut(deps, breakingChange())).toEqual([]);
  });

  it('tells the owner team about a new subscriber, but not the new subscription itself', async () => {
    const event = sample('subscription-created.json');
    const catalog = products().map((p) =>
      p.id === 'orders'
        ? aProduct({
            contract: aContract({ support: [{ channel: 'sales-team@acme.example', tool: 'email' }] }),
          })
        : p,
    );
    const newcomer = {
      ...aSubscription({ events: ['subscriber-added'] }),
      id: String(event.detail.subscriptionId),
    };
    const owner = aSubscription({ consumer: 'team:sales-team', events: ['subscriber-added'] });
    const deps = depsWith([newcomer, owner, aSubscription({ consumer: 'team:other' })], catalog);

    expect(summary(await planFanOut(deps, event))).toEqual([
      { consumer: 'team:sales-team', type: 'subscriber-added', audience: 'consumer', path: undefined },
      { consumer: 'team:sales-team', type: 'subscriber-added', audience: 'producer', path: undefined },
    ]);
    expect(await planFanOut(deps, { ...event, productId: '*' })).toEqual([]);
  });

  it('reads only the subscriptions that listed a type of the event, unless the event reaches all', async () => {
    const listings: Listings = [];
    const deps = depsWith(
      [
        aSubscription({ events: ['version-published'] }),
        aSubscription({ consumer: 'team:b', events: ['deprecated'] }),
      ],
      products(),
      listings,
    );

    expect(summary(await planFanOut(deps, sample('subscription-created.json')))).toEqual([]);
    const moved = { ...sample('data-product-storage-changed.json'), productId: 'orders' };
    expect(summary(await planFanOut(deps, moved))).toEqual([
      { consumer: 'team:analytics', type: 'storage-changed', audience: 'consumer', path: undefined },
      { consumer: 'team:b', type: 'storage-changed', audience: 'consumer', path: undefined },
    ]);

    expect(listings).toEqual([['subscriber-added'], undefined]);
  });

  it('makes the same notifications from a redelivered event', async () => {
    const deps = depsWith([
      aSubscription(),
      aSubscription({ consumer: 'team:board', target: { productId: 'board-kpis' } }),
    ]);

    const first = await planFanOut(deps, sample('data-product-validation-failed.json'));
    const again = await planFanOut(deps, sample('data-product-validation-failed.json'));

    expect(again).toEqual(first);
    expect(first).toHaveLength(2);
  });

  it('matches domain subscribers from the event when the product is not registered', async () => {
    const deps = depsWith([aSubscription({ target: { domain: 'sales' }, events: ['deprecated'] })], []);

    expect(summary(await planFanOut(deps, sample('data-product-deprecated.json')))).toEqual([
      { consumer: 'team:analytics', type: 'deprecated', audience: 'consumer', path: undefined },
    ]);
  });
});

describe('Function: producerChannel', () => {
  it.each([
    [{ channel: '#data', tool: 'slack', url: 'https://hooks.slack.com/services/T0/B0/x' }, 'slack'],
    [{ channel: '#data', url: 'https://hooks.slack.com/services/T0/B0/x' }, 'slack'],
    [{ channel: '#data', tool: 'slack', url: 'https://acme.slack.com/archives/C0123' }, undefined],
    [{ channel: 'data', tool: 'teams', url: 'https://acme.webhook.office.com/webhookb2/abc' }, 'teams'],
    [
      { channel: 'data', tool: 'teams', url: 'https://prod-1.westeurope.logic.azure.com/workflows/x' },
      'teams',
    ],
    [{ channel: 'data', url: 'https://prod-1.westeurope.logic.azure.com/workflows/x' }, undefined],
    [{ channel: 'data', tool: 'teams', url: 'https://teams.microsoft.com/l/channel/x' }, undefined],
    [{ channel: 'local', tool: 'slack', url: 'http://127.0.0.1:8080/slack' }, 'slack'],
    [{ channel: 'data@acme.example' }, 'email'],
    [{ channel: 'Data team', tool: 'email', url: 'mailto:data@acme.example?subject=hi' }, 'email'],
    [{ channel: 'Data team', tool: 'email' }, undefined],
    [{ channel: 'hooks', tool: 'other', url: 'https://hooks.acme.example/mesh' }, undefined],
    [{ channel: 'ftp', url: 'ftp://hooks.slack.com/x' }, undefined],
    [{ channel: 'broken', tool: 'slack', url: 'not a url' }, undefined],
  ])('maps %o to %s', (entry, kind) => {
    expect(producerChannel(entry)?.kind).toBe(kind);
  });

  it('reads the address of a mailto: URL', () => {
    expect(producerChannel({ channel: 'Data', url: 'mailto:data@acme.example?subject=x' })).toEqual({
      kind: 'email',
      address: 'data@acme.example',
    });
  });
});

describe('Function: producerSubscriptions', () => {
  it('makes one synthetic subscription per channel, deterministic, for the owner team', () => {
    const product = aProduct({
      contract: aContract({
        support: [
          { channel: 'sales-team@acme.example', tool: 'email' },
          { channel: 'Sales', url: 'mailto:Sales-Team@acme.example' },
        ],
      }),
    });

    const subscriptions = producerSubscriptions(product);

    expect(subscriptions).toEqual([
      {
        id: expect.stringMatching(/^producer:orders:[0-9a-f]{16}$/),
        consumer: 'team:sales-team',
        target: { productId: 'orders' },
        events: ['validation-failed', 'rejected', 'subscriber-added', 'storage-changed'],
        channel: { kind: 'email', address: 'sales-team@acme.example' },
        source: 'gitops',
        status: 'active',
        createdAt: product.updatedAt,
      },
    ]);
    expect(producerSubscriptions(product)).toEqual(subscriptions);
    expect(producerSubscriptions(aProduct())).toEqual([]);
  });
});
