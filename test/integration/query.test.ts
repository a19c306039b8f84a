import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli';
import { cloneRepo } from '../support/git';
import { startTestPlatform, type TestPlatform } from '../support/local-platform';

const file = (path: string) => readFileSync(new URL(`../../examples/${path}`, import.meta.url), 'utf8');

describe('mesh query: SQL over every registered product (DuckDB on the local platform)', () => {
  let t: TestPlatform;
  let work: string;

  beforeAll(async () => {
    t = await startTestPlatform();
    process.env.MESH_STATE_DIR = t.stateDir;
    // orders through the bucket (one good file, one quarantined), customers through the data repo.
    await t.upload('orders/datacontract.yaml', file('orders/datacontract.yaml'));
    await t.upload('orders/2026/orders-2026-11-21.csv', file('orders/orders-2026-11-21.csv'));
    await t.upload('orders/2026/orders-2026-11-22-bad.csv', file('orders/orders-2026-11-22-bad.csv'));
    expect(
      (
        await cli(
          'product',
          'create',
          new URL('../../examples/customers/product.json', import.meta.url).pathname,
        )
      ).code,
    ).toBe(0);
    work = await mkdtemp(join(tmpdir(), 'mesh-query-'));
    const repo = await cloneRepo(t.platform.endpoints.dataRepo, join(work, 'data'), {
      name: 'crm',
      email: 'crm@example.com',
    });
    await repo.write('customers/customers-2026-11.csv', file('customers/customers-2026-11.csv'));
    await repo.commit('customers: November');
    await repo.push();
    await t.platform.bus.whenIdle();
  });

  afterAll(async () => {
    await t?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('reads each product with its contract types, from its current published files only', async () => {
    const result = await cli(
      'query',
      'SELECT count(*) AS n, sum(amount) AS total, max(ordered_at) AS last FROM orders',
      '--json',
    );
    expect(result.err).toBe('');
    expect(JSON.parse(result.out)).toEqual([{ n: 3, total: 182.49, last: '2026-11-21 11:45:00' }]);
  });

  it('joins a bucket product with a data-repo product, and names tables by major version too', async () => {
    const result = await cli(
      'query',
      'SELECT o.order_id, c.country FROM orders_v1 o JOIN customers c ON o.customer_email = c.email ORDER BY 1',
      '--json',
    );
    expect(JSON.parse(result.out)).toEqual([{ order_id: 1001, country: 'PT' }]);
  });

  it('says which tables exist when the SQL names an unknown one, and passes SQL errors on', async () => {
    const unknown = await cli('query', 'SELECT * FROM invoices');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain(
      'unknown table invoices: the registered products are customers, customers_v1, orders, orders_v1',
    );
    const broken = await cli('query', 'SELEC 1');
    expect(broken.code).toBe(1);
    expect(broken.err).toMatch(/syntax error/i);
  });
});
