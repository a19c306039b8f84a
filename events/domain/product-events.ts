import { defineEvent } from '../event-contract';
import * as z from '../zod';
import {
  ActorSchema,
  CsvErrorSchema,
  EventMetadataSchema,
  FileRefSchema,
  PLATFORM_SOURCE,
  ProblemDetailSchema,
  ProductSummarySchema,
  SchemaChangeSchema,
  StorageLocationSchema,
} from './common';

export const DataProductRegistered = defineEvent({
  source: PLATFORM_SOURCE,
  detailType: 'Data Product Registered',
  detail: z.object({
    metadata: EventMetadataSchema,
    product: ProductSummarySchema,
    location: StorageLocationSchema,
    contract: FileRefSchema,
  }),
});

export const DataProductUpdated = defineEvent({
  source: PLATFORM_SOURCE,
  detailType: 'Data Product Updated',
  detail: z.object({
    metadata: EventMetadataSchema,
    product: ProductSummarySchema,
    previousContractVersion: z.string(),
    location: StorageLocationSchema,
    contract: FileRefSchema,
  }),
});

export const RejectionReasonSchema = z.enum([
  'invalid-contract',
  'unknown-product',
  'no-contract',
  'invalid-key',
  'location-conflict',
  /** A git push by someone who is not a member of the product's owner team. */
  'not-owner',
  /** A breaking schema change without a new major contract version. */
  'breaking-change',
  /** Two folders (or a folder and the catalog) claim one product id. */
  'product-id-clash',
  /** The folder's `dataproduct.yaml` (ODPS) cannot be read. */
  'invalid-descriptor',
  /** A storage location the contract declares (`servers`, type s3) that the platform cannot read. */
  'location-unreadable',
]);

export const DataProductRejected = defineEvent({
  source: PLATFORM_SOURCE,
  detailType: 'Data Product Rejected',
  detail: z.object({
    metadata: EventMetadataSchema,
    reason: RejectionReasonSchema,
    /** Human summary, e.g. "datacontract.yaml has 3 problems". */
    message: z.string(),
    object: FileRefSchema,
    errors: z.array(ProblemDetailSchema),
    /** Who pushed, when a git push caused the rejection. */
    actor: z.optional(ActorSchema),
  }),
});

export const DataProductVersionPublished = defineEvent({
  source: PLATFORM_SOURCE,
  detailType: 'Data Product Version Published',
  detail: z.object({
    metadata: EventMetadataSchema,
    version: z.object({
      versionId: z.string(),
      object: FileRefSchema,
      rows: z.number(),
      size: z.number(),
      sha256: z.string(),
      contractVersion: z.string(),
    }),
  }),
});

export const DataProductValidationFailed = defineEvent({
  source: PLATFORM_SOURCE,
  detailType: 'Data Product Validation Failed',
  detail: z.object({
    metadata: EventMetadataSchema,
    versionId: z.string(),
    object: FileRefSchema,
    /** Where a rejected upload was moved; absent for files in the data repo (git history keeps them). */
    quarantinedAs: z.optional(FileRefSchema),
    contractVersion: z.string(),
    rows: z.number(),
    errorCount: z.number(),
    /** The first errors only; `errorCount` is the total. */
    errors: z.array(CsvErrorSchema),
  }),
});

export const DataProductSchemaChanged = defineEvent({
  source: PLATFORM_SOURCE,
  detailType: 'Data Product Schema Changed',
  detail: z.object({
    metadata: EventMetadataSchema,
    product: ProductSummarySchema,
    previousContractVersion: z.string(),
    /** `breaking` when any change is; a breaking change is only accepted with a new major version. */
    verdict: z.enum(['breaking', 'non-breaking']),
    changes: z.array(SchemaChangeSchema),
    contract: FileRefSchema,
    actor: z.optional(ActorSchema),
  }),
});

export const DataProductDeprecated = defineEvent({
  source: PLATFORM_SOURCE,
  detailType: 'Data Product Deprecated',
  detail: z.object({
    metadata: EventMetadataSchema,
    product: ProductSummarySchema,
    /** Why: its folder was deleted from the data repo, or its contract says `deprecated`. */
    reason: z.enum(['folder-deleted', 'contract-status']),
    location: StorageLocationSchema,
    actor: z.optional(ActorSchema),
  }),
});

export type DataProductRegisteredDetail = z.infer<typeof DataProductRegistered.detail>;
export type DataProductUpdatedDetail = z.infer<typeof DataProductUpdated.detail>;
export type DataProductRejectedDetail = z.infer<typeof DataProductRejected.detail>;
export type DataProductVersionPublishedDetail = z.infer<typeof DataProductVersionPublished.detail>;
export type DataProductValidationFailedDetail = z.infer<typeof DataProductValidationFailed.detail>;
export type DataProductSchemaChangedDetail = z.infer<typeof DataProductSchemaChanged.detail>;
export type DataProductDeprecatedDetail = z.infer<typeof DataProductDeprecated.detail>;
export type RejectionReason = z.infer<typeof RejectionReasonSchema>;

/**
 * Where a product's files live changed: a producer bucket was registered or its stack deleted, or the contract
 * declared (or dropped) an S3 location. Its history is kept; subscribers learn where to read from now.
 */
export const DataProductStorageChanged = defineEvent({
  source: PLATFORM_SOURCE,
  detailType: 'Data Product Storage Changed',
  detail: z.object({
    metadata: EventMetadataSchema,
    reason: z.enum(['producer-bucket-registered', 'producer-bucket-deregistered', 'contract-servers']),
    added: z.array(StorageLocationSchema),
    removed: z.array(StorageLocationSchema),
    /** Every location registered to the product after the change. */
    locations: z.array(StorageLocationSchema),
    /** True when a removed location still holds files: they are kept where they are, never deleted. */
    filesRemain: z.optional(z.boolean()),
  }),
});
