import { createHash } from 'node:crypto';
import type { Column, LogicalType } from '../contracts/data-contract';
import { type FileRef, isGitFile, locationUri } from '../file-ref';
import type { ProductRecord, StorageLocation, VersionRecord } from '../registry/records';
import type { MetadataChangeProposal } from './proposal';
import {
  corpGroupUrn,
  corpUserUrn,
  dataPlatformUrn,
  dataProductUrn,
  domainUrn,
  locationDatasetUrn,
  locationPlatform,
  tagUrn,
} from './urns';

/**
 * Platform state → DataHub MetadataChangeProposals (see ../shared/reference/datahub/README.md §2–§5). Pure:
 * the same state and options give the same proposals, so a replayed event re-sends the same aspects.
 *
 * UPSERT replaces a whole aspect (§8), so every list (owners, tags, assets, upstreams, fields) is sent complete:
 * the platform is the source of truth for the aspects it writes.
 */

/** What the catalog needs to know about a product. */
export interface ProductCatalogState {
  product: ProductRecord;
  /** Every storage location of the product: each becomes one dataset, an asset of the data product. */
  locations: StorageLocation[];
  /** The product's upstream products (contract `upstreamProducts`) with their locations, for lineage. */
  upstream?: { productId: string; locations: StorageLocation[] }[];
  /**
   * Earlier versions of the product (the registry's `listVersions`), to tell a new file (operation INSERT)
   * from a file written again at the same key or path (UPDATE). Without them every version is an INSERT.
   */
  versions?: VersionRecord[];
}

export interface CatalogMappingOptions {
  /** DataHub's FabricType of the datasets: `PROD`, `DEV`, … (upper-cased). */
  env: string;
  /** `systemMetadata.lastObserved`. */
  now: Date;
  /** `systemMetadata.runId`: what `datahub delete --run-id` rolls back; one per event is a good choice. */
  runId: string;
}

/** The actor of the audit stamps the platform writes (ownership, lineage, asset membership). */
export const PLATFORM_ACTOR = 'urn:li:corpuser:datamesh-platform';

/** `systemMetadata.properties.clientId` of every proposal. */
export const CLIENT_ID = 'data-mesh-platform';

/** DataHub's standard dataset sub-type: each location holds the one table the contract describes. */
export const DATASET_SUB_TYPES = ['Table'];

/** The ownership type of the owner team (DataHub's legacy enum value, still accepted by every GMS). */
export const OWNER_TYPE = 'DATAOWNER';

/** Pegasus union members (`com.linkedin.schema.*`) of the contract's logical types (§5). */
const FIELD_TYPES: Record<LogicalType, string> = {
  string: 'com.linkedin.schema.StringType',
  integer: 'com.linkedin.schema.NumberType',
  number: 'com.linkedin.schema.NumberType',
  boolean: 'com.linkedin.schema.BooleanType',
  date: 'com.linkedin.schema.DateType',
  timestamp: 'com.linkedin.schema.TimeType',
};

/**
 * An aspect as GMS wants it in `aspect.value`: a JSON string, pure ASCII (every character from U+007F up as
 * `\uXXXX`, astral characters as their UTF-16 surrogate pair), like Python's `json.dumps(ensure_ascii=True)`.
 */
export const serializeAspect = (value: unknown): string =>
  JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );

const proposal = (
  entityType: 'dataset' | 'dataProduct',
  entityUrn: string,
  aspectName: string,
  value: object,
  options: CatalogMappingOptions,
): MetadataChangeProposal => ({
  entityType,
  entityUrn,
  changeType: 'UPSERT',
  aspectName,
  aspect: { value: serializeAspect(value), contentType: 'application/json' },
  systemMetadata: {
    lastObserved: options.now.getTime(),
    runId: options.runId,
    properties: { clientId: CLIENT_ID },
  },
});

/** Epoch milliseconds of an ISO time; the fallback when it does not parse. */
const millis = (iso: string, fallback: Date): number => {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? fallback.getTime() : time;
};

/** A string map without empty values (DataHub's `customProperties`). */
const properties = (entries: Record<string, string | undefined>): Record<string, string> =>
  Object.fromEntries(
    Object.entries(entries).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''),
  );

const unique = <T>(items: T[]): T[] => [...new Set(items)];

/** The S3 console page of a prefix: a link DataHub shows as "View in S3". */
const externalUrl = (location: StorageLocation): string | undefined =>
  location.kind === 's3'
    ? `https://s3.console.aws.amazon.com/s3/buckets/${encodeURIComponent(location.bucket)}?prefix=${encodeURIComponent(location.prefix)}`
    : undefined;

const productDomain = (product: ProductRecord): string | undefined =>
  product.contract.domain ?? product.domain;

