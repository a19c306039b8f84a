import { createHmac, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventBridgeEnvelope } from '../../events/event-contract';
import { main } from '../../functions/cli/main';
import { type Clone, cloneRepo } from '../support/git';
import { startTestPlatform, type TestPlatform } from '../support/local-platform';

const ALICE = { name: 'alice', email: 'alice@example.com' };
const BOB = { name: 'bob', email: 'bob@example.com' };
const TEAMS = { 'sales-team': ['alice@example.com'], marketing: ['bob'] };

const example = (file: string) => readFile(new URL(`../../examples/orders/${file}`, import.meta.url), 'utf8');

// biome-ignore lint/suspicious/noExplicitAny: event details are asserted field by field
const detail = (event: EventBridgeEnvelope | undefined): any => event?.detail;

describe('Data repo flow (local bare repo + push hook + webhook receiver + push processor)', () => {
  let t: TestPlatform;
  let work: string;
  let repo: Clone;
  let contract: string;

  /** Pushes and waits until the bus delivered everything the push caused; returns the new events. */
  const push = async (...args: string[]) => {
    const before = t.events.length;
    const output = await repo.push(...args);
    await t.platform.bus.whenIdle();
    return { output: `${output.stdout}\n${output.stderr}`, events: t.events.slice(before) };
  };
  const ofType = (events: EventBridgeEnvelope[], type: string) =>
    events.filter((e) => e['detail-type'] === type);
  const productShow = async (id: string) => {
    const lines: string[] = [];
    const code = await main(['product', 'show', id, '--json'], {
      out: (text) => lines.push(text),
      err: (text) => lines.push(text),
    });
    return { code, json: JSON.parse(lines.join('\n')) };
  };

  beforeAll(async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'mesh-git-'));
    await writeFile(join(stateDir, 'teams.json'), JSON.stringify(TEAMS));
    t = await startTestPlatform(stateDir);
    process.env.MESH_STATE_DIR = t.stateDir;
    work = await mkdtemp(join(tmpdir(), 'mesh-clone-'));
    repo = await cloneRepo(t.platform.endpoints.dataRepo, join(work, 'data'), ALICE);
    contract = await example('datacontract.yaml');
  });

  afterAll(async () => {
    await t?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('registers a product folder pushed to the data repo and publishes its CSV at the pushed commit', async () => {
    await repo.write('orders/datacontract.yaml', contract);
    await repo.write('orders/2026/orders-2026-11-21.csv', await example('orders-2026-11-21.csv'));
    const sha = await repo.commit('orders: first contract and data');

    const { output, events } = await push();

    expect(output).toContain('mesh: refs/heads/main: 202');
    expect(ofType(events, 'Git Push Received')).toHaveLength(1);
    expect(detail(ofType(events, 'Data Product Registered')[0])).toMatchObject({
      product: { id: 'orders', ownerTeam: 'sales-team' },
      location: { kind: 'git', repository: 'local:local/data', path: 'orders/' },
      contract: { repository: 'local:local/data', path: 'orders/datacontract.yaml', commit: sha },
    });
    expect(detail(ofType(events, 'Data Product Version Published')[0]).version).toMatchObject({
      rows: 3,
      object: { path: 'orders/2026/orders-2026-11-21.csv', commit: sha },
    });
    const shown = await productShow('orders');
    expect(shown.code).toBe(0);
    expect(shown.json.locations).toEqual([{ kind: 'git', repository: 'local:local/data', path: 'orders/' }]);
    expect(shown.json.versions[0]).toMatchObject({ verdict: 'published', recordedBy: 'alice' });
  });

  it('rejects a push that edits another team’s product, naming the pusher, and changes nothing', async () => {
    repo.as(BOB);
    await repo.write('orders/datacontract.yaml', contract.replace('name: sales-team', 'name: marketing'));
    await repo.commit('bob takes over orders');

    const { events } = await push();

    const [rejected] = ofType(events, 'Data Product Rejected');
    expect(detail(rejected)).toMatchObject({ reason: 'not-owner', actor: { username: 'bob' } });
    expect(detail(rejected).errors[0].message).toMatch(/bob .*sales-team/);
    expect(ofType(events, 'Data Product Updated')).toEqual([]);
    expect((await productShow('orders')).json.product.ownerTeam).toBe('sales-team');
    // Alice puts the folder back the way it was; nothing changes for the product.
    repo.as(ALICE);
    await repo.write('orders/datacontract.yaml', contract);
    await repo.commit('revert');
    expect(ofType((await push()).events, 'Data Product Updated')).toEqual([]);
  });

  it('rejects a breaking change without a new major version, and announces it with one', async () => {
    const withoutDate = contract.replace(
      /\n {6}- name: order_date\n {8}logicalType: date\n {8}required: false/,
      '',
    );
    expect(withoutDate).not.toBe(contract);
    await repo.write('orders/datacontract.yaml', withoutDate.replace('version: 1.0.0', 'version: 1.1.0'));
    await repo.commit('drop order_date');

    const first = await push();
    const [rejected] = ofType(first.events, 'Data Product Rejected');
    expect(detail(rejected).reason).toBe('breaking-change');
    expect(JSON.stringify(detail(rejected).errors)).toContain('order_date');
    expect((await productShow('orders')).json.product.contractVersion).toBe('1.0.0');

    await repo.write('orders/datacontract.yaml', withoutDate.replace('version: 1.0.0', 'version: 2.0.0'));
    await repo.commit('drop order_date, as 2.0.0');
    const second = await push();
    const changed = detail(ofType(second.events, 'Data Product Schema Changed')[0]);
    expect(changed).toMatchObject({ verdict: 'breaking', previousContractVersion: '1.0.0' });
    expect(changed.changes).toEqual([
      expect.objectContaining({ kind: 'column-removed', column: 'order_date' }),
    ]);
    expect((await productShow('orders')).json.product.contractVersion).toBe('2.0.0');
  });

  it('records a bad CSV as quarantined with row and column errors', async () => {
    const bad = (await example('orders-2026-11-22-bad.csv')).replace(/,[^,\n]*$/gm, '');
    await repo.write('orders/2026/orders-2026-11-22.csv', bad);
    await repo.commit('bad data');

    const { events } = await push();

    const failed = detail(ofType(events, 'Data Product Validation Failed')[0]);
    expect(failed.errorCount).toBeGreaterThan(0);
    expect(failed.errors[0]).toMatchObject({ row: expect.any(Number), rule: expect.any(String) });
    expect(failed.quarantinedAs).toBeUndefined();
    expect((await productShow('orders')).json.versions[0].verdict).toBe('quarantined');
  });

  it('registers an uncontracted product from a data_catalog.csv row, its schema inferred from the header', async () => {
    await repo.write(
      'data_catalog.csv',
      'name,owner,description,path\nlegacy-stock,sales-team,Stock levels,stock/\n',
    );
    await repo.write('stock/stock.csv', 'sku,warehouse,quantity\nA-1,north,12\n');
    await repo.commit('thinnest platform: a catalog row');

    const { events } = await push();

    const registered = detail(ofType(events, 'Data Product Registered')[0]);
    expect(registered).toMatchObject({ product: { id: 'legacy-stock', ownerTeam: 'sales-team' } });
    const shown = await productShow('legacy-stock');
    expect(shown.json.product.uncontracted).toBe(true);
    expect(shown.json.product.contract.table.columns.map((c: { name: string }) => c.name)).toEqual([
      'sku',
      'warehouse',
      'quantity',
    ]);
    expect(shown.json.versions[0]).toMatchObject({ verdict: 'published', rows: 1 });
  });

  it('keeps the published state after a force-push that drops a commit', async () => {
    // Contract 2.0.0 has no order_date column.
    const good = (await example('orders-2026-11-21.csv')).replace(/,[^,\n]*$/gm, '');
    await repo.write('orders/2026/orders-extra.csv', good);
    await repo.commit('extra data');
    await push();
    await repo.git('reset', '--hard', 'HEAD~1');
    await repo.write('orders/2026/orders-other.csv', good);
    const sha = await repo.commit('other data instead');

    const { events } = await push('--force', 'origin', 'HEAD:main');

    expect(ofType(events, 'Data Product Version Published').map((e) => detail(e).version.object)).toEqual([
      { repository: 'local:local/data', path: 'orders/2026/orders-other.csv', commit: sha },
    ]);
    expect(ofType(events, 'Data Product Rejected')).toEqual([]);
  });

  it('acknowledges a redelivered webhook once and ignores branch deletions', async () => {
    const secret = (await readFile(join(t.stateDir, 'webhook-secret'), 'utf8')).trim();
    const head = await repo.head();
    const send = (id: string, after: string) => {
      const body = JSON.stringify({
        ref: 'refs/heads/main',
        before: head,
        after,
        repository: { full_name: 'local/data' },
        pusher: { name: 'alice', email: 'alice@example.com' },
        commits: [],
      });
      return fetch(`${t.platform.endpoints.http}/webhooks/git`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'mesh-data-repo-hook/1',
          'x-github-event': 'push',
          'x-github-delivery': id,
          'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
        },
        body,
      });
    };
    const id = randomUUID();
    const before = t.events.length;
    expect((await send(id, head)).status).toBe(202);
    const again = await send(id, head);
    expect(again.status).toBe(202);
    expect(await again.json()).toMatchObject({ status: 'duplicate' });
    const deletion = await send(randomUUID(), '0'.repeat(40));
    expect(await deletion.json()).toMatchObject({ status: 'ignored' });
    await t.platform.bus.whenIdle();
    expect(ofType(t.events.slice(before), 'Git Push Received')).toHaveLength(1);
  });

  it('refuses an unsigned or wrongly signed webhook with 401 and puts nothing on the bus', async () => {
    const before = t.events.length;
    const body = JSON.stringify({ ref: 'refs/heads/main' });
    const unsigned = await fetch(`${t.platform.endpoints.http}/webhooks/git`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': 'x' },
      body,
    });
    const wrong = await fetch(`${t.platform.endpoints.http}/webhooks/git`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'push',
        'x-github-delivery': 'y',
        'x-hub-signature-256': `sha256=${'0'.repeat(64)}`,
      },
      body,
    });
    expect([unsigned.status, wrong.status]).toEqual([401, 401]);
    await t.platform.bus.whenIdle();
    expect(t.events.length).toBe(before);
  });

  it('deprecates a product whose folder is deleted, without erasing it', async () => {
    await repo.remove('stock');
    await repo.write('data_catalog.csv', 'name,owner,description,path\n');
    await repo.remove('orders');
    await repo.commit('retire orders');

    const { events } = await push();

    // Folders are processed concurrently: the two events come in either order.
    const deprecated = ofType(events, 'Data Product Deprecated').map(detail);
    expect(deprecated).toHaveLength(2);
    expect(deprecated).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ product: expect.objectContaining({ id: 'orders', status: 'deprecated' }) }),
        expect.objectContaining({
          product: expect.objectContaining({ id: 'legacy-stock', status: 'deprecated' }),
          reason: 'folder-deleted',
        }),
      ]),
    );
    // The uncontracted product went with its folder and its catalog row.
    expect((await productShow('legacy-stock')).json.product.status).toBe('deprecated');
    const shown = await productShow('orders');
    expect(shown.json.product.status).toBe('deprecated');
    expect(shown.json.versions.length).toBeGreaterThan(0);
  });
});
