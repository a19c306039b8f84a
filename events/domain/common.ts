import * as z from '../zod';

/** The platform's own event source on the bus. */
export const PLATFORM_SOURCE = 'datamesh.platform';

/** Carried by every domain event: its id, the product, and the inbound event it came from. */
export const EventMetadataSchema = z.object({
  /** Deterministic: a redelivered inbound event yields the same id, so consumers can de-duplicate. */
  eventId: z.string(),
  productId: z.string(),
  /** The id of the inbound event (S3 notification or git push) that caused this event. */
  correlationId: z.string(),
  occurredAt: z.iso.datetime({ offset: true }),
});

export const S3LocationSchema = z.object({
  kind: z.literal('s3'),
  bucket: z.string(),
  prefix: z.string(),
});

export const S3ObjectRefSchema = z.object({
  bucket: z.string(),
  key: z.string(),
  versionId: z.optional(z.string()),
  etag: z.optional(z.string()),
});

export const ProductSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  domain: z.optional(z.string()),
  ownerTeam: z.string(),
  status: z.string(),
  contractVersion: z.string(),
});

export const CsvErrorSchema = z.object({
  /** 1-based line of the record in the file (the header is line 1). */
  row: z.number(),
  /** Column name, or null for row-level errors (ragged rows, bad quoting). */
  column: z.nullable(z.string()),
  /** The offending value, truncated. */
  value: z.nullable(z.string()),
  rule: z.string(),
  message: z.string(),
});

export const ProblemDetailSchema = z.object({ path: z.string(), message: z.string() });