const fieldOf = (column: Column) => ({
  fieldPath: column.name,
  nullable: !column.required,
  type: { type: { [FIELD_TYPES[column.logicalType]]: {} } },
  nativeDataType: column.logicalType,
  ...(column.description ? { description: column.description } : {}),
  ...(column.primaryKey ? { isPartOfKey: true } : {}),
});

const primaryKeys = (columns: Column[]): string[] =>
  columns
    .map((column, index) => ({ column, index }))
    .filter(({ column }) => column.primaryKey)
    .sort(
      (a, b) =>
        (a.column.primaryKeyPosition ?? Number.MAX_SAFE_INTEGER) -
          (b.column.primaryKeyPosition ?? Number.MAX_SAFE_INTEGER) || a.index - b.index,
    )
    .map(({ column }) => column.name);

const schemaMetadata = (product: ProductRecord, location: StorageLocation) => {
  const { table } = product.contract;
  const fields = table.columns.map(fieldOf);
  const keys = primaryKeys(table.columns);
  return {
    schemaName: (table.name || product.id).slice(0, 500),
    platform: dataPlatformUrn(locationPlatform(location)),
    version: 0,
    // What DataHub compares to spot a schema change: a digest of the fields as sent.
    hash: createHash('sha256').update(JSON.stringify(fields)).digest('hex'),
    platformSchema: { 'com.linkedin.schema.OtherSchema': { rawSchema: '' } },
    fields,
    ...(keys.length > 0 ? { primaryKeys: keys } : {}),
  };
};

const ownership = (product: ProductRecord, options: CatalogMappingOptions) => ({
  owners: [{ owner: corpGroupUrn(product.ownerTeam), type: OWNER_TYPE, source: { type: 'SERVICE' } }],
  lastModified: { time: millis(product.updatedAt, options.now), actor: PLATFORM_ACTOR },
});

const globalTags = (product: ProductRecord) => ({
  tags: unique(product.contract.tags).map((tag) => ({ tag: tagUrn(tag) })),
});

/** The datasets of the locations, one per distinct urn, in order. */
const datasetsOf = (
  locations: StorageLocation[],
  env: string,
): { urn: string; location: StorageLocation }[] => {
  const seen = new Map<string, StorageLocation>();
  for (const location of locations) {
    const urn = locationDatasetUrn(location, env);
    if (!seen.has(urn)) seen.set(urn, location);
  }
  return [...seen].map(([urn, location]) => ({ urn, location }));
};

/**
 * Every aspect of the product: for each location's dataset `datasetProperties`, `schemaMetadata`, `subTypes`,
 * `ownership`, `domains` (when the product has a domain), `globalTags`, `status` and `upstreamLineage` (when it
 * has upstream datasets); then the `dataProduct` with `dataProductProperties` (every dataset as an asset),
 * `ownership`, `domains`, `globalTags` and `status`. A deprecated product is soft-deleted (`status.removed`).
 */
export const productProposals = (
  state: ProductCatalogState,
  options: CatalogMappingOptions,
): MetadataChangeProposal[] => {
  const { product } = state;
  const { contract } = product;
  const domain = productDomain(product);
  const removed = product.status === 'deprecated';
  const created = millis(product.createdAt, options.now);
  const updated = millis(product.updatedAt, options.now);
  const datasets = datasetsOf(state.locations, options.env);
  const ownDatasets = new Set(datasets.map((d) => d.urn));
  const upstreams = (state.upstream ?? [])
    .filter((u) => u.productId !== product.id)
    .flatMap((u) => datasetsOf(u.locations, options.env).map((d) => ({ ...d, productId: u.productId })))
    .filter((u, index, all) => !ownDatasets.has(u.urn) && all.findIndex((o) => o.urn === u.urn) === index);

  const out: MetadataChangeProposal[] = [];
  for (const { urn, location } of datasets) {
    const dataset = (aspectName: string, value: object) =>
      out.push(proposal('dataset', urn, aspectName, value, options));
    const url = externalUrl(location);
    const description = contract.table.description ?? contract.description;
    dataset('datasetProperties', {
      name: product.name,
      qualifiedName: locationUri(location),
      ...(description ? { description } : {}),
      customProperties: properties({
        dataProduct: product.id,
        location: locationUri(location),
        contractId: contract.contractId,
        contractVersion: product.contractVersion,
        ownerTeam: product.ownerTeam,
        domain,
        status: product.status,
        uncontracted: product.uncontracted ? 'true' : undefined,
      }),
      ...(url ? { externalUrl: url } : {}),
      created: { time: created },
      lastModified: { time: updated },
    });
    dataset('schemaMetadata', schemaMetadata(product, location));
    dataset('subTypes', { typeNames: DATASET_SUB_TYPES });
    dataset('ownership', ownership(product, options));
    if (domain) dataset('domains', { domains: [domainUrn(domain)] });
    dataset('globalTags', globalTags(product));
    dataset('status', { removed });
    if (upstreams.length > 0)
      dataset('upstreamLineage', {
        upstreams: upstreams.map((u) => ({
          dataset: u.urn,
          type: 'TRANSFORMED',
          auditStamp: { time: updated, actor: PLATFORM_ACTOR },
          properties: { upstreamProduct: u.productId },
        })),
      });
  }

  const productUrn = dataProductUrn(product.id);
  const dataProduct = (aspectName: string, value: object) =>
    out.push(proposal('dataProduct', productUrn, aspectName, value, options));
  dataProduct('dataProductProperties', {
    name: product.name,
    ...(contract.description ? { description: contract.description } : {}),
    customProperties: properties({
      contractId: contract.contractId,
      contractVersion: product.contractVersion,
      ownerTeam: product.ownerTeam,
      domain,
      status: product.status,
      upstreamProducts:
        contract.upstreamProducts.length > 0 ? contract.upstreamProducts.join(',') : undefined,
      uncontracted: product.uncontracted ? 'true' : undefined,
    }),
    assets: datasets.map(({ urn }) => ({
      destinationUrn: urn,
      outputPort: true,
      created: { time: created, actor: PLATFORM_ACTOR },
    })),
  });
  dataProduct('ownership', ownership(product, options));
  if (domain) dataProduct('domains', { domains: [domainUrn(domain)] });
  dataProduct('globalTags', globalTags(product));
  dataProduct('status', { removed });
  return out;
};

