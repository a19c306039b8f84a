import type { FileRefSchema, GitFileRefSchema, StorageLocationSchema } from '../../events/domain/common';
import type * as z from '../shared/zod';

export type FileRef = z.infer<typeof FileRefSchema>;
export type GitFileRef = z.infer<typeof GitFileRefSchema>;
export type StorageLocation = z.infer<typeof StorageLocationSchema>;

export const isGitFile = (ref: FileRef): ref is GitFileRef => 'commit' in ref;

/** How errors name a file: its key in a bucket, or `path@commit` in the data repo. */
export const fileLabel = (ref: FileRef): string =>
  isGitFile(ref) ? `${ref.path}@${ref.commit.slice(0, 12)}` : ref.key;

export const locationUri = (location: StorageLocation): string =>
  location.kind === 's3'
    ? `s3://${location.bucket}/${location.prefix}`
    : `git://${location.repository}/${location.path}`;
