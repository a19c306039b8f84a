import { Transform, type TransformCallback } from 'node:stream';

/**
 * Decodes the `aws-chunked` content encoding that current AWS SDKs and the AWS CLI use for streaming uploads
 * (`<hex size>[;chunk-signature=…]\r\n<bytes>\r\n … 0\r\n<trailers>\r\n`), so the local S3 server stores the
 * object's bytes rather than the framing.
 */
export class AwsChunkedDecoder extends Transform {
  private buffer: Buffer = Buffer.alloc(0);
  private remaining = 0;
  private state: 'size' | 'data' | 'data-end' | 'trailers' | 'done' = 'size';

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    try {
      this.drain();
      done();
    } catch (error) {
      done(error as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    if (this.state === 'data' || this.state === 'data-end') {
      done(new Error('aws-chunked body ended inside a chunk'));
      return;
    }
    done();
  }

  private drain(): void {
    while (this.buffer.length > 0 && this.state !== 'done') {
      if (this.state === 'data') {
        const take = Math.min(this.remaining, this.buffer.length);
        this.push(this.buffer.subarray(0, take));
        this.buffer = this.buffer.subarray(take);
        this.remaining -= take;
        if (this.remaining === 0) this.state = 'data-end';
        continue;
      }
      const eol = this.buffer.indexOf('\r\n');
      if (eol === -1) return;
      const line = this.buffer.subarray(0, eol).toString('latin1');
      this.buffer = this.buffer.subarray(eol + 2);
      if (this.state === 'data-end') {
        if (line !== '') throw new Error('aws-chunked: missing CRLF after chunk data');
        this.state = 'size';
      } else if (this.state === 'size') {
        const size = Number.parseInt(line.split(';')[0] ?? '', 16);
        if (!Number.isFinite(size) || size < 0) throw new Error(`aws-chunked: bad chunk size line "${line}"`);
        if (size === 0) this.state = 'trailers';
        else {
          this.remaining = size;
          this.state = 'data';
        }
      } else if (this.state === 'trailers' && line === '') {
        this.state = 'done';
      }
    }
  }
}
