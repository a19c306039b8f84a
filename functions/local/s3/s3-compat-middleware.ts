import type { IncomingMessage } from 'node:http';
import { AwsChunkedDecoder } from './aws-chunked-decoder';

interface KoaLikeContext {
  querystring: string;
  req: IncomingMessage;
  request: { req: IncomingMessage };
  headers: IncomingMessage['headers'];
}

const isAwsChunked = (headers: IncomingMessage['headers']) =>
  String(headers['content-encoding'] ?? '').includes('aws-chunked') ||
  String(headers['x-amz-content-sha256'] ?? '').startsWith('STREAMING-');

/**
 * Brings today's S3 clients and s3rver (an S3-compatible server from before flexible checksums) to agree:
 * streaming uploads are de-chunked, and `x-amz-copy-source` is re-spelled so that s3rver's `decodeURI` yields
 * the real key even when it contains `+`, `/` escapes or other reserved characters. A listing never asks
 * s3rver for fewer keys than it holds: its continuation tokens use DES, which OpenSSL 3 refuses, so a
 * truncated page is an internal error (a listing then returns up to 1,000 keys, more than asked, never fewer).
 */
export const s3CompatMiddleware = async (ctx: KoaLikeContext, next: () => Promise<unknown>) => {
  const query = new URLSearchParams(ctx.querystring);
  if (query.has('list-type') && query.has('max-keys')) {
    query.delete('max-keys');
    ctx.querystring = query.toString();
  }
  const headers = ctx.req.headers;
  const copySource = headers['x-amz-copy-source'];
  if (typeof copySource === 'string') {
    const [path = '', query] = copySource.split('?');
    let decoded = path;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      // leave it as sent; s3rver answers with its own error
    }
    headers['x-amz-copy-source'] = encodeURI(decoded) + (query ? `?${query}` : '');
  }
  if (isAwsChunked(headers)) {
    const decodedLength = headers['x-amz-decoded-content-length'];
    const decoder = new AwsChunkedDecoder();
    const original = ctx.req;
    original.pipe(decoder);
    original.on('error', (error) => decoder.destroy(error));
    const encoding = String(headers['content-encoding'] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s && s !== 'aws-chunked')
      .join(',');
    if (encoding) headers['content-encoding'] = encoding;
    else delete headers['content-encoding'];
    if (decodedLength !== undefined) headers['content-length'] = String(decodedLength);
    delete headers['x-amz-decoded-content-length'];
    headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
    // s3rver reads the body from ctx.req and the headers through it: hand it the decoded stream dressed as one.
    const dressed = Object.assign(decoder, {
      headers,
      method: original.method,
      url: original.url,
      socket: original.socket,
      connection: original.socket,
      httpVersion: original.httpVersion,
      httpVersionMajor: original.httpVersionMajor,
      httpVersionMinor: original.httpVersionMinor,
    }) as unknown as IncomingMessage;
    ctx.req = dressed;
    ctx.request.req = dressed;
  }
  await next();
};
