import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { EventBridgeEnvelope } from '../../../events/event-contract';
import {
  type CatalogMappingOptions,
  PLATFORM_ACTOR,
  type ProductCatalogState,
  productProposals,
  serializeAspect,
  versionProposals,
} from '../../../functions/core/catalog/map-product';
import type { MetadataChangeProposal } from '../../../functions/core/catalog/proposal';
import {
  corpGroupUrn,
  corpUserUrn,
  dataProductUrn,
  datasetUrn,
  domainUrn,
  encodeUrnComponent,
  fabricType,
  locationDatasetUrn,
  tagUrn,
  urlEncodedLength,
} from '../../../functions/core/catalog/urns';
import type { Column, LogicalType } from '../../../functions/core/contracts/data-contract';
import type { StorageLocation, VersionRecord } from '../../../functions/core/registry/records';
import { CatalogRejectedError } from '../../../functions/ports/catalog';
import { aContract, aProduct, aVersion } from '../../support/builders';
import { datahubValidator } from '../../support/gms-emulator';

// The companion JSON Schema of the DataHub protocol reference (draft 2020-12): the Rest.li batch body at the
// root, `#/$defs/MetadataChangeProposal` (wire form), `#/$defs/DecodedMetadataChangeProposal` (aspect.value
// parsed and dispatched by aspectName) and `#/$defs/AspectValueByName/properties/<aspect>`.
const validator = datahubValidator;
const validateBatch = validator('');
const validateWire = validator('#/$defs/MetadataChangeProposal');
const validateDecoded = validator('#/$defs/DecodedMetadataChangeProposal');

const decode = (p: MetadataChangeProposal) => ({
  ...p,
  aspect: { ...p.aspect, value: JSON.parse(p.aspect.value) },
});

/** The envelope (wire form), the decoded proposal, the aspect on its own, and a batch body of them all. */
const expectValid = (proposals: MetadataChangeProposal[]) => {
  for (const proposal of proposals) {
    const where = `${proposal.aspectName} of ${proposal.entityUrn}`;
    expect(validateWire(proposal), `${where}: ${JSON.stringify(validateWire.errors)}`).toBe(true);
    expect(proposal.aspect.value).toMatch(/^[\p{ASCII}]*$/u);
    const decoded = decode(proposal);
    expect(validateDecoded(decoded), `${where}: ${JSON.stringify(validateDecoded.errors)}`).toBe(true);
    const validateAspect = validator(`#/$defs/AspectValueByName/properties/${proposal.aspectName}`);
    expect(validateAspect(decoded.aspect.value), `${where}: ${JSON.stringify(validateAspect.errors)}`).toBe(
      true,
    );
  }
  for (let i = 0; i < proposals.length; i += 200) {
    const body = { proposals: proposals.slice(i, i + 200), async: 'false' };
    expect(validateBatch(body), JSON.stringify(validateBatch.errors)).toBe(true);
  }
};

/** aspectName → decoded value, for one entity. */
const aspectsOf = (
  proposals: MetadataChangeProposal[],
  urn: string,
): Record<string, Record<string, unknown>> =>
  Object.fromEntries(
    proposals.filter((p) => p.entityUrn === urn).map((p) => [p.aspectName, JSON.parse(p.aspect.value)]),
  );

const options: CatalogMappingOptions = {
  env: 'PROD',
  now: new Date('2026-11-22T10:15:35.000Z'),
  runId: 'datamesh-test-run',
};

// biome-ignore lint/suspicious/noExplicitAny: the samples are read as plain JSON
type Detail = any;
const sample = (name: string): EventBridgeEnvelope & { detail: Detail } =>
  JSON.parse(readFileSync(new URL(`../../../events/samples/${name}.json`, import.meta.url), 'utf8'));

/** The product as the registry holds it when the event is emitted. */
const productFrom = (summary: Detail, overrides: Partial<ReturnType<typeof aContract>> = {}) =>
  aProduct({
    id: summary.id,
    name: summary.name,
    domain: summary.domain,
    ownerTeam: summary.ownerTeam,
    status: summary.status,
    contractVersion: summary.contractVersion,
    contract: aContract({
      name: summary.name,
      version: summary.contractVersion,
      status: summary.status,
      domain: summary.domain,
      ownerTeam: summary.ownerTeam,
      tags: ['sales', 'gdpr'],
      ...overrides,
    }),
  });

