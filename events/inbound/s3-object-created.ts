import { defineEvent } from '../event-contract';
import * as z from '../zod';

/**
 * Amazon S3 `Object Created` through EventBridge notifications. `version-id` exists only in versioned buckets;
 * `sequencer` orders events for one key (right-pad with 0 and compare as strings).
 */
export const S3ObjectCreatedDetailSchema = z.object({
  version: z.string(),
  bucket: z.object({ name: z.string().check(z.minLength(3)) }),
  object: z.object({
    key: z.string().check(z.minLength(1)),
    size: z.optional(z.number().check(z.nonnegative())),
    etag: z.optional(z.string()),
    'version-id': z.optional(z.string()),
    sequencer: z.optional(z.string()),
  }),
  'request-id': z.string(),
  requester: z.string(),
  'source-ip-address': z.optional(z.string()),
  reason: z.optional(z.string()),
});

export const S3ObjectCreated = defineEvent({
  source: 'aws.s3',
  detailType: 'Object Created',
  detail: S3ObjectCreatedDetailSchema,
});

export type S3ObjectCreatedDetail = z.infer<typeof S3ObjectCreatedDetailSchema>;
