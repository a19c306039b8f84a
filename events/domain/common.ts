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

/** A product folder in a git data repo: `path` is the folder with a trailing `/` (`orders/`). */
export const GitLocationSchema = z.object({
  kind: z.literal('git'),
  /** `host:owner/name`, e.g. `github:acme/data` or `local:data`. */
  repository: z.string(),
  path: z.string(),
});

/** Where a product's files live: a bucket prefix, or a folder in the data repo. */
export const StorageLocationSchema = z.discriminatedUnion('kind', [S3LocationSchema, GitLocationSchema]);

export const S3ObjectRefSchema = z.object({
  bucket: z.string(),
  key: z.string(),
  versionId: z.optional(z.string()),
  etag: z.optional(z.string()),
});

/** A file of the data repo at one commit. */
export const GitFileRefSchema = z.object({
  repository: z.string(),
  path: z.string(),
  commit: z.string(),
});

/** The file an event is about: an object in a bucket or a file in the data repo (it has a `commit`). */
export const FileRefSchema = z.union([S3ObjectRefSchema, GitFileRefSchema]);

/** Who pushed, for events caused by a git push. */
export const ActorSchema = z.object({
  username: z.string(),
  email: z.optional(z.string()),
});

/** One difference between two versions of a product's schema (see `schema-diff.ts`). */
export const SchemaChangeSchema = z.object({
  kind: z.enum([
    'column-added',
    'column-removed',
    'column-renamed',
    'column-moved',
    'type-changed',
    'required-added',
    'required-removed',
    'unique-added',
    'unique-removed',
    'primary-key-changed',
    'constraint-tightened',
    'constraint-relaxed',
    'description-changed',
    'dialect-changed',
  ]),
  /** The column, or null for table-level changes (primary key, dialect). */
  column: z.nullable(z.string()),
  breaking: z.boolean(),
  /** What changed, for people: "type changed from integer to string". */
  message: z.string(),
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
