import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateDatabaseCommand,
  CreateTableCommand,
  EntityNotFoundException,
  GetDatabaseCommand,
  GetTableCommand,
  GlueClient,
  type Table,
  type TableInput,
  UpdateTableCommand,
} from '@aws-sdk/client-glue';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbRegistry } from '../../functions/adapters/dynamodb/dynamodb-registry';
import { GlueQueryCatalog } from '../../functions/adapters/glue/glue-query-catalog';
import { S3ObjectStore } from '../../functions/adapters/s3/s3-object-store';
import type { DataContract, LogicalType } from '../../functions/core/contracts/data-contract';
import { DEFAULT_CSV_DIALECT } from '../../functions/core/contracts/data-contract';
import { decodePrestoView } from '../../functions/core/query-plane/presto-view';
import type { QuerySyncDeps } from '../../functions/core/query-plane/sync-query-tables';
import { UnmappableContractError } from '../../functions/core/query-plane/unmappable-contract-error';
import type { ProductRecord, VersionRecord } from '../../functions/core/registry/records';
import { makeHandler } from '../../functions/handlers/query-sync';
import { startLocalS3 } from '../../functions/local/s3/local-s3-server';
import { aContract, aProduct, aVersion } from '../support/builders';
import { freshRegistryTable, TEST_CREDENTIALS } from '../support/dynamo';
import { silentLogger } from '../support/rule-bus';

const QUERY_BUCKET = 'query';
const context = { functionName: 'query-sync', awsRequestId: 'test' } as Context;

/** A Glue Data Catalog in memory behind the SDK mock: it keeps what CreateTable/UpdateTable are given. */
const fakeGlue = () => {
  const glue = mockClient(GlueClient);
  const databases = new Set<string>();
  const tables = new Map<string, Table>();
  const notFound = (what: string) =>
    new EntityNotFoundException({ message: `${what} not found`, $metadata: {} });
  const store = (database: string, input: TableInput) =>
    tables.set(`${database}.${input.Name}`, {
      ...structuredClone(input),
      Name: input.Name ?? '',
      DatabaseName: database,
    });
  glue.on(GetDatabaseCommand).callsFake(({ Name }) => {
    if (!databases.has(Name)) throw notFound(`database ${Name}`);
    return { Database: { Name } };
  });
  glue.on(CreateDatabaseCommand).callsFake(({ DatabaseInput }) => {
    databases.add(DatabaseInput.Name);
    return {};
  });
  glue.on(GetTableCommand).callsFake(({ DatabaseName, Name }) => {
    const table = tables.get(`${DatabaseName}.${Name}`);
    if (!table) throw notFound(`table ${DatabaseName}.${Name}`);
    return { Table: structuredClone(table) };
  });
  glue.on(CreateTableCommand).callsFake(({ DatabaseName, TableInput }) => {
    store(DatabaseName, TableInput);
    return {};
  });
  glue.on(UpdateTableCommand).callsFake(({ DatabaseName, TableInput }) => {
    store(DatabaseName, TableInput);
    return {};
  });
  return { glue, databases, tables };
};

const envelope = (detailType: string, productId: string, detail: Record<string, unknown> = {}) => ({
  version: '0',
  id: `evt-${detailType}-${productId}`,
  'detail-type': detailType,
  source: 'datamesh.platform',
  account: '123456789012',
  time: '2026-11-22T10:00:00Z',
  region: 'eu-west-1',
  resources: [],
  detail: {
    metadata: {
      eventId: `domain-${productId}`,
      productId,
      correlationId: 'inbound-1',
      occurredAt: '2026-11-22T10:00:00Z',
    },
    ...detail,
  },
});

const summary = (product: ProductRecord) => ({
  id: product.id,
  name: product.name,
  domain: product.domain,
  ownerTeam: product.ownerTeam,
  status: product.status,
  contractVersion: product.contractVersion,
});
const location = { kind: 's3', bucket: 'data', prefix: 'orders/' };

