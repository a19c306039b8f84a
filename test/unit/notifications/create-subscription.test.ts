import { describe, expect, it } from 'vitest';
import { createSubscription } from '../../../functions/core/notifications/manage-subscriptions';
import type { NotificationDeps } from '../../../functions/core/notifications/notification-deps';
import { DEFAULT_NOTIFICATION_SETTINGS } from '../../../functions/core/notifications/notification-deps';
import type { Subscription } from '../../../functions/core/notifications/subscription';
import type { OutgoingEvent } from '../../../functions/ports/event-publisher';
import { aProduct } from '../../support/builders';

const eventIdOf = (event: OutgoingEvent | undefined) =>
  (event?.detail as { metadata: { eventId: string } } | undefined)?.metadata.eventId;

describe('Function: createSubscription', () => {
  it('announces a subscription made again after its deletion as a new event (the owner is told again)', async () => {
    const stored = new Map<string, Subscription>();
    const published: OutgoingEvent[] = [];
    let now = new Date('2026-11-22T10:00:00.000Z');
    const deps = {
      registry: { getProduct: async () => aProduct(), listProducts: async () => [aProduct()] },
      subscriptions: {
        create: async (subscription: Subscription) => {
          const existing = stored.get(subscription.id);
          if (existing) return { created: false, subscription: existing };
          stored.set(subscription.id, subscription);
          return { created: true, subscription };
        },
        markAnnounced: async (id: string) => {
          const { pending: _, ...done } = stored.get(id) as Subscription;
          stored.set(id, done);
        },
        putSecret: async () => {},
      },
      events: { publish: async (events: OutgoingEvent[]) => void published.push(...events) },
      clock: () => now,
      settings: DEFAULT_NOTIFICATION_SETTINGS,
      newSecret: () => 'whsec_c2VjcmV0',
    } as unknown as NotificationDeps;
    const request = {
      consumer: 'team:bi',
      target: { productId: 'orders' },
      channel: { kind: 'email' as const, address: 'bi@example.com' },
      source: 'api' as const,
    };

    expect((await createSubscription(deps, request)).status).toBe('created');
    expect((await createSubscription(deps, request)).status).toBe('exists');
    stored.clear();
    now = new Date('2026-11-23T10:00:00.000Z');
    expect((await createSubscription(deps, request)).status).toBe('created');

    expect(published).toHaveLength(2);
    expect(eventIdOf(published[1])).not.toBe(eventIdOf(published[0]));
  });
});