const registered = sample('data-product-registered');
const registeredState: ProductCatalogState = {
  product: productFrom(registered.detail.product),
  locations: [registered.detail.location],
};

const publishedVersion = (): VersionRecord => {
  const { detail } = sample('data-product-version-published');
  return aVersion({
    productId: detail.metadata.productId,
    versionId: detail.version.versionId,
    location: registered.detail.location,
    object: detail.version.object,
    rows: detail.version.rows,
    size: detail.version.size,
    sha256: detail.version.sha256,
    contractVersion: detail.version.contractVersion,
    verdict: 'published',
    recordedAt: detail.metadata.occurredAt,
    recordedBy: 'arn:aws:iam::123456789012:user/uploader',
  });
};

const s3Orders = locationDatasetUrn(registered.detail.location, 'PROD');

describe('productProposals / versionProposals for every sample event (validated with the reference schema)', () => {
  it('Data Product Registered: datasets and data product, all aspects', () => {
    const proposals = productProposals(registeredState, options);
    expectValid(proposals);
    expect(s3Orders).toBe('urn:li:dataset:(urn:li:dataPlatform:s3,data-mesh-prod-data/orders,PROD)');
    expect(proposals.map((p) => `${p.entityType} ${p.aspectName}`)).toEqual([
      'dataset datasetProperties',
      'dataset schemaMetadata',
      'dataset subTypes',
      'dataset ownership',
      'dataset domains',
      'dataset globalTags',
      'dataset status',
      'dataProduct dataProductProperties',
      'dataProduct ownership',
      'dataProduct domains',
      'dataProduct globalTags',
      'dataProduct status',
    ]);
    for (const p of proposals) {
      expect(p.changeType).toBe('UPSERT');
      expect(p.systemMetadata).toEqual({
        lastObserved: options.now.getTime(),
        runId: 'datamesh-test-run',
        properties: { clientId: 'data-mesh-platform' },
      });
    }
    const dataset = aspectsOf(proposals, s3Orders);
    expect(dataset.datasetProperties).toEqual({
      name: 'Orders',
      qualifiedName: 's3://data-mesh-prod-data/orders/',
      description: 'Orders placed in the web shop',
      customProperties: {
        dataProduct: 'orders',
        location: 's3://data-mesh-prod-data/orders/',
        contractId: 'orders-contract',
        contractVersion: '1.0.0',
        ownerTeam: 'sales-team',
        domain: 'sales',
        status: 'active',
      },
      externalUrl: 'https://s3.console.aws.amazon.com/s3/buckets/data-mesh-prod-data?prefix=orders%2F',
      created: { time: Date.parse('2026-11-22T10:00:00.000Z') },
      lastModified: { time: Date.parse('2026-11-22T10:00:00.000Z') },
    });
    expect(dataset.schemaMetadata).toMatchObject({
      schemaName: 'orders',
      platform: 'urn:li:dataPlatform:s3',
      version: 0,
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      platformSchema: { 'com.linkedin.schema.OtherSchema': { rawSchema: '' } },
      fields: [
        {
          fieldPath: 'order_id',
          nullable: false,
          type: { type: { 'com.linkedin.schema.NumberType': {} } },
          nativeDataType: 'integer',
          isPartOfKey: true,
        },
        {
          fieldPath: 'amount',
          nullable: false,
          type: { type: { 'com.linkedin.schema.NumberType': {} } },
          nativeDataType: 'number',
        },
      ],
      primaryKeys: ['order_id'],
    });
    expect(dataset.subTypes).toEqual({ typeNames: ['Table'] });
    expect(dataset.domains).toEqual({ domains: ['urn:li:domain:sales'] });
    expect(dataset.globalTags).toEqual({ tags: [{ tag: 'urn:li:tag:sales' }, { tag: 'urn:li:tag:gdpr' }] });
    expect(dataset.status).toEqual({ removed: false });
    expect(dataset.upstreamLineage).toBeUndefined();
    const product = aspectsOf(proposals, 'urn:li:dataProduct:orders');
    expect(product.dataProductProperties).toMatchObject({
      name: 'Orders',
      assets: [{ destinationUrn: s3Orders, outputPort: true }],
    });
  });

  it('Data Product Updated: the new contract version everywhere', () => {
    const { detail } = sample('data-product-updated');
    const proposals = productProposals(
      { product: productFrom(detail.product), locations: [detail.location] },
      options,
    );
    expectValid(proposals);
    const dataset = aspectsOf(proposals, s3Orders);
    expect(dataset.datasetProperties?.customProperties).toMatchObject({ contractVersion: '1.1.0' });
    expect(
      aspectsOf(proposals, 'urn:li:dataProduct:orders').dataProductProperties?.customProperties,
    ).toMatchObject({ contractVersion: '1.1.0' });
  });

  it('Data Product Rejected: the registered state is re-sent unchanged (nothing of the rejected file)', () => {
    const { detail } = sample('data-product-rejected');
    expect(detail.metadata.productId).toBe(registeredState.product.id);
    const proposals = productProposals(registeredState, options);
    expectValid(proposals);
    expect(proposals).toEqual(productProposals(registeredState, options));
  });

  it('Data Product Version Published: datasetProfile and operation on the location dataset', () => {
    const version = publishedVersion();
    const proposals = versionProposals(registeredState, version, options);
    expectValid(proposals);
    expect(proposals.map((p) => [p.entityUrn, p.aspectName])).toEqual([
      [s3Orders, 'datasetProfile'],
      [s3Orders, 'operation'],
    ]);
    const at = Date.parse('2026-11-22T10:15:31.204Z');
    const aspects = aspectsOf(proposals, s3Orders);
    expect(aspects.datasetProfile).toEqual({
      timestampMillis: at,
      partitionSpec: { partition: 'orders-2026-11-22.csv' },
      messageId: version.versionId,
      rowCount: 1200,
      columnCount: 2,
      sizeInBytes: 5120,
    });
    expect(aspects.operation).toEqual({
      timestampMillis: at,
      messageId: version.versionId,
      actor: 'urn:li:corpuser:arn:aws:iam::123456789012:user/uploader',
      operationType: 'INSERT',
      numAffectedRows: 1200,
      sourceType: 'DATA_PLATFORM',
      customProperties: {
        versionId: version.versionId,
        sha256: version.sha256,
        object: 's3://data-mesh-prod-data/orders/orders-2026-11-22.csv',
        objectVersionId: '3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY',
        size: '5120',
        contractVersion: '1.0.0',
      },
      lastUpdatedTimestamp: at,
    });
  });

  it('Data Product Validation Failed: a quarantined version changed nothing in the catalog', () => {
    const { detail } = sample('data-product-validation-failed');
    const version = aVersion({
      versionId: detail.versionId,
      location: registered.detail.location,
      object: detail.object,
      quarantinedAs: detail.quarantinedAs,
      rows: detail.rows,
      errorCount: detail.errorCount,
      contractVersion: detail.contractVersion,
      verdict: 'quarantined',
      recordedAt: detail.metadata.occurredAt,
    });
    expect(versionProposals(registeredState, version, options)).toEqual([]);
    expectValid(productProposals(registeredState, options));
  });

  it('Data Product Schema Changed: the new schema on the git dataset', () => {
    const { detail } = sample('data-product-schema-changed');
    const location: StorageLocation = { kind: 'git', repository: 'github:acme/data', path: 'orders/' };
    const columns: Column[] = [
      { name: 'order_id', logicalType: 'integer', required: true, unique: true, primaryKey: true },
      { name: 'amount', logicalType: 'number', required: true, unique: false, primaryKey: false },
      {
        name: 'channel',
        logicalType: 'string',
        description: 'web or store',
        required: false,
        unique: false,
        primaryKey: false,
      },
    ];
    const product = productFrom(detail.product, {
      table: { name: 'orders', columns },
      tags: [],
    });
    product.contractObject = detail.contract;
    const proposals = productProposals({ product, locations: [location] }, options);
    expectValid(proposals);
    const urn = 'urn:li:dataset:(urn:li:dataPlatform:git,github:acme/data/orders,PROD)';
    expect(locationDatasetUrn(location, 'PROD')).toBe(urn);
    const dataset = aspectsOf(proposals, urn);
    expect(dataset.schemaMetadata?.platform).toBe('urn:li:dataPlatform:git');
    const fields = (dataset.schemaMetadata?.fields ?? []) as { fieldPath: string }[];
    expect(fields.map((f) => f.fieldPath)).toEqual(['order_id', 'amount', 'channel']);
    expect(fields[2]).toEqual({
      fieldPath: 'channel',
      nullable: true,
      type: { type: { 'com.linkedin.schema.StringType': {} } },
      nativeDataType: 'string',
      description: 'web or store',
    });
    expect(dataset.datasetProperties?.qualifiedName).toBe('git://github:acme/data/orders/');
    expect(dataset.datasetProperties).not.toHaveProperty('externalUrl');
    // Tags removed from the contract: the complete (empty) list replaces the old one.
    expect(dataset.globalTags).toEqual({ tags: [] });
  });

  it('Data Product Deprecated: dataset and data product are soft-deleted (status.removed)', () => {
    const { detail } = sample('data-product-deprecated');
    const proposals = productProposals(
      { product: productFrom(detail.product), locations: [detail.location] },
      options,
    );
    expectValid(proposals);
    const urn = 'urn:li:dataset:(urn:li:dataPlatform:git,github:acme/data/legacy-orders,PROD)';
    expect(aspectsOf(proposals, urn).status).toEqual({ removed: true });
    expect(aspectsOf(proposals, 'urn:li:dataProduct:legacy-orders').status).toEqual({ removed: true });
  });
});

