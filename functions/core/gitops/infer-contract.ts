import { type DataContract, DEFAULT_CSV_DIALECT } from '../contracts/data-contract';
import type { CatalogRow } from './data-catalog';

/**
 * The contract of an uncontracted product (a `data_catalog.csv` row and CSV files): every column of the
 * header, as optional text. It promises nothing beyond the header, so files are checked for structure only.
 */
export const inferContract = (row: CatalogRow, header: readonly string[]): DataContract => ({
  contractId: `uncontracted:${row.name}`,
  name: row.name,
  version: '0.0.0',
  status: 'active',
  ownerTeam: row.owner,
  ...(row.description ? { description: row.description } : {}),
  tags: ['uncontracted'],
  table: {
    name: row.name,
    columns: header.map((name) => ({
      name,
      logicalType: 'string',
      required: false,
      unique: false,
      primaryKey: false,
    })),
  },
  support: [],
  servers: [],
  dialect: DEFAULT_CSV_DIALECT,
  upstreamProducts: [],
});
