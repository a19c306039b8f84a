import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EventBridgeEnvelope } from '../../events/event-contract';
import { DataHubRestEmitter } from '../../functions/adapters/datahub/datahub-rest-emitter';
import { DynamoDbRegistry } from '../../functions/adapters/dynamodb/dynamodb-registry';
import type { MetadataChangeProposal } from '../../functions/core/catalog/proposal';
import { makeHandler } from '../../functions/handlers/catalog-sync';
import type { LocalBus } from '../../functions/local/bus/local-bus';
import { aProduct } from '../support/builders';
import { freshRegistryTable } from '../support/dynamo';
import { gmsHandler, type Handler, json, startHttp, TOKEN } from '../support/gms-emulator';
import { busWithRule, silentLogger } from '../support/rule-bus';

const silent = silentLogger;
const registered = JSON.parse(
  readFileSync(new URL('../../events/samples/data-product-registered.json', import.meta.url), 'utf8'),
) as EventBridgeEnvelope;

/** GMS faults as the catalog sync meets them on the bus: retried, dead-lettered with the reason, replayed. */
describe('Catalog sync when DataHub fails (local bus, emulated GMS, registry on dynalite)', () => {
  let dir: string;
  let gms: Awaited<ReturnType<typeof startHttp>>;
  let behave: Handler;
  let posts: number;
  const stored: MetadataChangeProposal[] = [];
  let bus: LocalBus;

  const deadLetters = async () =>
    (await readFile(join(dir, 'dead-letters.jsonl'), 'utf8').catch(() => ''))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { attempts: number; error: string });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mesh-catalog-'));
    gms = await startHttp((request, response) => {
      if (request.method === 'POST') posts++;
      behave(request, response);
    });
    const table = await freshRegistryTable();
    const registry = new DynamoDbRegistry(table.documentClient, table.tableName);
    await registry.putProduct(aProduct({ id: 'orders' }), undefined);
    await registry.claimLocation({ kind: 's3', bucket: 'data-mesh-prod-data', prefix: 'orders/' }, 'orders');
    let token = 'wrong-token';
    const handler = makeHandler(() => ({
      registry,
      catalog: new DataHubRestEmitter({
        gmsUrl: gms.url,
        token: async () => token,
        retries: 1,
        backoffMs: () => 0,
        timeoutMs: 1000,
      }),
      clock: () => new Date('2026-11-22T10:00:00Z'),
      logger: silent,
      environment: 'PROD',
    }));
    useToken = (value) => {
      token = value;
    };
    bus = busWithRule(dir, 'catalog-sync', handler);
  });
  let useToken: (token: string) => void;

  beforeEach(() => {
    posts = 0;
  });

  afterAll(async () => {
    await gms.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('dead-letters a 401 at once with a clear message, without a retry storm', async () => {
    useToken('wrong-token');
    behave = gmsHandler(stored);

    bus.putEnvelope(registered);
    await bus.whenIdle();

    const [dead] = await deadLetters();
    expect(dead?.attempts).toBe(1);
    expect(dead?.error).toMatch(/CatalogRejectedError: DataHub rejected the token/);
    expect(dead?.error).not.toContain('wrong-token');
    expect(posts).toBe(1);
    expect(stored).toEqual([]);
  });

  it('retries a GMS that is down, dead-letters with the reason, and a replay sends it once GMS is back', async () => {
    useToken(TOKEN);
    behave = (_request, response) => json(response, 503, { error: 'unavailable' });
    await bus.replayDeadLetters();

    const [dead] = await deadLetters();
    expect(dead?.attempts).toBe(3);
    expect(dead?.error).toMatch(/CatalogUnavailableError: .*503/);
    expect(posts).toBe(6);

    behave = gmsHandler(stored);
    expect(await bus.replayDeadLetters()).toEqual({ replayed: 1, failedAgain: 0 });
    expect(await deadLetters()).toEqual([]);
    expect(stored.some((p) => p.aspectName === 'schemaMetadata')).toBe(true);
  });
});
