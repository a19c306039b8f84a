import { describe, expect, it } from 'vitest';
import { matches, matchingType } from '../../../functions/core/notifications/match-subscriptions';
import { aProduct } from '../../support/builders';
import { aSubscription } from './fixtures';

const orders = aProduct();
const breaking = ['schema-changed-breaking', 'schema-changed'] as const;

describe('Function: matches', () => {
  it('matches a subscription to the product by id', () => {
    expect(matches(aSubscription(), 'version-published', orders)).toBe(true);
    expect(matches(aSubscription({ target: { productId: 'customers' } }), 'version-published', orders)).toBe(
      false,
    );
  });

  it('matches a subscription to the domain of the product', () => {
    const sales = aSubscription({ target: { domain: 'sales' } });

    expect(matches(sales, 'version-published', orders)).toBe(true);
    expect(matches(sales, 'version-published', aProduct({ domain: 'finance' }))).toBe(false);
    expect(matches(sales, 'version-published', aProduct({ domain: undefined }))).toBe(false);
  });

  it('matches the types the subscription asked for only', () => {
    const subscription = aSubscription({ events: ['deprecated'] });

    expect(matches(subscription, 'deprecated', orders)).toBe(true);
    expect(matches(subscription, 'version-published', orders)).toBe(false);
  });

  it('never matches a paused subscription', () => {
    expect(matches(aSubscription({ status: 'paused', pausedReason: '410 Gone' }), 'deprecated', orders)).toBe(
      false,
    );
  });
});

describe('Function: matchingType', () => {
  it('gives a schema-changed subscription breaking and non-breaking changes', () => {
    const subscription = aSubscription({ events: ['schema-changed'] });

    expect(matchingType(subscription, breaking, orders)).toBe('schema-changed');
    expect(matchingType(subscription, ['schema-changed'], orders)).toBe('schema-changed');
  });

  it('gives a schema-changed-breaking subscription breaking changes only', () => {
    const subscription = aSubscription({ events: ['schema-changed-breaking'] });

    expect(matchingType(subscription, breaking, orders)).toBe('schema-changed-breaking');
    expect(matchingType(subscription, ['schema-changed'], orders)).toBeUndefined();
  });

  it('tells a subscription to both once, as the most specific type, whatever the order of the types', () => {
    const subscription = aSubscription({ events: ['schema-changed', 'schema-changed-breaking'] });

    expect(matchingType(subscription, breaking, orders)).toBe('schema-changed-breaking');
    expect(matchingType(subscription, ['schema-changed', 'schema-changed-breaking'], orders)).toBe(
      'schema-changed-breaking',
    );
  });

  it('is nothing for a subscription of another product, a paused one, or no types', () => {
    expect(
      matchingType(aSubscription({ target: { productId: 'customers' } }), breaking, orders),
    ).toBeUndefined();
    expect(matchingType(aSubscription({ status: 'paused' }), breaking, orders)).toBeUndefined();
    expect(matchingType(aSubscription(), [], orders)).toBeUndefined();
  });
});
