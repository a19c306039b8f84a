import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import S3rver from 's3rver';
import type { EventBridgeEnvelope } from '../../../events/event-contract';
import { S3ObjectCreated } from '../../../events/inbound/s3-object-created';
import * as z from '../../shared/zod';
import { listenOnLoopback } from '../listen-on-loopback';
import { s3CompatMiddleware } from './s3-compat-middleware';

/** The slice of s3rver's classic notification record this bridge reads. */
const S3rverRecordSchema = z.object({
  eventName: z.string(),
  eventTime: z.string(),
  requestParameters: z.object({ sourceIPAddress: z.optional(z.string()) }),
  responseElements: z.record(z.string(), z.string()),
  s3: z.object({
    bucket: z.object({ name: z.string() }),
    object: z.object({ key: z.string(), size: z.optional(z.number()), eTag: z.optional(z.string()) }),
  }),
});
const S3rverEventSchema = z.object({ Records: z.array(S3rverRecordSchema) });

const REASONS: Record<string, string> = {
  'ObjectCreated:Put': 'PutObject',
  'ObjectCreated:Post': 'POST Object',
  'ObjectCreated:Copy': 'CopyObject',
  'ObjectCreated:CompleteMultipartUpload': 'CompleteMultipartUpload',
};

export interface LocalS3Options {
  port: number;
  directory: string;
  buckets: string[];
  account: string;
  region: string;
  /** Receives every `Object Created` event, shaped exactly as S3 sends it to EventBridge. */
  onObjectCreated: (event: EventBridgeEnvelope) => void;
}

/**
 * Local servers accept any credentials (there is nothing to protect on 127.0.0.1): s3rver knows a single key
 * pair, so unknown access key ids are mapped to its one account. It does not check SigV4 signatures anyway.
 */
const acceptAnyAccessKey = () => {
  const accounts = createRequire(import.meta.url)('s3rver/lib/models/account') as {
    registry: Map<string, unknown>;
    DUMMY_ACCOUNT: unknown;
  };
  const { registry, DUMMY_ACCOUNT } = accounts;
  registry.get = (accessKeyId: string) => Map.prototype.get.call(registry, accessKeyId) ?? DUMMY_ACCOUNT;
};

/**
 * An S3-compatible server (s3rver) whose object notifications are turned into the EventBridge
 * `Object Created` shape, as S3's EventBridge integration does on AWS.
 */
export const startLocalS3 = async (options: LocalS3Options) => {
  acceptAnyAccessKey();
  const server = new S3rver({
    port: options.port,
    address: '127.0.0.1',
    silent: true,
    directory: options.directory,
    configureBuckets: options.buckets.map((name) => ({ name, configs: [] })),
    allowMismatchedSignatures: true,
  });
  // Koa composes middleware at listen time: put the compatibility layer in front of s3rver's own.
  (server as unknown as { middleware: unknown[] }).middleware.unshift(s3CompatMiddleware);
  const sequencer = sequencerSource();
  server.on('event', (raw: unknown) => {
    const parsed = S3rverEventSchema.safeParse(raw);
    if (!parsed.success) return;
    for (const record of parsed.data.Records) {
      if (!record.eventName.startsWith('ObjectCreated:')) continue;
      const detail = S3ObjectCreated.detail.parse({
        version: '0',
        bucket: { name: record.s3.bucket.name },
        object: {
          key: record.s3.object.key,
          size: record.s3.object.size ?? 0,
          ...(record.s3.object.eTag ? { etag: record.s3.object.eTag } : {}),
          sequencer: sequencer(),
        },
        'request-id': record.responseElements['x-amz-request-id'] ?? randomUUID(),
        requester: options.account,
        'source-ip-address': record.requestParameters.sourceIPAddress ?? '127.0.0.1',
        reason: REASONS[record.eventName] ?? 'PutObject',
      });
      options.onObjectCreated({
        version: '0',
        id: randomUUID(),
        'detail-type': S3ObjectCreated.detailType,
        source: S3ObjectCreated.source,
        account: options.account,
        time: `${record.eventTime.slice(0, 19)}Z`,
        region: options.region,
        resources: [`arn:aws:s3:::${record.s3.bucket.name}`],
        detail,
      });
    }
  });
  // s3rver never reports a failed listen (its promise hangs and the error escapes): probe the port first.
  await assertPortFree(options.port);
  const address = await server.run();
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    port: address.port,
    close: () => server.close(),
  };
};

/**
 * Sequencers must grow per key across restarts; s3rver's own are milliseconds only, so two writes in one
 * millisecond would tie. Milliseconds plus a counter, in fixed-width hex, keep strict order.
 */
const sequencerSource = () => {
  let last = 0n;
  return () => {
    const candidate = BigInt(Date.now()) << 16n;
    last = candidate > last ? candidate : last + 1n;
    return last.toString(16).toUpperCase().padStart(16, '0');
  };
};

const assertPortFree = async (port: number) => {
  if (port === 0) return;
  await (await listenOnLoopback(createServer(), port)).close();
};
