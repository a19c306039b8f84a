import { describe, expect, it } from 'vitest';
import { subscriptionId } from '../../../functions/core/notifications/subscription-id';

describe('Function: subscriptionId', () => {
  const webhook = { kind: 'webhook' as const, url: 'https://hooks.analytics.example/mesh' };

  it('is short, prefixed and stable', () => {
    const id = subscriptionId('team:analytics', { productId: 'orders' }, webhook);

    expect(id).toMatch(/^sub_[a-z2-7]{20}$/);
    expect(subscriptionId('team:analytics', { productId: 'orders' }, webhook)).toBe(id);
  });

  it('is one id for spelling variants of the same subscription', () => {
    const id = subscriptionId(
      'alice@example.com',
      { domain: 'sales' },
      { kind: 'email', address: 'alice@example.com' },
    );

    expect(
      subscriptionId(
        ' Alice@Example.com',
        { domain: 'sales' },
        { kind: 'email', address: 'ALICE@example.com' },
      ),
    ).toBe(id);
    expect(
      subscriptionId(
        'team:analytics',
        { productId: 'orders' },
        { kind: 'webhook', url: 'HTTPS://Hooks.Analytics.example:443/mesh' },
      ),
    ).toBe(subscriptionId('team:analytics', { productId: 'orders' }, webhook));
  });

  it('differs by consumer, target and channel', () => {
    const ids = new Set([
      subscriptionId('team:analytics', { productId: 'orders' }, webhook),
      subscriptionId('team:finance', { productId: 'orders' }, webhook),
      subscriptionId('team:analytics', { productId: 'customers' }, webhook),
      subscriptionId('team:analytics', { domain: 'orders' }, webhook),
      subscriptionId('team:analytics', { productId: 'orders' }, { kind: 'slack', url: webhook.url }),
      subscriptionId(
        'team:analytics',
        { productId: 'orders' },
        { kind: 'webhook', url: `${webhook.url}/v2` },
      ),
    ]);

    expect(ids.size).toBe(6);
  });
});