const published = (product: ProductRecord, version: VersionRecord) =>
  envelope('Data Product Version Published', product.id, {
    version: {
      versionId: version.versionId,
      object: version.object,
      rows: version.rows,
      size: version.size,
      sha256: version.sha256,
      contractVersion: version.contractVersion,
    },
  });
const updated = (product: ProductRecord) =>
  envelope('Data Product Updated', product.id, {
    product: summary(product),
    previousContractVersion: '1.0.0',
    location,
    contract: product.contractObject,
  });
const deprecated = (product: ProductRecord) =>
  envelope('Data Product Deprecated', product.id, {
    product: summary(product),
    reason: 'contract-status',
    location,
  });

const column = (name: string, logicalType: LogicalType, description?: string) => ({
  name,
  logicalType,
  required: false,
  unique: false,
  primaryKey: false,
  ...(description ? { description } : {}),
});

const contractV1: DataContract = aContract({
  version: '1.0.0',
  domain: 'sales',
  description: 'Orders placed in the web shop',
  dialect: { ...DEFAULT_CSV_DIALECT, delimiter: ';', nullMarker: 'NA' },
  table: {
    name: 'orders',
    columns: [
      column('order_id', 'integer', 'Order number'),
      column('amount', 'number'),
      column('status', 'string'),
      column('ordered_at', 'timestamp'),
    ],
  },
});
const contractV2: DataContract = {
  ...contractV1,
  version: '2.0.0',
  table: { name: 'orders', columns: [...contractV1.table.columns, column('paid', 'boolean')] },
};

const productV1 = aProduct({
  id: 'sales.orders',
  name: 'Orders',
  domain: 'sales',
  contract: contractV1,
  contractVersion: '1.0.0',
  contractObject: { bucket: 'data', key: 'sales.orders/datacontract.yaml' },
});

const file = (
  versionId: string,
  key: string,
  contractVersion: string,
  recordedAt: string,
  extra: Partial<VersionRecord> = {},
) =>
  aVersion({
    productId: 'sales.orders',
    versionId,
    object: { bucket: 'data', key: `sales.orders/${key}` },
    contractVersion,
    recordedAt,
    ...extra,
  });

const V1_FILES = [
  file('a', '2026/a.csv', '1.0.0', '2026-11-01T10:00:00Z'),
  file('b', '2026/b.csv', '1.0.0', '2026-11-02T10:00:00Z'),
  file('bad', '2026/bad.csv', '1.0.0', '2026-11-02T11:00:00Z', {
    verdict: 'quarantined',
    errorCount: 3,
    quarantinedAs: { bucket: 'data', key: '_quarantine/sales.orders/2026/bad.csv' },
  }),
];
const V2_FILES = [
  file('c', '2026/c.csv', '2.0.0', '2026-11-10T10:00:00Z'),
  // b.csv rewritten under the new major: it now belongs to the v2 table only.
  file('b2', '2026/b.csv', '2.0.0', '2026-11-11T10:00:00Z'),
  // published, then overwritten by a file that failed validation: the key holds no good file any more.
  file('d', '2026/d.csv', '2.0.0', '2026-11-12T10:00:00Z'),
  file('d2', '2026/d.csv', '2.0.0', '2026-11-12T11:00:00Z', { verdict: 'quarantined', errorCount: 1 }),
  file('git', 'ignored', '2.0.0', '2026-11-13T10:00:00Z', {
    location: { kind: 'git', repository: 'github:acme/data', path: 'sales.orders/' },
    object: { repository: 'github:acme/data', path: 'sales.orders/2026/e.csv', commit: 'c'.repeat(40) },
  }),
];

