import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GitPushReceivedDetail } from '../../events/inbound/git-push-received';
import { DynamoDbRegistry } from '../../functions/adapters/dynamodb/dynamodb-registry';
import { GitHostRequestError } from '../../functions/adapters/git/http-client';
import { LocalGitProvider } from '../../functions/adapters/git/local-git-provider';
import { DEFAULT_GIT_OPS_SETTINGS, type GitOpsDeps } from '../../functions/core/gitops/git-ops-deps';
import { processPush } from '../../functions/core/gitops/process-push';
import type { OutgoingEvent } from '../../functions/ports/event-publisher';
import { type GitProvider, GitProviderUnavailableError } from '../../functions/ports/git-provider';
import { freshRegistryTable } from '../support/dynamo';
import { type Clone, cloneRepo } from '../support/git';

const run = promisify(execFile);
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const ZERO = '0'.repeat(40);

const contractFor = (id: string, team = 'sales-team') => `apiVersion: v3.1.0
kind: DataContract
id: ${id}-contract
name: ${id}
version: 1.0.0
status: active
team:
  name: ${team}
schema:
  - name: ${id.replace(/[.-]/g, '_')}
    properties:
      - name: id
        logicalType: integer
        required: true
`;

describe('Push processor (real git repository, registry on dynalite)', () => {
  let work: string;
  let bare: string;
  let repo: Clone;
  let registry: DynamoDbRegistry;
  let published: OutgoingEvent[];
  let deps: GitOpsDeps;
  let pushes = 0;

  const pushDetail = (before: string, after: string, commits: GitPushReceivedDetail['commits'] = []) => ({
    deliveryId: `delivery-${++pushes}`,
    repository: { host: 'local' as const, fullName: 'test/data' },
    ref: 'refs/heads/main',
    branch: 'main',
    before,
    after,
    commits,
    pusher: { username: 'alice', email: 'alice@example.com' },
    receivedAt: new Date(Date.UTC(2026, 10, 22, 10, 0, pushes)).toISOString(),
  });
  const ofType = (type: string) => published.filter((e) => e.contract.detailType === type);

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'mesh-push-'));
    bare = join(work, 'data.git');
    await run('git', ['init', '--quiet', '--bare', '--initial-branch=main', bare]);
    repo = await cloneRepo(bare, join(work, 'data'), { name: 'alice', email: 'alice@example.com' });
    const table = await freshRegistryTable();
    registry = new DynamoDbRegistry(table.documentClient, table.tableName);
    published = [];
    deps = {
      registry,
      git: new LocalGitProvider(bare),
      events: { publish: async (events) => void published.push(...events) },
      clock: () => new Date('2026-11-22T10:00:00Z'),
      logger: silent,
      teams: {},
      settings: DEFAULT_GIT_OPS_SETTINGS,
    };
  });

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('registers every product of a push touching 500 folders, each once', async () => {
    for (let i = 0; i < 500; i++) await repo.write(`p-${i}/datacontract.yaml`, contractFor(`p-${i}`));
    const after = await repo.commit('500 products');
    await repo.push();

    const outcome = await processPush(deps, pushDetail(ZERO, after), 'inbound-1');

    expect(outcome).toMatchObject({ status: 'processed' });
    expect(ofType('Data Product Registered')).toHaveLength(500);
    expect((await registry.listProducts()).length).toBe(500);
    // The same push again (a redelivery under another delivery id) changes nothing and announces nothing.
    published.length = 0;
    expect(await processPush(deps, pushDetail(ZERO, after), 'inbound-2')).toEqual({ status: 'duplicate' });
    expect(published).toEqual([]);
  });

  it('reads the trees, not the commit list: a forged path with ".." touches nothing outside the repo', async () => {
    const before = await repo.head();
    await repo.write('p-1/notes.txt', 'hello');
    const after = await repo.commit('notes');
    await repo.push();
    published.length = 0;

    const forged = [
      { id: after, message: 'x', added: ['../../etc/passwd', 'p-2/../../x.csv'], modified: [], removed: [] },
    ];
    const outcome = await processPush(deps, pushDetail(before, after, forged), 'inbound-3');

    expect(outcome).toMatchObject({ status: 'processed', folders: ['p-1'] });
    expect(published).toEqual([]);
  });

  it('rejects a folder whose name is not a product id, and a contract that fails validation, with the reasons', async () => {
    const before = await repo.head();
    await repo.write('Bad Folder/datacontract.yaml', contractFor('bad'));
    await repo.write('broken/datacontract.yaml', 'apiVersion: v3.1.0\nkind: DataContract\nschema: [\n');
    const after = await repo.commit('bad folders');
    await repo.push();
    published.length = 0;

    await processPush(deps, pushDetail(before, after), 'inbound-4');

    const reasons = ofType('Data Product Rejected').map(
      (e) => e.detail as { reason: string; errors: { message: string }[] },
    );
    expect(reasons.map((r) => r.reason).sort()).toEqual(['invalid-contract', 'invalid-key']);
    expect(JSON.stringify(reasons)).toMatch(/not a valid product id/);
    expect(await registry.getProduct('broken')).toBeUndefined();
  });

  it('rejects a catalog row that claims the id of a contracted folder', async () => {
    const before = await repo.head();
    await repo.write('data_catalog.csv', 'name,owner,description,path\np-3,other-team,Clash,legacy-p3/\n');
    await repo.write('legacy-p3/data.csv', 'a,b\n1,2\n');
    const after = await repo.commit('clash');
    await repo.push();
    published.length = 0;

    await processPush(deps, pushDetail(before, after), 'inbound-5');

    const [rejected] = ofType('Data Product Rejected');
    expect(rejected?.detail).toMatchObject({ reason: 'product-id-clash' });
    expect((await registry.getProduct('p-3'))?.ownerTeam).toBe('sales-team');
  });

  it('fails without a trace when the git host is unavailable, so that the retry (or a replay) processes the push', async () => {
    const before = await repo.head();
    await repo.write('p-4/datacontract.yaml', contractFor('p-4').replace('version: 1.0.0', 'version: 1.0.1'));
    const after = await repo.commit('p-4 patch');
    await repo.push();
    published.length = 0;
    const down: GitProvider = {
      listFiles: async () => {
        throw new GitProviderUnavailableError('GitHub (https://api.github.com) is unavailable: timed out');
      },
      readFile: async () => {
        throw new GitProviderUnavailableError('unavailable');
      },
    };
    const detail = pushDetail(before, after);

    await expect(processPush({ ...deps, git: down }, detail, 'inbound-6')).rejects.toThrow(/unavailable/);
    expect(published).toEqual([]);

    expect(await processPush(deps, detail, 'inbound-6')).toMatchObject({ status: 'processed' });
    expect(ofType('Data Product Updated')).toHaveLength(1);
  });

  it('grants rights by CODEOWNERS as it was before the push, never by the CODEOWNERS the push brings', async () => {
    const teams = { 'sales-team': ['alice'] };
    const asUser = (username: string, before: string, after: string) => ({
      ...pushDetail(before, after),
      pusher: { username, email: `${username}@example.com` },
    });
    const start = await repo.head();
    await repo.write('CODEOWNERS', '/p-5/ @carol\n');
    const granted = await repo.commit('carol owns p-5');
    await repo.push();
    await processPush({ ...deps, teams }, pushDetail(start, granted), 'inbound-7');

    await repo.write('p-5/datacontract.yaml', contractFor('p-5').replace('version: 1.0.0', 'version: 1.0.1'));
    await repo.write('CODEOWNERS', '/p-5/ @carol\n/p-6/ @mallory\n');
    await repo.write('p-6/datacontract.yaml', contractFor('p-6').replace('version: 1.0.0', 'version: 1.0.1'));
    const after = await repo.commit('carol edits p-5; mallory grants herself p-6 and edits it');
    await repo.push();
    published.length = 0;

    await processPush({ ...deps, teams }, asUser('carol', granted, after), 'inbound-8');

    const updated = ofType('Data Product Updated').map(
      (e) => (e.detail as { product: { id: string } }).product.id,
    );
    expect(updated).toEqual(['p-5']);
    const rejected = ofType('Data Product Rejected').map(
      (e) => e.detail as { reason: string; metadata: { productId: string } },
    );
    expect(rejected).toEqual([
      expect.objectContaining({
        reason: 'not-owner',
        metadata: expect.objectContaining({ productId: 'p-6' }),
      }),
    ]);
    expect((await registry.getProduct('p-6'))?.contractVersion).toBe('1.0.0');
  });

  it('keeps the input ports of a pushed dataproduct.yaml (ODPS) on the product, and refuses an invalid one', async () => {
    const before = await repo.head();
    await repo.write('p-7/datacontract.yaml', contractFor('p-7'));
    await repo.write(
      'p-7/dataproduct.yaml',
      'apiVersion: v1.0.0\nkind: DataProduct\ninputPorts:\n  - name: p-1\n    version: 1.0.0\n    contractId: p-1-contract\n',
    );
    await repo.write('p-8/datacontract.yaml', contractFor('p-8'));
    await repo.write('p-8/dataproduct.yaml', 'kind: DataProduct\ninputPorts: yes\n');
    const after = await repo.commit('descriptors');
    await repo.push();
    published.length = 0;

    await processPush(deps, pushDetail(before, after), 'inbound-9');

    expect((await registry.getProduct('p-7'))?.inputPorts).toEqual([
      { name: 'p-1', version: '1.0.0', contractId: 'p-1-contract' },
    ]);
    expect(ofType('Data Product Rejected').map((e) => (e.detail as { reason: string }).reason)).toEqual([
      'invalid-descriptor',
    ]);
    expect((await registry.getProduct('p-8'))?.inputPorts).toBeUndefined();

    // A new contract version keeps them: they come from the descriptor, which did not change.
    await repo.write('p-7/datacontract.yaml', contractFor('p-7').replace('version: 1.0.0', 'version: 1.1.0'));
    const contractOnly = await repo.commit('p-7 1.1.0');
    await repo.push();
    await processPush(
      { ...deps, teams: { 'sales-team': ['alice'] } },
      pushDetail(after, contractOnly),
      'inbound-9b',
    );
    expect(await registry.getProduct('p-7')).toMatchObject({
      contractVersion: '1.1.0',
      inputPorts: [{ name: 'p-1', version: '1.0.0', contractId: 'p-1-contract' }],
    });
  });

  it('processes the first push of a branch (before 000…0) without asking the git host for that commit', async () => {
    await repo.write('p-first/datacontract.yaml', contractFor('p-first'));
    const after = await repo.commit('p-first');
    await repo.push();
    published.length = 0;
    const local = new LocalGitProvider(bare);
    const asked: string[] = [];
    // As the REST hosts answer: 000…0 is no commit.
    const host: GitProvider = {
      listFiles: async (repository, sha) => {
        asked.push(sha);
        if (/^0+$/.test(sha)) throw new GitHostRequestError(`GET /commits/${sha}: 404 Not Found`, 404);
        return local.listFiles(repository, sha);
      },
      readFile: (repository, sha, path) => local.readFile(repository, sha, path),
    };

    expect(
      await processPush({ ...deps, git: host }, pushDetail('0'.repeat(40), after), 'inbound-first'),
    ).toMatchObject({
      status: 'processed',
    });
    expect(asked).toEqual([after]);
    expect(
      ofType('Data Product Registered').map(
        (e) => (e.detail as { metadata: { productId: string } }).metadata.productId,
      ),
    ).toContain('p-first');
  });

  it('processes an older push after a newer one: the product stays as the newer set it, its data files are still published', async () => {
    // CODEOWNERS (from an earlier test) names other folders: the pusher owns p-late through the team.
    const owners = { ...deps, teams: { 'sales-team': ['alice'] } };
    const base = await repo.head();
    await repo.write('p-late/datacontract.yaml', contractFor('p-late'));
    const registered = await repo.commit('p-late');
    await repo.write(
      'p-late/datacontract.yaml',
      contractFor('p-late').replace('version: 1.0.0', 'version: 1.0.1'),
    );
    await repo.write('p-late/a1.csv', 'id\n1\n');
    const first = await repo.commit('p-late 1.0.1 and a1');
    await repo.write(
      'p-late/datacontract.yaml',
      contractFor('p-late').replace('version: 1.0.0', 'version: 1.0.2'),
    );
    await repo.write('p-late/a2.csv', 'id\n2\n');
    const second = await repo.commit('p-late 1.0.2 and a2');
    await repo.push();
    expect(await processPush(owners, pushDetail(base, registered), 'inbound-late-0')).toMatchObject({
      status: 'processed',
    });
    const older = pushDetail(registered, first);
    const newer = pushDetail(first, second);
    published.length = 0;

    await processPush(owners, newer, 'inbound-late-2');
    // The first push's delivery failed and is retried after the second one was processed.
    await processPush(owners, older, 'inbound-late-1');

    expect((await registry.getProduct('p-late'))?.contractVersion).toBe('1.0.2');
    const files = ofType('Data Product Version Published').map(
      (e) => JSON.stringify(e.detail).match(/p-late\/a\d\.csv/)?.[0],
    );
    expect(files.sort()).toEqual(['p-late/a1.csv', 'p-late/a2.csv']);

    // Redelivered once more, the older push changes nothing and publishes nothing again.
    published.length = 0;
    await processPush(owners, { ...older, deliveryId: 'redelivered' }, 'inbound-late-1b');
    expect(published).toEqual([]);
  });
  it('announces on retry what a push changed when its events could not be sent (the product record is the outbox)', async () => {
    const owners = { ...deps, teams: { 'sales-team': ['alice'] } };
    let failures = 0;
    const busDownOnce = {
      ...owners,
      events: {
        publish: async (events: OutgoingEvent[]) => {
          if (failures++ === 0) throw new Error('EventBridge: ServiceUnavailable');
          published.push(...events);
        },
      },
    };
    const twice = async (detail: ReturnType<typeof pushDetail>, id: string) => {
      failures = 0;
      published.length = 0;
      await expect(processPush(busDownOnce, detail, id)).rejects.toThrow(/ServiceUnavailable/);
      expect(published).toEqual([]);
      expect(await processPush(busDownOnce, detail, id)).toMatchObject({ status: 'processed' });
      return published.map((e) => e.contract.detailType).sort();
    };

    const base = await repo.head();
    await repo.write('p-outbox/datacontract.yaml', contractFor('p-outbox'));
    const registered = await repo.commit('p-outbox');
    await repo.push();
    expect(await twice(pushDetail(base, registered), 'inbound-outbox-1')).toEqual([
      'Data Product Registered',
    ]);

    // A breaking change with a new major version: updated and schema changed, both sent on the retry.
    await repo.write(
      'p-outbox/datacontract.yaml',
      contractFor('p-outbox')
        .replace('version: 1.0.0', 'version: 2.0.0')
        .replace('logicalType: integer', 'logicalType: string'),
    );
    const changed = await repo.commit('p-outbox 2.0.0');
    await repo.push();
    expect(await twice(pushDetail(registered, changed), 'inbound-outbox-2')).toEqual([
      'Data Product Schema Changed',
      'Data Product Updated',
    ]);
    expect(ofType('Data Product Schema Changed')[0]?.detail).toMatchObject({
      previousContractVersion: '1.0.0',
    });

    await repo.remove('p-outbox');
    const deleted = await repo.commit('p-outbox removed');
    await repo.push();
    expect(await twice(pushDetail(changed, deleted), 'inbound-outbox-3')).toEqual([
      'Data Product Deprecated',
    ]);
  });
});
