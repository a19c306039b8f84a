/** What the publishing flow needs from a bucket. */
export interface ObjectStore {
  /** Metadata of an object, or undefined when it does not exist. */
  head(
    bucket: string,
    key: string,
    versionId?: string,
  ): Promise<{ size: number; etag?: string; lastModified?: Date } | undefined>;
  /** The object's bytes as a stream (never buffered whole). Throws ObjectNotFoundError when it is gone. */
  read(bucket: string, key: string, versionId?: string): Promise<AsyncIterable<Uint8Array>>;
  copy(
    from: { bucket: string; key: string; versionId?: string },
    to: { bucket: string; key: string },
  ): Promise<{ versionId?: string }>;
  putText(bucket: string, key: string, body: string, contentType: string): Promise<void>;
  delete(bucket: string, key: string, versionId?: string): Promise<void>;
}