describe('Query-plane sync (registry on dynalite, manifests on the local S3 server, Glue mocked)', () => {
  let dir: string;
  let s3server: Awaited<ReturnType<typeof startLocalS3>>;
  let s3: S3Client;
  let registry: DynamoDbRegistry;
  let fake: ReturnType<typeof fakeGlue>;
  let deps: QuerySyncDeps;
  let handler: ReturnType<typeof makeHandler>;

  const manifest = async (database: string, table: string) =>
    (
      await s3.send(
        new GetObjectCommand({ Bucket: QUERY_BUCKET, Key: `manifests/${database}/${table}/manifest` }),
      )
    ).Body?.transformToString();
  const inputs = <T extends CreateTableCommand | UpdateTableCommand>(command: new (...a: never[]) => T) =>
    fake.glue.commandCalls(command as never).map((call) => (call.args[0] as T).input);
  const stored = (name: string) => fake.tables.get(`data_mesh_sales.${name}`);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mesh-query-'));
    s3server = await startLocalS3({
      port: 0,
      directory: dir,
      buckets: [QUERY_BUCKET],
      account: '000000000000',
      region: 'us-east-1',
      onObjectCreated: () => {},
    });
    s3 = new S3Client({
      endpoint: s3server.endpoint,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: TEST_CREDENTIALS,
    });
    const table = await freshRegistryTable();
    registry = new DynamoDbRegistry(table.documentClient, table.tableName);
    await registry.putProduct(productV1, undefined);
    for (const version of V1_FILES) await registry.appendVersion(version);
    fake = fakeGlue();
    deps = {
      registry,
      catalog: new GlueQueryCatalog(new GlueClient({ region: 'eu-west-1', credentials: TEST_CREDENTIALS })),
      objects: new S3ObjectStore(s3),
      logger: silentLogger,
      settings: { bucket: QUERY_BUCKET, databasePrefix: 'data_mesh' },
    };
    handler = makeHandler(() => deps);
  });

  beforeEach(() => {
    fake.glue.resetHistory();
  });

  afterAll(async () => {
    fake.glue.restore();
    s3.destroy();
    await s3server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('creates the domain database, the v1 symlink table as the contract says, its manifest and the view', async () => {
    await handler(published(productV1, V1_FILES[0] as VersionRecord), context);

    expect(inputs(CreateDatabaseCommand as never)).toEqual([
      { DatabaseInput: { Name: 'data_mesh_sales', Description: 'Data products of the sales domain' } },
    ]);
    const [table, view] = inputs(CreateTableCommand);
    expect(table).toEqual({
      DatabaseName: 'data_mesh_sales',
      TableInput: {
        Name: 'sales_orders_v1',
        Description: 'Orders placed in the web shop',
        TableType: 'EXTERNAL_TABLE',
        PartitionKeys: [],
        Parameters: {
          EXTERNAL: 'TRUE',
          classification: 'csv',
          'skip.header.line.count': '1',
          'use.null.for.invalid.data': 'true',
          'datamesh.productId': 'sales.orders',
          'datamesh.contractVersion': '1.0.0',
          deprecated: 'false',
        },
        StorageDescriptor: {
          Columns: [
            { Name: 'order_id', Type: 'bigint', Comment: 'Order number' },
            { Name: 'amount', Type: 'double' },
            { Name: 'status', Type: 'string' },
            { Name: 'ordered_at', Type: 'string', Comment: '[ISO 8601 timestamp as text]' },
          ],
          Location: 's3://query/manifests/data_mesh_sales/sales_orders_v1/',
          InputFormat: 'org.apache.hadoop.hive.ql.io.SymlinkTextInputFormat',
          OutputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          SerdeInfo: {
            SerializationLibrary: 'org.apache.hadoop.hive.serde2.OpenCSVSerde',
            Parameters: { separatorChar: ';', quoteChar: '"', escapeChar: '\\' },
          },
        },
      },
    });
    expect(view?.TableInput).toMatchObject({
      Name: 'sales_orders',
      TableType: 'VIRTUAL_VIEW',
      ViewExpandedText: '/* Presto View */',
      Parameters: { presto_view: 'true', comment: 'Presto View', 'datamesh.contractVersion': '1.0.0' },
    });
    expect(await manifest('data_mesh_sales', 'sales_orders_v1')).toBe(
      's3://data/sales.orders/2026/a.csv\ns3://data/sales.orders/2026/b.csv\n',
    );
  });

  it('writes nothing to Glue for the same event a second time', async () => {
    const before = structuredClone([...fake.tables.entries()]);

    await handler(published(productV1, V1_FILES[0] as VersionRecord), context);

    expect(fake.glue.commandCalls(CreateTableCommand)).toEqual([]);
    expect(fake.glue.commandCalls(UpdateTableCommand)).toEqual([]);
    expect(fake.glue.commandCalls(CreateDatabaseCommand)).toEqual([]);
    expect([...fake.tables.entries()]).toEqual(before);
  });

  it('adds the v2 table for a new major, keeps v1 with its own files, and moves the view to v2', async () => {
    const productV2 = { ...productV1, contract: contractV2, contractVersion: '2.0.0', revision: 2 };
    expect(await registry.putProduct(productV2, 1)).toBe(true);
    for (const version of V2_FILES) await registry.appendVersion(version);

    await handler(updated(productV2), context);

    expect(inputs(CreateTableCommand).map((i) => i.TableInput?.Name)).toEqual(['sales_orders_v2']);
    expect(inputs(UpdateTableCommand).map((i) => i.TableInput?.Name)).toEqual(['sales_orders']);
    expect(stored('sales_orders_v2')?.StorageDescriptor?.Columns?.map((c) => [c.Name, c.Type])).toEqual([
      ['order_id', 'bigint'],
      ['amount', 'double'],
      ['status', 'string'],
      ['ordered_at', 'string'],
      ['paid', 'boolean'],
    ]);
    expect(stored('sales_orders_v2')?.StorageDescriptor?.Location).toBe(
      's3://query/manifests/data_mesh_sales/sales_orders_v2/',
    );
    // v1 keeps its columns; its manifest loses b.csv, now a v2 file.
    expect(stored('sales_orders_v1')?.StorageDescriptor?.Columns).toHaveLength(4);
    expect(await manifest('data_mesh_sales', 'sales_orders_v1')).toBe('s3://data/sales.orders/2026/a.csv\n');
    expect(await manifest('data_mesh_sales', 'sales_orders_v2')).toBe(
      's3://data/sales.orders/2026/b.csv\ns3://data/sales.orders/2026/c.csv\n',
    );

    const view = stored('sales_orders');
    expect(decodePrestoView(view?.ViewOriginalText ?? '')).toEqual({
      originalSql:
        'SELECT "order_id", "amount", NULLIF(NULLIF("status", \'\'), \'NA\') AS "status", ' +
        'NULLIF(NULLIF("ordered_at", \'\'), \'NA\') AS "ordered_at", "paid" ' +
        'FROM "data_mesh_sales"."sales_orders_v2"',
      catalog: 'awsdatacatalog',
      schema: 'data_mesh_sales',
      columns: [
        { name: 'order_id', type: 'bigint' },
        { name: 'amount', type: 'double' },
        { name: 'status', type: 'varchar' },
        { name: 'ordered_at', type: 'varchar' },
        { name: 'paid', type: 'boolean' },
      ],
    });
    expect(view?.StorageDescriptor?.Columns?.map((c) => c.Type)).toEqual([
      'bigint',
      'double',
      'string',
      'string',
      'boolean',
    ]);
  });

  it('flags every table and the view of a deprecated product, and drops none', async () => {
    const current = await registry.getProduct('sales.orders');
    const retired = { ...(current as ProductRecord), status: 'deprecated', revision: 3 };
    expect(await registry.putProduct(retired, 2)).toBe(true);

    await handler(deprecated(retired), context);

    expect(fake.glue.commandCalls(CreateTableCommand)).toEqual([]);
    expect(
      inputs(UpdateTableCommand).map((i) => [i.TableInput?.Name, i.TableInput?.Parameters?.deprecated]),
    ).toEqual([
      ['sales_orders_v1', 'true'],
      ['sales_orders_v2', 'true'],
      ['sales_orders', 'true'],
    ]);
    expect([...fake.tables.keys()].sort()).toEqual([
      'data_mesh_sales.sales_orders',
      'data_mesh_sales.sales_orders_v1',
      'data_mesh_sales.sales_orders_v2',
    ]);
  });

  it('puts a product without a domain in the default database', async () => {
    const misc = aProduct({
      id: 'misc',
      domain: undefined,
      contract: { ...contractV1, domain: undefined },
      contractVersion: '1.0.0',
    });
    await registry.putProduct(misc, undefined);

    await handler(updated(misc), context);

    expect(inputs(CreateDatabaseCommand as never)).toEqual([
      { DatabaseInput: { Name: 'data_mesh_default', Description: 'Data products of the default domain' } },
    ]);
    expect(fake.tables.has('data_mesh_default.misc_v1')).toBe(true);
    expect(await manifest('data_mesh_default', 'misc_v1')).toBe('');
  });

  it("refuses to overwrite another product's table whose name sanitises the same (sales.orders, sales-orders)", async () => {
    const first = aProduct({ id: 'shop.basket', domain: 'shop', contract: aContract({ domain: 'shop' }) });
    const second = aProduct({ id: 'shop-basket', domain: 'shop', contract: aContract({ domain: 'shop' }) });
    await registry.putProduct(first, undefined);
    await registry.putProduct(second, undefined);
    await handler(updated(first), context);

    const error = await handler(updated(second), context).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(UnmappableContractError);
    expect((error as Error).message).toContain(
      "its table data_mesh_shop.shop_basket_v1 is already product shop.basket's (names are sanitised)",
    );
    expect(fake.tables.get('data_mesh_shop.shop_basket_v1')?.Parameters?.['datamesh.productId']).toBe(
      'shop.basket',
    );
  });

  describe('a contract whose columns Athena cannot have', () => {
    it('refuses columns that become one Glue name: non-retryable, no database, no table, no manifest', async () => {
      const clash = aProduct({
        id: 'finance.ledger',
        domain: 'finance',
        contract: aContract({
          domain: 'finance',
          table: { name: 'ledger', columns: [column('Entry ID', 'string'), column('entry_id', 'integer')] },
        }),
      });
      await registry.putProduct(clash, undefined);

      const error = await handler(updated(clash), context).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(UnmappableContractError);
      expect((error as UnmappableContractError).retryable).toBe(false);
      expect((error as Error).message).toContain('schema.ledger.entry_id: becomes column "entry_id"');
      expect(fake.glue.calls()).toEqual([]);
      await expect(manifest('data_mesh_finance', 'finance_ledger_v1')).rejects.toThrow();
    });

    it('refuses a logical type stored by a newer platform, naming the column path', async () => {
      // The registry schema of this version would refuse such a record; a newer platform's registry would not.
      const newer = aProduct({
        id: 'finance.fx',
        domain: 'finance',
        contract: aContract({
          domain: 'finance',
          table: { name: 'fx', columns: [column('rate', 'decimal' as LogicalType)] },
        }),
      });
      const handlerOverNewer = makeHandler(() => ({
        ...deps,
        registry: { getProduct: async () => newer, listVersions: async () => [] },
      }));

      const error = await handlerOverNewer(updated(newer), context).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(UnmappableContractError);
      expect((error as UnmappableContractError).problems).toEqual([
        { path: 'schema.fx.rate', message: 'logical type "decimal" has no Glue/Athena type' },
      ]);
      expect(fake.glue.commandCalls(CreateTableCommand)).toEqual([]);
    });
  });
});