/** A file's URI for people: `s3://bucket/key` or `git://host:owner/name/path`. */
const fileUri = (ref: FileRef): string =>
  isGitFile(ref) ? `git://${ref.repository}/${ref.path}` : `s3://${ref.bucket}/${ref.key}`;

const filePath = (ref: FileRef): string => (isGitFile(ref) ? ref.path : ref.key);

/** The file relative to its location (`orders-2026-11-22.csv`, `dt=2026-11-22/part-0.csv`). */
const partitionOf = (version: VersionRecord): string => {
  const path = filePath(version.object);
  const folder = version.location.kind === 's3' ? version.location.prefix : version.location.path;
  const relative = folder && path.startsWith(folder) ? path.slice(folder.length) : path;
  return relative || path;
};

const sameFile = (a: FileRef, b: FileRef): boolean =>
  isGitFile(a) && isGitFile(b)
    ? a.repository === b.repository && a.path === b.path
    : !isGitFile(a) && !isGitFile(b) && a.bucket === b.bucket && a.key === b.key;

/**
 * The timeseries aspects of a published version, on the dataset of its location: a `datasetProfile` of the
 * file (a partition of the dataset: its rows, the contract's column count, its size) and an `operation`
 * (INSERT for a new file, UPDATE for one written again). Both are keyed by the upload time and the version id
 * (`messageId`), so a replay writes the same points. A quarantined version changed nothing: no proposals.
 */
export const versionProposals = (
  state: ProductCatalogState,
  version: VersionRecord,
  options: CatalogMappingOptions,
): MetadataChangeProposal[] => {
  if (version.verdict !== 'published') return [];
  const urn = locationDatasetUrn(version.location, options.env);
  const at = millis(version.recordedAt, options.now);
  const partition = partitionOf(version);
  const replaced = (state.versions ?? []).some(
    (earlier) =>
      earlier.versionId !== version.versionId &&
      earlier.verdict === 'published' &&
      millis(earlier.recordedAt, options.now) <= at &&
      sameFile(earlier.object, version.object),
  );
  const object = version.object;
  const profile = {
    timestampMillis: at,
    partitionSpec: { partition },
    messageId: version.versionId,
    rowCount: version.rows,
    columnCount: state.product.contract.table.columns.length,
    sizeInBytes: version.size,
  };
  const operation = {
    timestampMillis: at,
    messageId: version.versionId,
    ...(version.recordedBy ? { actor: corpUserUrn(version.recordedBy) } : {}),
    operationType: replaced ? 'UPDATE' : 'INSERT',
    numAffectedRows: version.rows,
    sourceType: 'DATA_PLATFORM',
    customProperties: properties({
      versionId: version.versionId,
      sha256: version.sha256,
      object: fileUri(object),
      objectVersionId: isGitFile(object) ? undefined : object.versionId,
      commit: isGitFile(object) ? object.commit : undefined,
      size: String(version.size),
      contractVersion: version.contractVersion,
    }),
    lastUpdatedTimestamp: at,
  };
  return [
    proposal('dataset', urn, 'datasetProfile', profile, options),
    proposal('dataset', urn, 'operation', operation, options),
  ];
};
