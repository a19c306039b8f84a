import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  chunkProposals,
  DataHubRestEmitter,
  type DataHubRestEmitterOptions,
} from '../../functions/adapters/datahub/datahub-rest-emitter';
import {
  type CatalogMappingOptions,
  productProposals,
  versionProposals,
} from '../../functions/core/catalog/map-product';
import type { MetadataChangeProposal } from '../../functions/core/catalog/proposal';
import type { Column } from '../../functions/core/contracts/data-contract';
import type { StorageLocation } from '../../functions/core/registry/records';
import { CatalogRejectedError, CatalogUnavailableError } from '../../functions/ports/catalog';
import { aContract, aProduct, aVersion } from '../support/builders';
import {
  closedPort,
  gmsHandler,
  type Handler,
  json,
  type Received,
  restliError,
  startHttp,
  TOKEN,
} from '../support/gms-emulator';

const mapping: CatalogMappingOptions = { env: 'PROD', now: new Date('2026-11-22T10:15:35Z'), runId: 'run-1' };
const orders: StorageLocation = { kind: 's3', bucket: 'data-mesh-prod-data', prefix: 'orders/' };

describe('DataHubRestEmitter against an emulated GMS (node:http on 127.0.0.1)', () => {
  let gmsServer: Awaited<ReturnType<typeof startHttp>>;
  let gmsUrl: string;
  let requests: Received[];
  /** The proposals the emulated GMS accepted, in order. */
  let stored: MetadataChangeProposal[];
  let handler: Handler;

  const gms: Handler = (request, response) => gmsHandler(stored)(request, response);

  const emitter = (options: Partial<DataHubRestEmitterOptions> = {}) =>
    new DataHubRestEmitter({ gmsUrl, token: TOKEN, backoffMs: () => 0, timeoutMs: 2_000, ...options });

  const productState = {
    product: aProduct({ contract: aContract({ tags: ['sales'] }) }),
    locations: [orders],
  };

  /** `count` valid proposals: the timeseries aspects of count/2 versions. */
  const manyProposals = (count: number): MetadataChangeProposal[] =>
    Array.from({ length: Math.ceil(count / 2) }, (_, i) =>
      versionProposals(
        productState,
        aVersion({
          versionId: `v-${i}`,
          location: orders,
          object: { bucket: orders.bucket, key: `orders/part-${i}.csv` },
        }),
        mapping,
      ),
    )
      .flat()
      .slice(0, count);

  const bodies = () => requests.map((r) => JSON.parse(r.body) as { proposals: MetadataChangeProposal[] });

  beforeAll(async () => {
    gmsServer = await startHttp((request, response) => {
      requests.push(request);
      handler(request, response);
    });
    gmsUrl = gmsServer.url;
  });

  afterAll(async () => {
    await gmsServer.close();
  });

  beforeEach(() => {
    requests = [];
    stored = [];
    handler = gms;
  });

  it("sends the mapper's proposals in one ingestProposalBatch request, as GMS expects them", async () => {
    const proposals = [
      ...productProposals(productState, mapping),
      ...versionProposals(productState, aVersion({ location: orders }), mapping),
    ];
    await emitter({ gmsUrl: `${gmsUrl}/` }).ingest(proposals);
    expect(requests).toHaveLength(1);
    const [request] = requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/aspects?action=ingestProposalBatch');
    expect(request?.headers).toMatchObject({
      'x-restli-protocol-version': '2.0.0',
      'content-type': 'application/json',
      authorization: `Bearer ${TOKEN}`,
    });
    expect(JSON.parse(request?.body ?? '{}')).toEqual({ proposals, async: 'false' });
    expect(stored).toEqual(proposals);
  });

  it('takes the token from a function, and sends no Authorization header without one', async () => {
    await emitter({ token: async () => TOKEN }).ingest(manyProposals(2));
    expect(stored).toHaveLength(2);
    await expect(emitter({ token: undefined }).ingest(manyProposals(2))).rejects.toThrow(
      /needs an access token and none is configured/,
    );
    expect(requests[1]?.headers.authorization).toBeUndefined();
  });

  it('needs an http(s) GMS URL', () => {
    expect(() => new DataHubRestEmitter({ gmsUrl: 'datahub-gms:8080' })).toThrow(/must be an http\(s\) URL/);
    expect(() => new DataHubRestEmitter({ gmsUrl: 'not a url' })).toThrow(/must be an http\(s\) URL/);
    expect(new DataHubRestEmitter({ gmsUrl: 'https://datahub.example.com/api/gms/' }).gmsUrl).toBe(
      'https://datahub.example.com/api/gms',
    );
  });

  it('sends nothing for no proposals', async () => {
    await emitter().ingest([]);
    expect(requests).toHaveLength(0);
  });

  it('a bad aspect: GMS answers 422, the error carries its message (no stack trace) and names the proposals', async () => {
    const [good, ...rest] = productProposals(productState, mapping);
    if (!good) throw new Error('no proposals');
    const bad = { ...good, aspect: { ...good.aspect, value: '{"name":"orders","desc":"misspelled"}' } };
    const error = await emitter()
      .ingest([bad, ...rest])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CatalogRejectedError);
    expect((error as CatalogRejectedError).status).toBe(422);
    const { message } = error as Error;
    expect(message).toContain('Failed to validate record with class com.linkedin.datasetProperties');
    expect(message).toContain('must NOT have additional properties');
    expect(message).not.toContain('AspectResource.java');
    expect(message).toContain(
      'datasetProperties of urn:li:dataset:(urn:li:dataPlatform:s3,data-mesh-prod-data/orders,PROD)',
    );
    expect(message).toMatch(/and \d+ more/);
    expect(requests).toHaveLength(1);
    expect(stored).toEqual([]);
  });

  it('refuses a proposal of the wrong shape before sending it', async () => {
    const [good] = productProposals(productState, mapping);
    const wrong = { ...good, changeType: 'DELETE' } as unknown as MetadataChangeProposal;
    await expect(emitter().ingest([wrong])).rejects.toThrow(CatalogRejectedError);
    expect(requests).toHaveLength(0);
  });

  it('a bad token: 401, CatalogRejectedError at once (no retry), the token not in the message', async () => {
    const wrongToken = 'wrong-token-0123456789';
    for (const token of [wrongToken, async () => wrongToken]) {
      requests = [];
      const error = await emitter({ token, retries: 3 })
        .ingest(manyProposals(2))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CatalogRejectedError);
      expect((error as CatalogRejectedError).status).toBe(401);
      expect((error as Error).message).toMatch(/^DataHub rejected the token/);
      expect((error as Error).message).toContain('Unauthorized to perform this action.');
      expect((error as Error).message).not.toContain(wrongToken);
      expect(requests).toHaveLength(1);
    }
  });

  it('403: rejected with the server message, not retried', async () => {
    handler = (_request, response) =>
      restliError(
        response,
        403,
        'User urn:li:corpuser:bot is unauthorized to modify entity: urn:li:dataProduct:orders',
      );
    const error = await emitter()
      .ingest(manyProposals(2))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CatalogRejectedError);
    expect((error as Error).message).toMatch(/^DataHub rejected the token.*unauthorized to modify entity/);
    expect(requests).toHaveLength(1);
  });

  it('503 then 200: retried, Retry-After honoured up to the cap', async () => {
    let calls = 0;
    // Retry-After (1 s) honoured up to the cap (30 ms): the waits are recorded, not measured.
    const waits: number[] = [];
    handler = (request, response) => {
      calls++;
      if (calls === 1) {
        response.writeHead(503, { 'retry-after': '1' });
        response.end('busy');
        return;
      }
      gms(request, response);
    };
    await emitter({ maxRetryAfterMs: 30, sleep: async (ms) => void waits.push(ms) }).ingest(manyProposals(4));
    expect(waits).toEqual([30]);
    expect(requests).toHaveLength(2);
    expect(stored).toHaveLength(4);
    expect(requests[1]?.body).toBe(requests[0]?.body);

    // The waits, recorded: Retry-After (capped) wins over the back-off; without it, the back-off.
    calls = 0;
    requests = [];
    waits.length = 0;
    handler = (request, response) => {
      calls++;
      if (calls === 1) return json(response, 429, { error: 'throttled' }, { 'retry-after': '120' });
      if (calls === 2) return restliError(response, 500, 'boom');
      if (calls === 3) return json(response, 503, {});
      gms(request, response);
    };
    await emitter({
      backoffMs: (attempt) => attempt * 100,
      maxRetryAfterMs: 5_000,
      sleep: async (ms) => void waits.push(ms),
    }).ingest(manyProposals(2));
    expect(waits).toEqual([5_000, 200, 300]);
    expect(requests).toHaveLength(4);
  });

  it('gives up after the retries with CatalogUnavailableError naming the GMS URL', async () => {
    handler = (request, response) =>
      restliError(response, 502, `Bad Gateway (${request.headers.authorization})`);
    const error = await emitter({ retries: 2 })
      .ingest(manyProposals(2))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CatalogUnavailableError);
    const { message } = error as Error;
    expect(message).toContain(`DataHub GMS at ${gmsUrl} is unavailable`);
    expect(message).toContain('502');
    expect(message).toContain('(3 attempts)');
    expect(message).not.toContain(TOKEN);
    expect(message).toContain('[token]');
    expect(requests).toHaveLength(3);
  });

  it('splits 450 proposals into requests of at most 200, in order', async () => {
    const proposals = manyProposals(450);
    await emitter().ingest(proposals);
    expect(bodies().map((b) => b.proposals.length)).toEqual([200, 200, 50]);
    expect(stored).toEqual(proposals);
  });

  it('splits by bytes too; a proposal larger than the limit goes alone', async () => {
    const wide: Column[] = Array.from({ length: 60 }, (_, i) => ({
      name: `column_${i}`,
      logicalType: 'string',
      required: false,
      unique: false,
      primaryKey: false,
    }));
    const big = productProposals(
      {
        product: aProduct({ contract: aContract({ table: { name: 'wide', columns: wide } }) }),
        locations: [orders],
      },
      mapping,
    ).filter((p) => p.aspectName === 'schemaMetadata');
    const small = manyProposals(12);
    const proposals = [...small.slice(0, 6), ...big, ...small.slice(6)];
    const limit = 3_000;
    expect(Buffer.byteLength(JSON.stringify(big[0]))).toBeGreaterThan(limit);
    await emitter({ batchMaxBytes: limit }).ingest(proposals);
    expect(stored).toEqual(proposals);
    expect(requests.length).toBeGreaterThan(3);
    for (const [i, request] of requests.entries()) {
      const { proposals: sent } = bodies()[i] ?? { proposals: [] };
      if (sent.some((p) => p.aspectName === 'schemaMetadata')) expect(sent).toHaveLength(1);
      else expect(Buffer.byteLength(request.body)).toBeLessThanOrEqual(limit);
    }
    expect(chunkProposals(proposals, 200, limit).flat()).toEqual(proposals);
  });

  it('times out on a GMS that never answers, retries, then CatalogUnavailableError', async () => {
    handler = () => {};
    const error = await emitter({ timeoutMs: 100, retries: 1 })
      .ingest(manyProposals(2))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CatalogUnavailableError);
    expect((error as Error).message).toBe(
      `DataHub GMS at ${gmsUrl} is unavailable: POST /aspects?action=ingestProposalBatch did not answer within 100 ms (2 attempts)`,
    );
    expect(requests).toHaveLength(2);
  });

  it('retries a refused connection, then CatalogUnavailableError with the reason', async () => {
    const port = await closedPort();
    const error = await emitter({ gmsUrl: `http://127.0.0.1:${port}`, retries: 1 })
      .ingest(manyProposals(2))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CatalogUnavailableError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^DataHub GMS at http://127.0.0.1:${port} is unavailable: .*ECONNREFUSED.*\\(2 attempts\\)$`,
      ),
    );
  });

  it('names the failed request of several and the ones already written', async () => {
    let calls = 0;
    handler = (request, response) => {
      calls++;
      if (calls === 2) return restliError(response, 400, 'Invalid urn');
      gms(request, response);
    };
    await expect(emitter({ batchMaxProposals: 2 }).ingest(manyProposals(6))).rejects.toThrow(
      /Invalid urn.*\(request 2 of 3; the 1 before it were written\)$/,
    );
    expect(stored).toHaveLength(2);
  });

  it('an old GMS without ingestProposalBatch: a 404 with the hint; singleProposalEndpoint posts one by one', async () => {
    handler = (request, response) =>
      request.url === '/aspects?action=ingestProposalBatch'
        ? restliError(response, 404, `No root resource defined for path '/aspects'`)
        : gms(request, response);
    const error = await emitter()
      .ingest(manyProposals(2))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CatalogRejectedError);
    expect((error as Error).message).toMatch(/404.*set singleProposalEndpoint/);

    requests = [];
    const proposals = manyProposals(3);
    await emitter({ singleProposalEndpoint: true }).ingest(proposals);
    expect(requests.map((r) => r.url)).toEqual(Array(3).fill('/aspects?action=ingestProposal'));
    expect(requests.map((r) => JSON.parse(r.body))).toEqual(
      proposals.map((proposal) => ({ proposal, async: 'false' })),
    );
    expect(stored).toEqual(proposals);
  });

  it('never puts the token into a message, even when the server echoes it', async () => {
    handler = (request, response) =>
      restliError(response, 400, `cannot parse header Authorization: ${request.headers.authorization}`);
    for (const token of [TOKEN, async () => TOKEN]) {
      const error = await emitter({ token })
        .ingest(manyProposals(2))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CatalogRejectedError);
      expect((error as Error).message).toContain('cannot parse header Authorization: Bearer [token]');
      expect((error as Error).message).not.toContain(TOKEN);
    }
  });

  describe('check(): GET /config', () => {
    it('ok with the version when GMS answers noCode "true"; no token sent', async () => {
      expect(await emitter({ gmsUrl: `${gmsUrl}//` }).check()).toEqual({
        kind: 'datahub',
        target: gmsUrl,
        ok: true,
        version: 'v1.3.0',
      });
      expect(requests.map((r) => [r.method, r.url, r.headers.authorization])).toEqual([
        ['GET', '/config', undefined],
      ]);
    });

    it('not ok on the frontend (a 200 without noCode), with the GMS URL to use', async () => {
      handler = (_request, response) =>
        json(response, 200, { application: 'datahub-frontend', appVersion: 'v1.3.0', noCode: false });
      expect(await emitter().check()).toEqual({
        kind: 'datahub',
        target: gmsUrl,
        ok: false,
        message: `this is the DataHub frontend, not GMS: use ${gmsUrl}/api/gms`,
      });
    });

    it('not ok with the reason when GMS is unreachable, fails or does not answer', async () => {
      const port = await closedPort();
      const down = await emitter({ gmsUrl: `http://127.0.0.1:${port}` }).check();
      expect(down).toMatchObject({ ok: false, target: `http://127.0.0.1:${port}` });
      expect(down.message).toMatch(/^GET \/config unreachable: .*ECONNREFUSED/);

      handler = (_request, response) => restliError(response, 500, 'Internal server error occurred');
      expect(await emitter().check()).toMatchObject({
        ok: false,
        message: 'GET /config answered 500 (Internal server error occurred)',
      });

      handler = () => {};
      expect(await emitter({ timeoutMs: 50 }).check()).toMatchObject({
        ok: false,
        message: 'GET /config did not answer within 50 ms',
      });
    });
  });
});
