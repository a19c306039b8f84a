import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventBridgeEnvelope } from '../../events/event-contract';
import { DynamoDbRegistry } from '../../functions/adapters/dynamodb/dynamodb-registry';
import { GitHubGitProvider } from '../../functions/adapters/git/github-git-provider';
import { DEFAULT_GIT_OPS_SETTINGS, type GitOpsDeps } from '../../functions/core/gitops/git-ops-deps';
import { makeHandler } from '../../functions/handlers/git-push-received';
import type { LocalBus } from '../../functions/local/bus/local-bus';
import { localLambdaContext } from '../../functions/local/lambda-context';
import type { OutgoingEvent } from '../../functions/ports/event-publisher';
import { freshRegistryTable } from '../support/dynamo';
import { busWithRule, silentLogger } from '../support/rule-bus';

const silent = silentLogger;
const sample = JSON.parse(
  readFileSync(new URL('../../events/samples/git-push-received.json', import.meta.url), 'utf8'),
) as EventBridgeEnvelope;

/**
 * A git host that does not answer: the push processor's real GitHub adapter times out, the bus retries, then
 * dead-letters the push with the reason; once the host is back, replaying the dead letter processes it.
 */
describe('Push processor when the git host times out (local bus, real HTTP host, registry on dynalite)', () => {
  let dir: string;
  let host: Server;
  let hostUp = false;
  let requests = 0;
  let published: OutgoingEvent[];
  let bus: LocalBus;
  let handler: ReturnType<typeof makeHandler>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mesh-outage-'));
    // Down: accepts the connection and never answers. Up: an empty repository at every commit.
    host = createServer((_req, res) => {
      requests++;
      if (!hostUp) return;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ sha: 'x', tree: [], truncated: false }));
    });
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
    const table = await freshRegistryTable();
    published = [];
    const deps: GitOpsDeps = {
      registry: new DynamoDbRegistry(table.documentClient, table.tableName),
      git: new GitHubGitProvider({
        baseUrl: `http://127.0.0.1:${(host.address() as AddressInfo).port}`,
        token: 'secret-token',
        timeoutMs: 100,
        retries: 0,
      }),
      events: { publish: async (events) => void published.push(...events) },
      clock: () => new Date(),
      logger: silent,
      teams: {},
      settings: DEFAULT_GIT_OPS_SETTINGS,
    };
    handler = makeHandler(async () => deps);
    bus = busWithRule(dir, 'git-push-received', handler);
  });

  afterAll(async () => {
    host.closeAllConnections();
    host.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('retries, then dead-letters the push with the reason, and a replay processes it once the host is back', async () => {
    bus.putEnvelope(sample);
    await bus.whenIdle();

    const [dead] = (await readFile(join(dir, 'dead-letters.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(dead).toMatchObject({ attempts: 3, event: { id: sample.id } });
    expect(dead.error).toMatch(/GitHub .* is unavailable: .* did not answer within 100 ms/);
    expect(dead.error).not.toContain('secret-token');
    expect(requests).toBeGreaterThanOrEqual(3);
    expect(published).toEqual([]);

    hostUp = true;
    bus.putEnvelope(dead.event);
    await bus.whenIdle();

    expect((await readFile(join(dir, 'dead-letters.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(1);
    // The replay completed the push: the same event once more is a recognised duplicate.
    expect(await handler(dead.event, localLambdaContext('git-push-received'))).toEqual({
      status: 'duplicate',
    });
  });
});
