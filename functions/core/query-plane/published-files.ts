import { isGitFile } from '../file-ref';
import type { VersionRecord } from '../registry/records';
import { majorOf } from './table-names';

export interface PublishedFiles {
  /** `s3://bucket/key` of the current published files, by major contract version, sorted. */
  byMajor: Map<number, string[]>;
  /** Current published files in the data repo, which Athena cannot read. */
  gitFiles: string[];
  /** Every major any version was recorded under (old majors keep their tables, with fewer files). */
  majors: Set<number>;
}

const keyOf = (version: VersionRecord) =>
  isGitFile(version.object)
    ? `git:${version.object.repository}:${version.object.path}`
    : `s3:${version.object.bucket}/${version.object.key}`;

/**
 * The files a product's tables list: per object, its newest version, kept when it was published (a newer,
 * quarantined upload of the same key means the key no longer holds a good file). A manifest names a path, not an
 * object version — Athena reads the latest version of an object — so one line per key is what it can express.
 */
export const publishedFiles = (versions: readonly VersionRecord[]): PublishedFiles => {
  const newest = new Map<string, VersionRecord>();
  const majors = new Set<number>();
  for (const version of [...versions].sort((a, b) => a.recordedAt.localeCompare(b.recordedAt))) {
    newest.set(keyOf(version), version);
    const major = majorOf(version.contractVersion);
    if (major !== undefined) majors.add(major);
  }
  const byMajor = new Map<number, string[]>();
  const gitFiles: string[] = [];
  for (const version of newest.values()) {
    if (version.verdict !== 'published') continue;
    const { object } = version;
    if (isGitFile(object)) {
      gitFiles.push(`${object.repository}:${object.path}@${object.commit}`);
      continue;
    }
    const major = majorOf(version.contractVersion);
    if (major === undefined) continue;
    byMajor.set(major, [...(byMajor.get(major) ?? []), `s3://${object.bucket}/${object.key}`]);
  }
  for (const files of byMajor.values()) files.sort();
  return { byMajor, gitFiles: gitFiles.sort(), majors };
};

/** A symlink manifest: one path per line. */
export const manifestText = (files: readonly string[]): string => files.map((f) => `${f}\n`).join('');
