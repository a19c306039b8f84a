/** Glue accepts names up to 255 characters; Athena reads them lowercase, made of letters, digits and `_`. */
export const MAX_NAME_LENGTH = 255;

/**
 * A Glue/Athena name for any text: lowercase, every character outside `[a-z0-9_]` becomes `_` (so `sales.orders`
 * and `sales-orders` share a name: product ids never differ only by those), and a name that does not start with
 * a letter gets `prefix` (Athena needs quotes around names that start with a digit, backticks around `_`).
 */
export const sanitizeName = (raw: string, prefix = 't_'): string => {
  const cleaned = raw.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const named = /^[a-z]/.test(cleaned) ? cleaned : `${prefix}${cleaned}`;
  return named.slice(0, MAX_NAME_LENGTH);
};

/** One database per domain; products without a domain share `<prefix>_default`. */
export const databaseName = (prefix: string, domain: string | undefined): string =>
  sanitizeName(`${prefix}_${domain?.trim() ? domain : 'default'}`, 'd_');

/** The major of a semantic version (`2.1.0` → 2, `v3` → 3), or undefined when it has none. */
export const majorOf = (version: string): number | undefined => {
  const digits = /^v?(\d+)/.exec(version.trim())?.[1];
  return digits === undefined ? undefined : Number(digits);
};

/** The table of one major contract version: `sales.orders` v2 → `sales_orders_v2`. */
export const majorTableName = (productId: string, major: number): string => {
  const suffix = `_v${major}`;
  return `${sanitizeName(productId).slice(0, MAX_NAME_LENGTH - suffix.length)}${suffix}`;
};

/** The stable view consumers query: it always selects from the newest major's table. */
export const viewName = (productId: string): string => sanitizeName(productId);

/** Where a table's symlink manifest lives: the folder is the table's location, `manifest` the one file in it. */
export const manifestFolderKey = (database: string, table: string): string =>
  `manifests/${database}/${table}/`;

export const manifestKey = (database: string, table: string): string =>
  `${manifestFolderKey(database, table)}manifest`;
