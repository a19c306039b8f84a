import { FileRefSchema, StorageLocationSchema } from '../../../events/domain/common';
import * as z from '../../shared/zod';
import { DataContractSchema } from '../contracts/data-contract';

export { StorageLocationSchema };

/** An ODPS input port: an upstream product, named by its contract id (or by product id as the port name). */
export const InputPortSchema = z.object({ name: z.string(), version: z.string(), contractId: z.string() });

/**
 * The announcement of the write that made a product record, kept in the record itself: written in the same
 * conditional write as the change, it is the change's outbox. A retry of the same cause (its events were not
 * sent) finds the change already made and sends these again instead of nothing.
 */
export const LastChangeSchema = z.object({
  /** What caused the change: an object event's idempotency key, a pushed file (EventFactory.origin). */
  origin: z.string(),
  events: z.array(z.object({ detailType: z.string(), detail: z.unknown() })),
  /** The servers the contract declared before: a retry settles the storage change again from them. */
  previousServers: z.optional(DataContractSchema.shape.servers),
});

export const ProductRecordSchema = z.object({
  id: z.string(),
  name: z.string(),
  domain: z.optional(z.string()),
  ownerTeam: z.string(),
  status: z.string(),
  contract: DataContractSchema,
  contractVersion: z.string(),
  /** sha256 of the contract file as uploaded, to tell a re-upload from a change. */
  contractSha256: z.string(),
  contractObject: FileRefSchema,
  /** Registered from a `data_catalog.csv` row: no contract, a schema inferred from the CSV header. */
  uncontracted: z.optional(z.boolean()),
  /** From the folder's `dataproduct.yaml` (ODPS), when it has one. */
  inputPorts: z.optional(z.array(InputPortSchema)),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Optimistic-concurrency counter: every write is conditional on the revision it read. */
  revision: z.number(),
  lastChange: z.optional(LastChangeSchema),
});

export const VerdictSchema = z.enum(['published', 'quarantined']);

/** One accepted or quarantined file: append-only provenance. */
export const VersionRecordSchema = z.object({
  productId: z.string(),
  versionId: z.string(),
  location: StorageLocationSchema,
  object: FileRefSchema,
  size: z.number(),
  sha256: z.string(),
  rows: z.number(),
  contractVersion: z.string(),
  verdict: VerdictSchema,
  errorCount: z.number(),
  quarantinedAs: z.optional(FileRefSchema),
  /** When the object was written (the S3 event time), so the history sorts by upload order. */
  recordedAt: z.string(),
  /** Who wrote the object (S3 requester). */
  recordedBy: z.string(),
});

export type StorageLocation = z.infer<typeof StorageLocationSchema>;
export type InputPort = z.infer<typeof InputPortSchema>;
export type ProductRecord = z.infer<typeof ProductRecordSchema>;
export type LastChange = z.infer<typeof LastChangeSchema>;
export type VersionRecord = z.infer<typeof VersionRecordSchema>;
export type Verdict = z.infer<typeof VerdictSchema>;

export { locationUri } from '../file-ref';