describe('URNs', () => {
  it('escape , ( ) as %2C %28 %29 like DataHub, keep spaces, slashes, colons and unicode', () => {
    expect(encodeUrnComponent('sales (EU), 2026/Überblick daten:ü')).toBe(
      'sales %28EU%29%2C 2026/Überblick daten:ü',
    );
    expect(datasetUrn('s3', 'bucket/a,b(c)', 'prod')).toBe(
      'urn:li:dataset:(urn:li:dataPlatform:s3,bucket/a%2Cb%28c%29,PROD)',
    );
    expect(corpGroupUrn('Sales (EU), Team')).toBe('urn:li:corpGroup:Sales %28EU%29%2C Team');
    expect(corpUserUrn('jane.doe')).toBe('urn:li:corpuser:jane.doe');
    expect(domainUrn('Ventes, Europe')).toBe('urn:li:domain:Ventes%2C Europe');
    expect(tagUrn('pii (gdpr)')).toBe('urn:li:tag:pii %28gdpr%29');
    expect(dataProductUrn('sales.orders')).toBe('urn:li:dataProduct:sales.orders');
  });

  it('percent-encode what GMS refuses outright: whitespace at the ends and U+241F', () => {
    expect(encodeUrnComponent(' a b\t')).toBe('%20a b%09');
    expect(encodeUrnComponent('a\u241fb')).toBe('a%E2%90%9Fb');
    expect(() => encodeUrnComponent('')).toThrow(CatalogRejectedError);
  });

  it('name S3 and git locations as DataHub connectors do, escaped', () => {
    expect(
      locationDatasetUrn({ kind: 's3', bucket: 'b', prefix: 'sales (eu), été/日本 データ/' }, 'PROD'),
    ).toBe('urn:li:dataset:(urn:li:dataPlatform:s3,b/sales %28eu%29%2C été/日本 データ,PROD)');
    expect(locationDatasetUrn({ kind: 's3', bucket: 'b', prefix: '' }, 'DEV')).toBe(
      'urn:li:dataset:(urn:li:dataPlatform:s3,b,DEV)',
    );
    expect(
      locationDatasetUrn({ kind: 'git', repository: 'gitlab:acme/data (eu)', path: 'a, b/c d/' }, 'PROD'),
    ).toBe('urn:li:dataset:(urn:li:dataPlatform:git,gitlab:acme/data %28eu%29/a%2C b/c d,PROD)');
    expect(locationDatasetUrn({ kind: 'git', repository: 'local:data', path: 'orders/ ' }, 'PROD')).toBe(
      'urn:li:dataset:(urn:li:dataPlatform:git,local:data/orders/%20,PROD)',
    );
  });

  it('take any FabricType, upper-cased, and refuse other envs', () => {
    expect(fabricType('prod')).toBe('PROD');
    expect(fabricType('Non_Prod')).toBe('NON_PROD');
    expect(() => fabricType('production')).toThrow(/not a FabricType/);
  });

  it('refuse a urn longer than GMS accepts (512 bytes URL-encoded)', () => {
    expect(urlEncodedLength('urn:li:tag:a b')).toBe('urn%3Ali%3Atag%3Aa+b'.length);
    expect(urlEncodedLength('é')).toBe(6);
    expect(() =>
      locationDatasetUrn({ kind: 's3', bucket: 'b', prefix: `${'x'.repeat(500)}/` }, 'PROD'),
    ).toThrow(/GMS accepts at most 512/);
  });

  it('escaped names pass the reference schema in every aspect that carries them', () => {
    const locations: StorageLocation[] = [
      { kind: 's3', bucket: 'data-eu', prefix: 'ventes (eu), 2026/café ☕/' },
      { kind: 'git', repository: 'github:acme/data (eu)', path: 'commandes, été/' },
    ];
    const product = aProduct({
      id: 'ventes',
      name: 'Ventes (EU), café ☕ 🚀',
      ownerTeam: 'équipe (ventes), EU',
      contract: aContract({
        domain: 'Europe, Sud (FR)',
        ownerTeam: 'équipe (ventes), EU',
        description: 'Commandes — une ligne par commande 🚀',
        tags: ['pii, gdpr', 'zone (eu)', 'données'],
        upstreamProducts: ['clients'],
      }),
    });
    const proposals = productProposals(
      {
        product,
        locations,
        upstream: [
          { productId: 'clients', locations: [{ kind: 's3', bucket: 'b', prefix: 'clients (v2)/' }] },
        ],
      },
      options,
    );
    expectValid(proposals);
    const s3 = 'urn:li:dataset:(urn:li:dataPlatform:s3,data-eu/ventes %28eu%29%2C 2026/café ☕,PROD)';
    const git = 'urn:li:dataset:(urn:li:dataPlatform:git,github:acme/data %28eu%29/commandes%2C été,PROD)';
    expect(aspectsOf(proposals, s3).ownership?.owners).toEqual([
      { owner: 'urn:li:corpGroup:équipe %28ventes%29%2C EU', type: 'DATAOWNER', source: { type: 'SERVICE' } },
    ]);
    expect(aspectsOf(proposals, git).domains).toEqual({ domains: ['urn:li:domain:Europe%2C Sud %28FR%29'] });
    expect(aspectsOf(proposals, git).upstreamLineage?.upstreams).toEqual([
      {
        dataset: 'urn:li:dataset:(urn:li:dataPlatform:s3,b/clients %28v2%29,PROD)',
        type: 'TRANSFORMED',
        auditStamp: { time: Date.parse(product.updatedAt), actor: PLATFORM_ACTOR },
        properties: { upstreamProduct: 'clients' },
      },
    ]);
    // Non-ASCII travels as \uXXXX escapes (astral characters as surrogate pairs) and decodes back.
    const properties = proposals.find((p) => p.entityUrn === s3 && p.aspectName === 'datasetProperties');
    expect(properties?.aspect.value).toContain('Ventes (EU), caf\\u00e9 \\u2615 \\ud83d\\ude80');
    expect(JSON.parse(properties?.aspect.value ?? '{}').name).toBe('Ventes (EU), café ☕ 🚀');
  });
});

