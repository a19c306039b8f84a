import { CatalogRejectedError } from '../../ports/catalog';
import type { StorageLocation } from '../registry/records';

/**
 * DataHub URNs for the platform's entities (see ../shared/reference/datahub/README.md §3).
 *
 * Escaping, component by component, exactly as DataHub's own Python SDK does (`urn_encoder.py`:
 * `UrnEncoder.encode_string`, applied by every generated URN class): the reserved characters `,` `(` `)` become
 * `%2C` `%28` `%29`. Everything else stays as it is — spaces inside a name, `/`, `:`, `%`, non-ASCII letters —
 * so a bucket prefix gets the very urn DataHub's S3 connector gives it. Two more things GMS refuses outright
 * (`UrnValidationUtil.validateUrn`) are percent-encoded the same way (UTF-8 bytes): U+241F `␟` anywhere, and
 * whitespace at either end of a component. An empty component, or a urn longer than GMS's 512-byte limit
 * (measured URL-encoded, as GMS does), is refused with a CatalogRejectedError: DataHub would reject it too, and
 * a retry cannot help.
 */

/** DataHub's `FabricType` symbols: the third part of a dataset urn. */
export const FABRIC_TYPES = [
  'DEV',
  'TEST',
  'QA',
  'UAT',
  'EI',
  'PRE',
  'STG',
  'NON_PROD',
  'PROD',
  'CORP',
  'RVW',
  'PRD',
  'TST',
  'SIT',
  'SBX',
  'SANDBOX',
] as const;

export type FabricType = (typeof FABRIC_TYPES)[number];

/** DataHub's built-in platform for S3 (`urn:li:dataPlatform:s3`). */
export const S3_PLATFORM = 's3';

/**
 * The platform of datasets in a git data repo. DataHub has no built-in git platform; an unknown platform name
 * is accepted (it shows without a logo). `git` is host-neutral: the host is already the first part of the
 * dataset name (`github:acme/data/orders`), so GitHub, GitLab, Gitea and the local repo share one platform.
 */
export const GIT_PLATFORM = 'git';

/** GMS refuses urns whose URL-encoded form is longer than this (schemaField urns excepted). */
export const MAX_URN_BYTES = 512;

const RESERVED: Record<string, string> = { ',': '%2C', '(': '%28', ')': '%29', '\u241f': '%E2%90%9F' };

/** One urn component, escaped as described above. */
export const encodeUrnComponent = (value: string): string => {
  if (value.length === 0) throw new CatalogRejectedError('a DataHub urn component cannot be empty', 400);
  const escaped = value.replace(/[,()\u241f]/g, (c) => RESERVED[c] ?? c);
  // Whitespace at the ends (not trimmed: `a ` and `a` are different S3 prefixes).
  const leading = /^\s+/u.exec(escaped)?.[0] ?? '';
  const rest = escaped.slice(leading.length);
  const trailing = /\s+$/u.exec(rest)?.[0] ?? '';
  const middle = rest.slice(0, rest.length - trailing.length);
  return `${encodeURIComponent(leading)}${middle}${encodeURIComponent(trailing)}`;
};

/** The length GMS measures: `java.net.URLEncoder.encode(urn, UTF_8)` (space → `+`, others → `%XX` per byte). */
export const urlEncodedLength = (urn: string): number => {
  let length = 0;
  for (const byte of new TextEncoder().encode(urn)) {
    const safe =
      (byte >= 0x30 && byte <= 0x39) ||
      (byte >= 0x41 && byte <= 0x5a) ||
      (byte >= 0x61 && byte <= 0x7a) ||
      byte === 0x2e ||
      byte === 0x2d ||
      byte === 0x2a ||
      byte === 0x5f ||
      byte === 0x20;
    length += safe ? 1 : 3;
  }
  return length;
};

const checked = (urn: string): string => {
  const length = urlEncodedLength(urn);
  if (length > MAX_URN_BYTES)
    throw new CatalogRejectedError(
      `the DataHub urn ${urn.slice(0, 120)}… is ${length} bytes URL-encoded; GMS accepts at most ${MAX_URN_BYTES}`,
      400,
    );
  return urn;
};

/** `PROD`, `prod` → `PROD` (DataHub's SDK upper-cases the env too); anything else is a configuration error. */
export const fabricType = (env: string): FabricType => {
  const upper = env.trim().toUpperCase();
  const found = FABRIC_TYPES.find((t) => t === upper);
  if (!found)
    throw new Error(
      `DataHub env ${JSON.stringify(env)} is not a FabricType (one of ${FABRIC_TYPES.join(', ')})`,
    );
  return found;
};

export const dataPlatformUrn = (platform: string): string =>
  checked(`urn:li:dataPlatform:${encodeUrnComponent(platform)}`);

export const datasetUrn = (platform: string, name: string, env: string): string =>
  checked(`urn:li:dataset:(${dataPlatformUrn(platform)},${encodeUrnComponent(name)},${fabricType(env)})`);

export const dataProductUrn = (productId: string): string =>
  checked(`urn:li:dataProduct:${encodeUrnComponent(productId)}`);

export const domainUrn = (domain: string): string => checked(`urn:li:domain:${encodeUrnComponent(domain)}`);

export const corpGroupUrn = (team: string): string => checked(`urn:li:corpGroup:${encodeUrnComponent(team)}`);

export const corpUserUrn = (user: string): string => checked(`urn:li:corpuser:${encodeUrnComponent(user)}`);

export const tagUrn = (tag: string): string => checked(`urn:li:tag:${encodeUrnComponent(tag)}`);

/** The DataHub platform of a storage location: `s3`, or `git` for a folder of the data repo. */
export const locationPlatform = (location: StorageLocation): string =>
  location.kind === 's3' ? S3_PLATFORM : GIT_PLATFORM;

/**
 * The dataset name of a storage location, before escaping: S3 as DataHub's S3 connector names it
 * (`<bucket>/<prefix>` without the trailing slash, the bucket alone for an empty prefix); git as
 * `<repository>/<folder>` (`github:acme/data/orders`, the repository alone for the root folder).
 */
export const locationDatasetName = (location: StorageLocation): string => {
  const [root, folder] =
    location.kind === 's3' ? [location.bucket, location.prefix] : [location.repository, location.path];
  const trimmed = folder.replace(/\/+$/, '');
  return trimmed ? `${root}/${trimmed}` : root;
};

/** `urn:li:dataset:(urn:li:dataPlatform:s3,<bucket>/<prefix>,PROD)` or `…(urn:li:dataPlatform:git,<repo>/<folder>,PROD)`. */
export const locationDatasetUrn = (location: StorageLocation, env: string): string =>
  datasetUrn(locationPlatform(location), locationDatasetName(location), env);
