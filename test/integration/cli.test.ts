import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../functions/cli/main';
import { startTestPlatform, type TestPlatform } from '../support/local-platform';

const run = async (...argv: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
};

const examples = new URL('../../examples/', import.meta.url).pathname;
const samples = new URL('../../events/samples/', import.meta.url).pathname;

describe('CLI: mesh', () => {
  describe('validate (no platform needed)', () => {
    it('prints file:row:column rule message for each error and exits 1', async () => {
      const { code, out } = await run('validate', join(examples, 'orders'));

      expect(code).toBe(1);
      expect(out).toMatch(/orders-2026-11-22-bad\.csv:3:order_id type "abc" is not an integer/);
      expect(out).toMatch(/orders-2026-11-21\.csv: ok \(3 rows, 0 errors\)/);
    });

    it('exits 0 when everything is valid, and finds product folders below the given one', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'mesh-validate-'));
      const contract = await readFile(join(examples, 'orders/datacontract.yaml'));
      await mkdir(join(dir, 'orders'));
      await writeFile(join(dir, 'orders/datacontract.yaml'), contract);
      await writeFile(
        join(dir, 'orders/a.csv'),
        'order_id,customer_email,amount,status,ordered_at,order_date\n1,a@b.c,1,new,2026-11-22T00:00:00Z,\n',
      );

      const { code, out } = await run('validate', dir, '--json');

      expect(code).toBe(0);
      expect(JSON.parse(out)).toMatchObject({
        valid: true,
        products: [{ files: [{ result: { rows: 1, valid: true } }] }],
      });
    });

    it('reports contract problems with their paths', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'mesh-validate-'));
      await writeFile(
        join(dir, 'datacontract.yaml'),
        'apiVersion: v3.1.0\nkind: DataContract\nid: x\nversion: 1.0.0\n',
      );

      const { code, out } = await run('validate', dir);

      expect(code).toBe(1);
      expect(out).toMatch(/datacontract\.yaml: status: /);
    });

    it('explains usage errors with exit code 2', async () => {
      expect((await run('product', 'frobnicate')).code).toBe(2);
      expect((await run('frobnicate')).err).toMatch(/unknown command "frobnicate"/);
    });
  });

  describe('events (against the local platform)', () => {
    let t: TestPlatform;

    beforeAll(async () => {
      t = await startTestPlatform();
      process.env.MESH_STATE_DIR = t.stateDir;
    });

    afterAll(async () => {
      await t?.stop();
    });

    it('puts sample envelopes on the bus through the EventBridge API and tails them', async () => {
      const put = await run('events', 'put', join(samples, 'data-product-registered.json'), '--json');
      await t.platform.bus.whenIdle();

      expect(put.code).toBe(0);
      expect(JSON.parse(put.out)).toMatchObject({
        FailedEntryCount: 0,
        Entries: [{ EventId: expect.any(String) }],
      });
      const tail = await run('events', 'tail', '--no-follow', '--json', '--lines', '1');
      expect(JSON.parse(tail.out)).toMatchObject({
        'detail-type': 'Data Product Registered',
        source: 'datamesh.platform',
      });
      const human = await run('events', 'tail', '--no-follow', '--lines', '1');
      expect(human.out).toMatch(/Data Product Registered\s+orders\s+Orders v1\.0\.0 \(owner sales-team\)/);
    });

    it('routes a put S3 sample to the handler like a real upload', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'mesh-put-'));
      const file = join(dir, 'event.json');
      const event = JSON.parse(await readFile(join(samples, 's3-object-created.json'), 'utf8'));
      event.detail.bucket.name = t.bucket;
      event.detail.object.key = 'nobody/x.csv';
      await writeFile(file, JSON.stringify(event));

      expect((await run('events', 'put', file)).code).toBe(0);
      await t.platform.bus.whenIdle();

      expect(t.domainEvents('Data Product Rejected').at(-1)?.detail).toMatchObject({ reason: 'no-contract' });
    });

    it('refuses a file that holds no event, saying which entry is wrong', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'mesh-put-'));
      await writeFile(join(dir, 'bad.json'), JSON.stringify([{ Source: 'x' }]));

      const { code, err } = await run('events', 'put', join(dir, 'bad.json'));

      expect(code).toBe(2);
      expect(err).toMatch(/event 0: neither an EventBridge envelope nor a PutEvents entry/);
    });
  });
});