describe('complete lists (UPSERT replaces the whole aspect)', () => {
  it('a product with an S3 and a git location lists both datasets as assets, each with the full aspects', () => {
    const locations: StorageLocation[] = [
      { kind: 's3', bucket: 'data-mesh-prod-data', prefix: 'orders/' },
      { kind: 'git', repository: 'github:acme/data', path: 'orders/' },
      // The same location twice is one dataset.
      { kind: 's3', bucket: 'data-mesh-prod-data', prefix: 'orders/' },
    ];
    const product = aProduct({ contract: aContract({ tags: ['sales', 'sales', 'tier-1'] }) });
    const proposals = productProposals({ product, locations }, options);
    expectValid(proposals);
    const urns = [
      'urn:li:dataset:(urn:li:dataPlatform:s3,data-mesh-prod-data/orders,PROD)',
      'urn:li:dataset:(urn:li:dataPlatform:git,github:acme/data/orders,PROD)',
    ];
    const assets = aspectsOf(proposals, 'urn:li:dataProduct:orders').dataProductProperties?.assets;
    expect(assets).toEqual(
      urns.map((destinationUrn) => ({
        destinationUrn,
        outputPort: true,
        created: { time: Date.parse(product.createdAt), actor: PLATFORM_ACTOR },
      })),
    );
    for (const urn of [...urns, 'urn:li:dataProduct:orders']) {
      const aspects = aspectsOf(proposals, urn);
      expect(aspects.ownership?.owners).toEqual([
        { owner: 'urn:li:corpGroup:sales-team', type: 'DATAOWNER', source: { type: 'SERVICE' } },
      ]);
      expect(aspects.globalTags).toEqual({
        tags: [{ tag: 'urn:li:tag:sales' }, { tag: 'urn:li:tag:tier-1' }],
      });
    }
    expect(proposals.filter((p) => p.aspectName === 'schemaMetadata')).toHaveLength(2);
  });

  it('a product without a domain or upstreams sends no domains and no upstreamLineage', () => {
    const product = aProduct({ domain: undefined, contract: aContract({ domain: undefined }) });
    const proposals = productProposals(
      { product, locations: [registered.detail.location], upstream: [] },
      options,
    );
    expectValid(proposals);
    expect(proposals.map((p) => p.aspectName)).not.toContain('domains');
    expect(proposals.map((p) => p.aspectName)).not.toContain('upstreamLineage');
  });

  it('lineage lists every upstream dataset once, never the product itself', () => {
    const proposals = productProposals(
      {
        ...registeredState,
        upstream: [
          {
            productId: 'customers',
            locations: [
              { kind: 's3', bucket: 'b', prefix: 'customers/' },
              { kind: 'git', repository: 'github:acme/data', path: 'customers/' },
            ],
          },
          { productId: 'payments', locations: [{ kind: 's3', bucket: 'b', prefix: 'customers/' }] },
          { productId: 'orders', locations: [registered.detail.location] },
        ],
      },
      options,
    );
    expectValid(proposals);
    const upstreams = aspectsOf(proposals, s3Orders).upstreamLineage?.upstreams as { dataset: string }[];
    expect(upstreams.map((u) => u.dataset)).toEqual([
      'urn:li:dataset:(urn:li:dataPlatform:s3,b/customers,PROD)',
      'urn:li:dataset:(urn:li:dataPlatform:git,github:acme/data/customers,PROD)',
    ]);
  });

  it('a contract with 500 columns gives one schemaMetadata with all 500 fields, valid', () => {
    const types: LogicalType[] = ['string', 'integer', 'number', 'boolean', 'date', 'timestamp'];
    const columns: Column[] = Array.from({ length: 500 }, (_, i) => ({
      name: `col_${i}, "(${i})" é`,
      logicalType: types[i % types.length] ?? 'string',
      description: `column ${i} — ${'x'.repeat(i % 50)}`,
      required: i % 2 === 0,
      unique: false,
      primaryKey: i === 7 || i === 3,
      ...(i === 7 ? { primaryKeyPosition: 1 } : i === 3 ? { primaryKeyPosition: 2 } : {}),
    }));
    const product = aProduct({ contract: aContract({ table: { name: 'wide', columns } }) });
    const proposals = productProposals({ product, locations: [registered.detail.location] }, options);
    expectValid(proposals);
    const schemas = proposals.filter((p) => p.aspectName === 'schemaMetadata');
    expect(schemas).toHaveLength(1);
    const value = JSON.parse(schemas[0]?.aspect.value ?? '{}');
    expect(value.fields).toHaveLength(500);
    expect(value.fields.map((f: { fieldPath: string }) => f.fieldPath)).toEqual(columns.map((c) => c.name));
    expect(value.fields[5].type).toEqual({ type: { 'com.linkedin.schema.TimeType': {} } });
    expect(value.fields[4].type).toEqual({ type: { 'com.linkedin.schema.DateType': {} } });
    expect(value.fields[3].type).toEqual({ type: { 'com.linkedin.schema.BooleanType': {} } });
    expect(value.fields.filter((f: { nullable: boolean }) => !f.nullable)).toHaveLength(250);
    expect(value.primaryKeys).toEqual([columns[7]?.name, columns[3]?.name]);
  });
});

