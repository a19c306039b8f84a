import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { ObjectNotFoundError } from '../../core/errors';
import type { ObjectStore } from '../../ports/object-store';

const isAsyncIterable = (value: unknown): value is AsyncIterable<Uint8Array> =>
  typeof value === 'object' && value !== null && Symbol.asyncIterator in value;

const isNotFound = (error: unknown) =>
  error instanceof NoSuchKey ||
  error instanceof NotFound ||
  (error instanceof Error && 'name' in error && (error.name === 'NoSuchKey' || error.name === 'NotFound'));

/** CopySource is `bucket/key` URL-encoded, with `/` kept as the separator. */
const copySource = (bucket: string, key: string, versionId?: string) =>
  `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}${versionId ? `?versionId=${encodeURIComponent(versionId)}` : ''}`;

export class S3ObjectStore implements ObjectStore {
  constructor(private readonly client: S3Client) {}

  async head(bucket: string, key: string, versionId?: string) {
    try {
      const out = await this.client.send(
        new HeadObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }),
      );
      return {
        size: out.ContentLength ?? 0,
        etag: out.ETag?.replaceAll('"', ''),
        lastModified: out.LastModified,
      };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async read(bucket: string, key: string, versionId?: string): Promise<AsyncIterable<Uint8Array>> {
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }),
      );
      if (!isAsyncIterable(out.Body))
        throw new Error(`s3://${bucket}/${key}: the response body is not a stream`);
      return out.Body;
    } catch (error) {
      if (isNotFound(error)) throw new ObjectNotFoundError(`s3://${bucket}/${key} does not exist`);
      throw error;
    }
  }

  async copy(from: { bucket: string; key: string; versionId?: string }, to: { bucket: string; key: string }) {
    const out = await this.client.send(
      new CopyObjectCommand({
        Bucket: to.bucket,
        Key: to.key,
        CopySource: copySource(from.bucket, from.key, from.versionId),
      }),
    );
    return out.VersionId ? { versionId: out.VersionId } : {};
  }

  async putText(bucket: string, key: string, body: string, contentType: string) {
    await this.client.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }),
    );
  }

  async delete(bucket: string, key: string, versionId?: string) {
    await this.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
  }
}
