import type { DataContract } from '../../functions/core/contracts/data-contract';
import { DEFAULT_CSV_DIALECT } from '../../functions/core/contracts/data-contract';
import type { ProductRecord, VersionRecord } from '../../functions/core/registry/records';

export const aContract = (overrides: Partial<DataContract> = {}): DataContract => ({
  contractId: 'orders-contract',
  name: 'Orders',
  version: '1.0.0',
  status: 'active',
  domain: 'sales',
  ownerTeam: 'sales-team',
  description: 'Orders placed in the web shop',
  tags: [],
  table: {
    name: 'orders',
    columns: [
      { name: 'order_id', logicalType: 'integer', required: true, unique: true, primaryKey: true },
      { name: 'amount', logicalType: 'number', required: true, unique: false, primaryKey: false, minimum: 0 },
    ],
  },
  support: [],
  servers: [],
  dialect: DEFAULT_CSV_DIALECT,
  upstreamProducts: [],
  ...overrides,
});

export const aProduct = (overrides: Partial<ProductRecord> = {}): ProductRecord => {
  const contract = overrides.contract ?? aContract();
  return {
    id: 'orders',
    name: contract.name,
    domain: contract.domain,
    ownerTeam: contract.ownerTeam,
    status: contract.status,
    contract,
    contractVersion: contract.version,
    contractSha256: 'a'.repeat(64),
    contractObject: { bucket: 'data', key: 'orders/datacontract.yaml' },
    createdAt: '2026-11-22T10:00:00.000Z',
    updatedAt: '2026-11-22T10:00:00.000Z',
    revision: 1,
    ...overrides,
  };
};

export const aVersion = (overrides: Partial<VersionRecord> = {}): VersionRecord => ({
  productId: 'orders',
  versionId: 'v-1',
  location: { kind: 's3', bucket: 'data', prefix: 'orders/' },
  object: { bucket: 'data', key: 'orders/2026-11-22.csv', etag: 'e1' },
  size: 10,
  sha256: 'b'.repeat(64),
  rows: 1,
  contractVersion: '1.0.0',
  verdict: 'published',
  errorCount: 0,
  recordedAt: '2026-11-22T10:00:00Z',
  recordedBy: '123456789012',
  ...overrides,
});
