import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { LocationProbe, LocationProber } from '../../ports/location-probe';

type SourceData = string | ArrayBuffer | ArrayBufferView;

const bytes = (data: SourceData): string | Uint8Array =>
  typeof data === 'string'
    ? data
    : ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);

const encodeRfc3986 = (value: string) =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** SHA-256 (or HMAC-SHA-256 with a key) from node:crypto, in the shape the SigV4 signer asks for. */
class Sha256 {
  private hash: Hash | Hmac;
  private readonly secret: string | Uint8Array | undefined;
  constructor(secret?: SourceData) {
    this.secret = secret === undefined ? undefined : bytes(secret);
    this.hash = this.fresh();
  }
  private fresh() {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', this.secret);
  }
  update(data: SourceData) {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset() {
    this.hash = this.fresh();
  }
}

export interface S3LocationProbeOptions {
  region: string;
  credentials: () => { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** An S3-compatible endpoint (the local server); default: the region's S3 endpoint. */
  endpoint?: string;
  forcePathStyle?: boolean;
  timeoutMs?: number;
}

/**
 * Whether the platform may list a bucket prefix, with one SigV4-signed `ListObjectsV2` over HTTPS. Functions
 * need this one S3 call at most; the S3 client would add the listing's schemas to every bundle that uses it,
 * and ~130 KB to the push processor's, past the bundle budget.
 */
export class S3LocationProbe implements LocationProber {
  private readonly signer: SignatureV4;

  constructor(private readonly options: S3LocationProbeOptions) {
    this.signer = new SignatureV4({
      service: 's3',
      region: options.region,
      credentials: async () => options.credentials(),
      sha256: Sha256,
      // S3 signs the path as sent (no double encoding) and wants the payload hash header.
      uriEscapePath: false,
      applyChecksum: true,
    });
  }

  async probe(bucket: string, prefix: string, expectedOwner?: string): Promise<LocationProbe> {
    const url = this.urlFor(bucket);
    const query = { 'list-type': '2', prefix, 'max-keys': '1' };
    const signed = await this.signer.sign({
      method: 'GET',
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query,
      // S3 refuses (403) a request for a bucket another account owns: a stack registers its own buckets only.
      headers: { host: url.host, ...(expectedOwner ? { 'x-amz-expected-bucket-owner': expectedOwner } : {}) },
    });
    // RFC 3986 encoding, as the signer canonicalises it (URLSearchParams would send a space as `+`).
    const target = new URL(
      `${url.href}?${Object.entries(query)
        .map(([name, value]) => `${name}=${encodeRfc3986(value)}`)
        .join('&')}`,
    );
    const response = await fetch(target, {
      headers: signed.headers,
      redirect: 'manual',
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
    });
    const body = await response.text();
    if (response.ok) {
      const count = /<KeyCount>(\d+)<\/KeyCount>/.exec(body)?.[1];
      return { readable: true, hasObjects: Number(count ?? (body.includes('<Contents>') ? 1 : 0)) > 0 };
    }
    const code = /<Code>([^<]+)<\/Code>/.exec(body)?.[1] ?? '';
    if (code === 'NoSuchBucket' || response.status === 404) {
      return { readable: false, reason: `bucket "${bucket}" does not exist (or is in another region)` };
    }
    if (code === 'AccessDenied' || response.status === 403) {
      return {
        readable: false,
        reason: `access denied listing s3://${bucket}/${prefix}: ${expectedOwner ? `the bucket must belong to account ${expectedOwner}, and ` : ''}the bucket policy must allow the platform's functions s3:ListBucket and s3:GetObject* (the ProducerBucket construct grants both)`,
      };
    }
    if (code === 'PermanentRedirect' || response.status === 301) {
      return { readable: false, reason: `bucket "${bucket}" is in another region than the platform` };
    }
    throw new Error(`listing s3://${bucket}/${prefix} failed: ${response.status} ${code}`.trim());
  }

  /** Virtual-hosted addressing, or path-style for a local endpoint and for dotted names (TLS wildcard). */
  private urlFor(bucket: string): URL {
    const { endpoint, region } = this.options;
    const base = new URL(endpoint ?? `https://s3.${region}.amazonaws.com`);
    if (this.options.forcePathStyle || endpoint !== undefined || bucket.includes('.')) {
      return new URL(`${base.origin}/${encodeURIComponent(bucket)}`);
    }
    return new URL(`${base.protocol}//${bucket}.${base.host}/`);
  }
}
