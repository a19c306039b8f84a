import { describe, expect, it } from 'vitest';
import { downstreamOf, propagatesDownstream } from '../../../functions/core/notifications/downstream-impact';
import { NotificationTypeSchema } from '../../../functions/core/notifications/subscription';

/** Dependents from an adjacency list: upstream → the products derived from it. */
const graph = (edges: Record<string, string[]>) => (id: string) => edges[id] ?? [];

describe('Function: downstreamOf', () => {
  it('follows dependents transitively, nearest first, with the path from the changed product', async () => {
    const dependents = graph({ orders: ['daily-revenue', 'fulfilment'], 'daily-revenue': ['board-kpis'] });

    expect(await downstreamOf('orders', dependents)).toEqual([
      { productId: 'daily-revenue', path: ['orders', 'daily-revenue'] },
      { productId: 'fulfilment', path: ['orders', 'fulfilment'] },
      { productId: 'board-kpis', path: ['orders', 'daily-revenue', 'board-kpis'] },
    ]);
  });

  it('gives each product once, with its shortest path', async () => {
    const dependents = graph({
      orders: ['daily-revenue', 'board-kpis'],
      'daily-revenue': ['board-kpis', 'forecast'],
      'board-kpis': ['forecast'],
    });

    expect(await downstreamOf('orders', dependents)).toEqual([
      { productId: 'board-kpis', path: ['orders', 'board-kpis'] },
      { productId: 'daily-revenue', path: ['orders', 'daily-revenue'] },
      { productId: 'forecast', path: ['orders', 'board-kpis', 'forecast'] },
    ]);
  });

  it('is safe with cycles, and never lists the changed product itself', async () => {
    const dependents = graph({ a: ['b'], b: ['c', 'a'], c: ['a', 'b', 'c'] });

    expect(await downstreamOf('a', dependents)).toEqual([
      { productId: 'b', path: ['a', 'b'] },
      { productId: 'c', path: ['a', 'b', 'c'] },
    ]);
  });

  it('stops at the depth limit', async () => {
    const chain = graph({
      p0: ['p1'],
      p1: ['p2'],
      p2: ['p3'],
      p3: ['p4'],
      p4: ['p5'],
      p5: ['p6'],
      p6: ['p7'],
    });

    expect((await downstreamOf('p0', chain)).map((d) => d.productId)).toEqual(['p1', 'p2', 'p3', 'p4', 'p5']);
    expect((await downstreamOf('p0', chain, { maxDepth: 2 })).map((d) => d.productId)).toEqual(['p1', 'p2']);
    expect(await downstreamOf('p0', chain, { maxDepth: 0 })).toEqual([]);
  });

  it('asks an asynchronous source once per product', async () => {
    const asked: string[] = [];
    const edges: Record<string, string[]> = { orders: ['a', 'b'], a: ['c'], b: ['c'] };
    const dependents = async (id: string) => {
      asked.push(id);
      return edges[id] ?? [];
    };

    const found = await downstreamOf('orders', dependents);

    expect(found.map((d) => d.productId)).toEqual(['a', 'b', 'c']);
    expect(asked.sort()).toEqual(['a', 'b', 'c', 'orders']);
  });

  it('is nothing for a product without dependents', async () => {
    expect(await downstreamOf('orders', () => [])).toEqual([]);
  });
});

describe('Function: propagatesDownstream', () => {
  it('propagates breaking schema changes, validation failures and deprecations only', () => {
    expect(NotificationTypeSchema.options.filter(propagatesDownstream)).toEqual([
      'schema-changed-breaking',
      'validation-failed',
      'deprecated',
    ]);
  });
});
