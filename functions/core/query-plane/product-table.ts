import type { ProductRecord } from '../registry/records';
import { csvSerde, csvTableParameters } from './glue-types';
import type { ExternalTable, QueryColumn } from './query-table';
import { manifestFolderKey } from './table-names';

/** The table parameter naming the product a table or view belongs to. */
export const PRODUCT_ID_PARAMETER = 'datamesh.productId';

export const SYMLINK_INPUT_FORMAT = 'org.apache.hadoop.hive.ql.io.SymlinkTextInputFormat';
export const TEXT_OUTPUT_FORMAT = 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat';

/** Parameters the platform keeps on every table and view of a product. */
export const platformParameters = (product: ProductRecord, deprecated: boolean): Record<string, string> => ({
  [PRODUCT_ID_PARAMETER]: product.id,
  'datamesh.contractVersion': product.contractVersion,
  deprecated: String(deprecated),
});

export interface MajorTableInput {
  product: ProductRecord;
  name: string;
  database: string;
  bucket: string;
  columns: readonly QueryColumn[];
  deprecated: boolean;
}

/**
 * The table of the product's current major version. It reads the files its manifest lists, never the product's
 * folder, which also holds the contract and READMEs that Athena would read as rows.
 */
export const majorTable = (input: MajorTableInput): ExternalTable => {
  const { product } = input;
  const description = product.contract.description?.trim();
  return {
    kind: 'external',
    name: input.name,
    ...(description ? { description } : {}),
    columns: input.columns,
    location: `s3://${input.bucket}/${manifestFolderKey(input.database, input.name)}`,
    inputFormat: SYMLINK_INPUT_FORMAT,
    outputFormat: TEXT_OUTPUT_FORMAT,
    serde: csvSerde(product.contract.dialect),
    parameters: {
      EXTERNAL: 'TRUE',
      ...csvTableParameters(product.contract.dialect),
      ...platformParameters(product, input.deprecated),
    },
  };
};