describe('timeseries aspects', () => {
  it('a file written again at the same key is an UPDATE; the same points on a replay', () => {
    const version = publishedVersion();
    const earlier = { ...version, versionId: 'v-0', recordedAt: '2026-11-21T08:00:00Z' };
    const other = {
      ...version,
      versionId: 'v-x',
      object: { bucket: 'data-mesh-prod-data', key: 'orders/x.csv' },
    };
    const state = { ...registeredState, versions: [other, earlier, version] };
    const proposals = versionProposals(state, version, options);
    expectValid(proposals);
    expect(aspectsOf(proposals, s3Orders).operation?.operationType).toBe('UPDATE');
    expect(versionProposals({ ...registeredState, versions: [other, version] }, version, options)).toEqual(
      versionProposals(registeredState, version, options),
    );
    expect(versionProposals(state, version, { ...options, now: new Date() }).map((p) => p.aspect)).toEqual(
      proposals.map((p) => p.aspect),
    );
  });

  it('a git version: the pusher as actor, the commit, the path inside the folder as partition', () => {
    const location: StorageLocation = { kind: 'git', repository: 'github:acme/data', path: 'orders/' };
    const version = aVersion({
      location,
      object: {
        repository: 'github:acme/data',
        path: 'orders/dt=2026-11-22/part 0.csv',
        commit: 'c'.repeat(40),
      },
      rows: 7,
      recordedBy: 'alice',
    });
    const proposals = versionProposals({ ...registeredState, locations: [location] }, version, options);
    expectValid(proposals);
    const aspects = aspectsOf(proposals, locationDatasetUrn(location, 'PROD'));
    expect(aspects.datasetProfile).toMatchObject({
      rowCount: 7,
      partitionSpec: { partition: 'dt=2026-11-22/part 0.csv' },
    });
    expect(aspects.operation).toMatchObject({
      actor: 'urn:li:corpuser:alice',
      operationType: 'INSERT',
      customProperties: {
        object: 'git://github:acme/data/orders/dt=2026-11-22/part 0.csv',
        commit: 'c'.repeat(40),
      },
    });
  });
});

