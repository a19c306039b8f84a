import { defineEvent } from '../event-contract';
import * as z from '../zod';
import {
  CsvErrorSchema,
  EventMetadataSchema,
  PLATFORM_SOURCE,
  ProblemDetailSchema,
  ProductSummarySchema,
  S3LocationSchema,
  S3ObjectRefSchema,
} from './common';

export const DataProductRegistered = defineEvent({
  source: PLATFORM_SOURCE,
  detailType: 'Data Product Registered',
  detail: z.object({
    metadata: EventMetadataSchema,
    product: ProductSummarySchema,
    location: S3LocationSchema,
    contract: S3ObjectRefSchema,
  }),
});

export const DataProductUpdated = defineEvent({
  source: PLATFORM_SOURCE,
  detailType: 'Data Product Updated',
  detail: z.object({
    metadata: EventMetadataSchema,
    product: ProductSummarySchema,
    previousContractVersion: z.string(),
    location: S3LocationSchema,
    contract: S3ObjectRefSchema,
  }),
});

export const RejectionReasonSchema = z.enum([
  'invalid-contract',
  'unknown-product',
  'no-contract',
  'invalid-key',
  'location-conflict',
]);

export const DataProductRejected = defineEvent({
  source: PLATFORM_SOURCE,
  detailType: 'Data Product Rejected',
  detail: z.object({
    metadata: EventMetadataSchema,
    reason: RejectionReasonSchema,
    /** Human summary, e.g. "datacontract.yaml has 3 problems". */
    message: z.string(),
    object: S3ObjectRefSchema,
    errors: z.array(ProblemDetailSchema),
  }),
});

export const DataProductVersionPublished = defineEvent({
  source: PLATFORM_SOURCE,
  detailType: 'Data Product Version Published',
  detail: z.object({
    metadata: EventMetadataSchema,
    version: z.object({
      versionId: z.string(),
      object: S3ObjectRefSchema,
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
    object: S3ObjectRefSchema,
    quarantinedAs: S3ObjectRefSchema,
    contractVersion: z.string(),
    rows: z.number(),
    errorCount: z.number(),
    /** The first errors only; `errorCount` is the total. */
    errors: z.array(CsvErrorSchema),
  }),
});

export type DataProductRegisteredDetail = z.infer<typeof DataProductRegistered.detail>;
export type DataProductUpdatedDetail = z.infer<typeof DataProductUpdated.detail>;
export type DataProductRejectedDetail = z.infer<typeof DataProductRejected.detail>;
export type DataProductVersionPublishedDetail = z.infer<typeof DataProductVersionPublished.detail>;
export type DataProductValidationFailedDetail = z.infer<typeof DataProductValidationFailed.detail>;
export type RejectionReason = z.infer<typeof RejectionReasonSchema>;
