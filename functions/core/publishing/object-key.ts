import { CONTRACT_FILE_NAMES, QUARANTINE_PREFIX } from '../../../events/object-keys';
import { PRODUCT_ID_PATTERN } from '../contracts/data-contract';

/** A product's folder in a bucket: `<product-id>/` by convention, or a registered prefix of another bucket. */
export interface ProductFolder {
  bucket: string;
  /** Ends with `/`. */
  prefix: string;
  /** Found in the registry (a registered location), not only read from the key by convention. */
  registered: boolean;
}

export type ObjectKeyKind =
  | { kind: 'quarantined' }
  | { kind: 'unregistered'; message: string }
  | { kind: 'invalid'; productId: string; message: string }
  | { kind: 'contract'; productId: string; folder: ProductFolder }
  | { kind: 'csv'; productId: string; folder: ProductFolder }
  | { kind: 'other'; productId: string; folder: ProductFolder };

/**
 * Reads the folder convention from an object key: `<product-id>/datacontract.yaml` is the contract and
 * `<product-id>/**\/*.csv` are data files. Keys that could escape or confuse a folder (`..`, empty segments,
 * control characters) are refused rather than normalised, so what is registered is exactly what was uploaded.
 */
export const classifyObjectKey = (key: string, bucket = ''): ObjectKeyKind => {
  if (key.startsWith(QUARANTINE_PREFIX)) return { kind: 'quarantined' };
  const segments = key.split('/');
  const productId = segments[0] ?? '';
  const problem =
    keyProblem(key) ??
    (segments.length < 2 ? `key "${key}" is not inside a product folder (<product-id>/…)` : undefined) ??
    (PRODUCT_ID_PATTERN.test(productId)
      ? undefined
      : `folder "${productId}" is not a valid product id (lowercase letters, digits and dashes, optionally dotted by domain)`);
  if (problem) return { kind: 'invalid', productId, message: problem };
  return classifyInFolder(key, productId, { bucket, prefix: `${productId}/`, registered: false });
};

/** Why a key could escape or confuse its folder, if it could. */
export const keyProblem = (key: string): string | undefined => {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f]/.test(key)) return `key "${printable(key)}" contains control characters`;
  const segments = key.split('/');
  if (segments.some((s) => s === '..' || s === '.')) return `key "${key}" contains a "." or ".." segment`;
  if (segments.some((s) => s === '')) return `key "${key}" contains an empty path segment`;
  return undefined;
};

/** A key inside a registered product folder: its contract at the top, CSVs anywhere below, other files. */
export const classifyInFolder = (key: string, productId: string, folder: ProductFolder): ObjectKeyKind => {
  const relative = key.slice(folder.prefix.length);
  if ((CONTRACT_FILE_NAMES as readonly string[]).includes(relative))
    return { kind: 'contract', productId, folder };
  if (relative.toLowerCase().endsWith('.csv')) return { kind: 'csv', productId, folder };
  return { kind: 'other', productId, folder };
};

const printable = (key: string): string => JSON.stringify(key).slice(1, -1);
