import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli';
import { cloneRepo } from '../support/git';
import { startTestPlatform, type TestPlatform } from '../support/local-platform';

const run = promisify(execFile);

const METADATA = {
  id: 'customers',
  name: 'Customers',
  ownerTeam: 'crm-team',
  domain: 'sales',
  description: 'Every customer of the web shop',
  columns: [
    { name: 'customer_id', type: 'integer', primaryKey: true },
    { name: 'email', type: 'string', required: true },
    { name: 'signed_up', type: 'date' },
  ],
};

describe('mesh product create (the seed registration script, against the local platform)', () => {
  let t: TestPlatform;
  let work: string;

  beforeAll(async () => {
    t = await startTestPlatform();
    process.env.MESH_STATE_DIR = t.stateDir;
    work = await mkdtemp(join(tmpdir(), 'mesh-cli-'));
  });

  afterAll(async () => {
    await t?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  const commits = async () =>
    Number(
      (await run('git', ['--git-dir', t.platform.endpoints.dataRepo, 'rev-list', '--all', '--count'])).stdout,
    );

  it('writes the folder into the data repo, pushes it and reports the registration', async () => {
    const file = join(work, 'customers.json');
    await writeFile(file, JSON.stringify(METADATA));

    const result = await cli('product', 'create', file);

    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toContain('registered "customers"');
    const shown = await cli('product', 'show', 'customers', '--json');
    expect(JSON.parse(shown.out).product).toMatchObject({ ownerTeam: 'crm-team', domain: 'sales' });
    const clone = await cloneRepo(t.platform.endpoints.dataRepo, join(work, 'check'), {
      name: 'x',
      email: 'x@y',
    });
    const contract = await readFile(join(clone.dir, 'customers/datacontract.yaml'), 'utf8');
    expect(contract).toContain('primaryKey: true');
    expect(await readFile(join(clone.dir, 'customers/README.md'), 'utf8')).toContain('# Customers');
  });

  it('refuses invalid metadata with every problem and its path, pushing nothing', async () => {
    const file = join(work, 'bad.json');
    await writeFile(
      file,
      JSON.stringify({ ...METADATA, id: 'Bad Id', columns: [{ name: 'x', type: 'uuid' }] }),
    );
    const before = await commits();

    const result = await cli('product', 'create', file);

    expect(result.code).toBe(1);
    expect(result.err).toMatch(/bad\.json: id: /);
    expect(result.err).toMatch(/bad\.json: columns\.0\.type: /);
    expect(await commits()).toBe(before);
  });

  it('refuses malformed JSON and an id that already exists', async () => {
    const broken = join(work, 'broken.json');
    await writeFile(broken, '{ "id": ');
    expect((await cli('product', 'create', broken)).err).toMatch(/not valid JSON/);
    const again = join(work, 'again.json');
    await writeFile(again, JSON.stringify(METADATA));
    const result = await cli('product', 'create', again);
    expect(result.code).toBe(1);
    expect(result.err).toContain('already exists');
  });
});

describe('mesh validate --base (breaking-change check for producers’ CI)', () => {
  let work: string;
  let repo: Awaited<ReturnType<typeof cloneRepo>>;
  let contract: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'mesh-base-'));
    await run('git', ['init', '--quiet', '--bare', '--initial-branch=main', join(work, 'origin.git')]);
    repo = await cloneRepo(join(work, 'origin.git'), join(work, 'data'), {
      name: 'ci',
      email: 'ci@example.com',
    });
    contract = await readFile(new URL('../../examples/orders/datacontract.yaml', import.meta.url), 'utf8');
    await repo.write('orders/datacontract.yaml', contract);
    await repo.commit('base');
  });

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  const dropOrderDate = (text: string) =>
    text.replace(/\n {6}- name: order_date\n {8}logicalType: date\n {8}required: false/, '');

  it('fails on a breaking change without a new major version, naming the change', async () => {
    await repo.write(
      'orders/datacontract.yaml',
      dropOrderDate(contract).replace('version: 1.0.0', 'version: 1.1.0'),
    );

    const result = await cli('validate', join(repo.dir, 'orders'), '--base', 'HEAD');

    expect(result.code).toBe(1);
    expect(result.out).toMatch(/breaking: .*order_date/);
    expect(result.out).toMatch(/major version/);
  });

  it('passes the same change with a major version bump, and a non-breaking change with any version', async () => {
    await repo.write(
      'orders/datacontract.yaml',
      dropOrderDate(contract).replace('version: 1.0.0', 'version: 2.0.0'),
    );
    expect((await cli('validate', join(repo.dir, 'orders'), '--base', 'HEAD')).code).toBe(0);

    const withNote = contract.replace(
      '      - name: order_date',
      '      - name: note\n        logicalType: string\n        required: false\n      - name: order_date',
    );
    await repo.write('orders/datacontract.yaml', withNote);
    const result = await cli('validate', repo.dir, '--base', 'HEAD', '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out).products[0].schemaChange).toMatchObject({
      verdict: 'non-breaking',
      accepted: true,
      baseVersion: '1.0.0',
    });
  });

  it('says so when the base is not a revision of the repository', async () => {
    const result = await cli('validate', join(repo.dir, 'orders'), '--base', 'no-such-ref');
    expect(result.code).toBe(1);
    expect(result.out).toContain('--base no-such-ref is not a revision');
  });
});
