import { QUARANTINE_PREFIX } from '../../../events/object-keys';
import type { DataContract } from '../contracts/data-contract';
import type { Problem } from '../problem';
import type { StorageLocation } from '../registry/records';

export type S3Location = Extract<StorageLocation, { kind: 's3' }>;

/** A location a contract declares, with the contract path that declares it (for errors). */
export interface DeclaredLocation {
  location: S3Location;
  path: string;
}

export const sameLocation = (a: StorageLocation, b: StorageLocation): boolean =>
  a.kind === 's3' && b.kind === 's3'
    ? a.bucket === b.bucket && a.prefix === b.prefix
    : a.kind === 'git' && b.kind === 'git' && a.repository === b.repository && a.path === b.path;

/** S3 bucket naming rules (general purpose buckets): 3–63 lowercase letters, digits, dots and hyphens. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * The S3 locations a contract declares as its servers (`type: s3`, `location: s3://bucket/prefix/`), which
 * the platform registers for the product beside its folder. A trailing file glob (`s3://b/orders/*.csv`, as
 * ODCS examples write it) names the folder it is in. Every malformed entry is reported with its path.
 */
export const declaredS3Locations = (
  contract: Pick<DataContract, 'servers'>,
): { ok: true; locations: DeclaredLocation[] } | { ok: false; problems: Problem[] } => {
  const locations: DeclaredLocation[] = [];
  const problems: Problem[] = [];
  contract.servers.forEach((server, index) => {
    if (server.type.toLowerCase() !== 's3') return;
    const path = `servers[${index}].location`;
    if (!server.location) {
      problems.push({ path, message: 'an s3 server needs a location (s3://bucket/prefix/)' });
      return;
    }
    const parsed = parseS3Uri(server.location);
    if (typeof parsed === 'string') problems.push({ path, message: parsed });
    else if (!locations.some((l) => sameLocation(l.location, parsed)))
      locations.push({ location: parsed, path });
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, locations };
};

/** `s3://bucket/some/prefix/` → the location, or why it is not one. */
export const parseS3Uri = (uri: string): S3Location | string => {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri.trim());
  if (!match) return `"${uri}" is not an s3:// URI (s3://bucket/prefix/)`;
  const [, bucket = '', rawPath = ''] = match;
  if (!BUCKET_NAME.test(bucket) || bucket.includes('..')) return `"${bucket}" is not a valid S3 bucket name`;
  const segments = rawPath.split('/').filter((segment, i, all) => segment !== '' || i < all.length - 1);
  // A glob names files; the location is the folder holding them.
  if (segments.length > 0 && segments[segments.length - 1]?.includes('*')) segments.pop();
  if (segments.some((s) => s.includes('*'))) return `"${uri}": only the last path segment may be a glob`;
  if (segments.some((s) => s === '' || s === '.' || s === '..'))
    return `"${uri}" has an empty, "." or ".." path segment`;
  if (segments.length === 0)
    return `"${uri}" names a whole bucket: give the product its own prefix (s3://${bucket}/<folder>/)`;
  if (`${segments[0]}/` === QUARANTINE_PREFIX)
    return `"${uri}" is inside ${QUARANTINE_PREFIX}, where the platform moves files that failed validation`;
  return { kind: 's3', bucket, prefix: `${segments.join('/')}/` };
};
