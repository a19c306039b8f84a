import { CONTRACT_FILE_NAMES, QUARANTINE_PREFIX } from '../../../events/rules';
import { PRODUCT_ID_PATTERN } from '../contracts/data-contract';

export type ObjectKeyKind =
  | { kind: 'quarantined' }
  | { kind: 'invalid'; productId: string; message: string }
  | { kind: 'contract'; productId: string }
  | { kind: 'csv'; productId: string }
  | { kind: 'other'; productId: string };

/**
 * Reads the folder convention from an object key: `<product-id>/datacontract.yaml` is the contract and
 * `<product-id>/**\/*.csv` are data files. Keys that could escape or confuse a folder (`..`, empty segments,
 * control characters) are refused rather than normalised, so what is registered is exactly what was uploaded.
 */
export const classifyObjectKey = (key: string): ObjectKeyKind => {
  if (key.startsWith(QUARANTINE_PREFIX)) return { kind: 'quarantined' };
  const segments = key.split('/');
  const productId = segments[0] ?? '';
  const invalid = (message: string): ObjectKeyKind => ({ kind: 'invalid', productId, message });
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f]/.test(key))
    return invalid(`key "${printable(key)}" contains control characters`);
  if (segments.length < 2) return invalid(`key "${key}" is not inside a product folder (<product-id>/…)`);
  if (segments.some((s) => s === '..' || s === '.'))
    return invalid(`key "${key}" contains a "." or ".." segment`);
  if (segments.some((s) => s === '')) return invalid(`key "${key}" contains an empty path segment`);
  if (!PRODUCT_ID_PATTERN.test(productId)) {
    return invalid(
      `folder "${productId}" is not a valid product id (lowercase letters, digits and dashes, optionally dotted by domain)`,
    );
  }
  const fileName = segments[segments.length - 1] ?? '';
  if (segments.length === 2 && (CONTRACT_FILE_NAMES as readonly string[]).includes(fileName)) {
    return { kind: 'contract', productId };
  }
  if (fileName.toLowerCase().endsWith('.csv')) return { kind: 'csv', productId };
  return { kind: 'other', productId };
};

const printable = (key: string): string => JSON.stringify(key).slice(1, -1);
