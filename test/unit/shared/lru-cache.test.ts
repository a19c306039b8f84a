import { describe, expect, it } from 'vitest';
import LruCache from '../../../functions/shared/lru-cache';

describe('Class: LruCache (the endpoint-discovery cache of the Lambda bundles)', () => {
  it('evicts the least recently used entry past its capacity; get refreshes, peek does not', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1).set('b', 2);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3);
    expect([cache.has('a'), cache.has('b'), cache.has('c')]).toEqual([true, false, true]);

    expect(cache.peek('a')).toBe(1);
    cache.set('d', 4);
    expect([cache.has('a'), cache.has('c'), cache.has('d')]).toEqual([false, true, true]);
    expect(cache.size).toBe(2);
  });

  it('overwrites a key in place and clears', () => {
    const cache = new LruCache<string, number[]>(1);
    cache.set('k', [1]).set('k', []);
    expect(cache.peek('k')).toEqual([]);
    expect(cache.get('missing')).toBeUndefined();
    cache.clear();
    expect(cache.size).toBe(0);
  });
});
