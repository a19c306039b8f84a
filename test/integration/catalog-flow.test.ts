import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetadataChangeProposal } from '../../functions/core/catalog/proposal';
import { cli } from '../support/cli';
import { gmsHandler, type Received, startHttp, TOKEN } from '../support/gms-emulator';
import { startTestPlatform, type TestPlatform } from '../support/local-platform';

const example = (file: string) => readFileSync(new URL(`../../examples/orders/${file}`, import.meta.url));

describe('Catalog plane, locally (no DataHub configured: the embedded catalog)', () => {
  let t: TestPlatform;

  beforeAll(async () => {
    t = await startTestPlatform();
    process.env.MESH_STATE_DIR = t.stateDir;
    await t.upload('orders/datacontract.yaml', example('datacontract.yaml'));
    await t.upload('orders/2026/orders-2026-11-21.csv', example('orders-2026-11-21.csv'));
  });

  afterAll(async () => {
    await t?.stop();
  });

  it('shows a registered product with its schema, owner, domain and the row count of its latest version', async () => {
    const { code, out } = await cli('catalog', '--json');
    expect(code).toBe(0);
    const rows = JSON.parse(out) as { entityType: string; name: string }[];
    const dataset = rows.find((row) => row.entityType === 'dataset');
    expect(dataset).toMatchObject({
      owners: ['sales-team'],
      domains: ['sales'],
      columns: ['order_id', 'customer_email', 'amount', 'status', 'ordered_at', 'order_date'],
      rows: 3,
      removed: false,
    });
    const product = rows.find((row) => row.entityType === 'dataProduct');
    expect(product).toMatchObject({ owners: ['sales-team'], domains: ['sales'], removed: false });
    expect((product as unknown as { assets: string[] }).assets).toEqual([
      (dataset as unknown as { urn: string }).urn,
    ]);
  });

  it('serves the same catalog as a page and as JSON on the local HTTP server', async () => {
    const page = await fetch(`${t.platform.endpoints.http}/catalog`);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('order_id');
    const json = (await (await fetch(`${t.platform.endpoints.http}/catalog.json`)).json()) as {
      entities: { entityType: string; aspects: Record<string, unknown> }[];
    };
    expect(json.entities.find((e) => e.entityType === 'dataset')?.aspects).toHaveProperty('schemaMetadata');
  });

  it('never lets a late or replayed event put an older state back', async () => {
    const [registered] = t.domainEvents('Data Product Registered');
    await t.upload(
      'orders/datacontract.yaml',
      example('datacontract.yaml').toString().replace('version: 1.0.0', 'version: 1.1.0'),
    );
    const contractVersion = async () => {
      const json = (await (await fetch(`${t.platform.endpoints.http}/catalog.json`)).json()) as {
        entities: {
          entityType: string;
          aspects: { datasetProperties?: { customProperties: Record<string, string> } };
        }[];
      };
      return json.entities.find((e) => e.entityType === 'dataset')?.aspects.datasetProperties
        ?.customProperties.contractVersion;
    };
    expect(await contractVersion()).toBe('1.1.0');

    t.platform.bus.putEnvelope(registered as NonNullable<typeof registered>);
    await t.platform.bus.whenIdle();

    expect(await contractVersion()).toBe('1.1.0');
  });

  it('draws lineage from an ODPS dataproduct.yaml input port', async () => {
    await t.upload(
      'order-stats/datacontract.yaml',
      example('datacontract.yaml')
        .toString()
        .replace('id: 8a0b6a8e-6f4e-4d6b-9a57-2f1d1f5d2c11', 'id: order-stats-contract')
        .replace('dataProduct: orders', 'dataProduct: order-stats'),
    );
    await t.upload(
      'order-stats/dataproduct.yaml',
      'apiVersion: v1.0.0\nkind: DataProduct\ninputPorts:\n  - name: orders\n    version: 1.0.0\n    contractId: 8a0b6a8e-6f4e-4d6b-9a57-2f1d1f5d2c11\n',
    );
    // The descriptor changes no event-worthy state; the next product change carries the lineage.
    await t.upload('order-stats/2026/stats.csv', example('orders-2026-11-21.csv'));
    const json = (await (await fetch(`${t.platform.endpoints.http}/catalog.json`)).json()) as {
      entities: { urn: string; aspects: { upstreamLineage?: { upstreams: { dataset: string }[] } } }[];
    };
    const stats = json.entities.find((e) => e.urn.includes('order-stats'));
    expect(stats?.aspects.upstreamLineage?.upstreams.map((u) => u.dataset)).toEqual([
      expect.stringContaining('data-mesh-local/orders'),
    ]);
  });

  it('reports the catalog in mesh status', async () => {
    const { out } = await cli('status', '--json');
    expect(JSON.parse(out).catalogStatus).toMatchObject({ kind: 'embedded', ok: true });
  });
});

describe('Catalog plane, locally pointed at a DataHub (DATAHUB_GMS_URL: an emulated GMS on 127.0.0.1)', () => {
  let t: TestPlatform;
  let gms: Awaited<ReturnType<typeof startHttp>>;
  const stored: MetadataChangeProposal[] = [];
  const requests: Received[] = [];

  beforeAll(async () => {
    const accept = gmsHandler(stored);
    gms = await startHttp((request, response) => {
      requests.push(request);
      accept(request, response);
    });
    t = await startTestPlatform(undefined, { DATAHUB_GMS_URL: gms.url, DATAHUB_GMS_TOKEN: TOKEN });
    process.env.MESH_STATE_DIR = t.stateDir;
  });

  afterAll(async () => {
    await t?.stop();
    await gms?.close();
  });

  it('sends the same flow as schema-valid ingestProposalBatch requests, one per event', async () => {
    await t.upload('orders/datacontract.yaml', example('datacontract.yaml'));
    await t.upload('orders/2026/orders-2026-11-21.csv', example('orders-2026-11-21.csv'));

    const posts = requests.filter((r) => r.method === 'POST');
    expect(posts.map((r) => r.url)).toEqual([
      '/aspects?action=ingestProposalBatch',
      '/aspects?action=ingestProposalBatch',
    ]);
    // The emulated GMS validated every proposal against aspects.schema.json and stored it.
    const aspects = new Set(stored.map((p) => `${p.entityType}.${p.aspectName}`));
    for (const aspect of [
      'dataset.schemaMetadata',
      'dataset.ownership',
      'dataset.datasetProfile',
      'dataProduct.dataProductProperties',
    ])
      expect(aspects).toContain(aspect);
    const { out } = await cli('status', '--json');
    expect(JSON.parse(out).catalogStatus).toMatchObject({ kind: 'datahub', ok: true, version: 'v1.3.0' });
  });
});