describe('the schema check itself', () => {
  it('catches what GMS would refuse: an unescaped comma, a bad union, a misspelled field, non-ASCII', () => {
    const [properties, schemaMetadata] = productProposals(registeredState, options);
    if (!properties || !schemaMetadata) throw new Error('no proposals');
    const unescaped = {
      ...properties,
      entityUrn: 'urn:li:dataset:(urn:li:dataPlatform:s3,b/a,b,PROD)',
    };
    expect(validateWire(unescaped)).toBe(false);
    const shortUnion = decode(schemaMetadata);
    shortUnion.aspect.value.fields[0].type = { type: { StringType: {} } };
    expect(validateDecoded(shortUnion)).toBe(false);
    const misspelled = decode(properties);
    misspelled.aspect.value.desc = 'x';
    expect(validateDecoded(misspelled)).toBe(false);
    expect(validateWire({ ...properties, aspect: { ...properties.aspect, value: '{"name":"é"}' } })).toBe(
      false,
    );
  });
});

describe('serializeAspect', () => {
  it('is JSON in pure ASCII, like json.dumps(ensure_ascii=True)', () => {
    expect(serializeAspect({ name: 'é — 🚀\u007f' })).toBe(
      '{"name":"\\u00e9 \\u2014 \\ud83d\\ude80\\u007f"}',
    );
    expect(JSON.parse(serializeAspect({ name: 'é — 🚀' }))).toEqual({ name: 'é — 🚀' });
  });
});
