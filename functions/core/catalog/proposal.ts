import * as z from '../../shared/zod';

/**
 * A DataHub MetadataChangeProposal in its wire form (see ../shared/reference/datahub/README.md §2): the aspect
 * travels as a JSON string. The platform only ever UPSERTs, and UPSERT replaces a whole aspect, so every
 * proposal carries the complete aspect (all owners, all tags, all assets), never a delta.
 */
export const MetadataChangeProposalSchema = z.object({
  entityType: z.string(),
  entityUrn: z.string(),
  changeType: z.literal('UPSERT'),
  aspectName: z.string(),
  aspect: z.object({ value: z.string(), contentType: z.literal('application/json') }),
  systemMetadata: z.optional(
    z.object({
      lastObserved: z.number(),
      runId: z.string(),
      properties: z.optional(z.record(z.string(), z.string())),
    }),
  ),
});

export type MetadataChangeProposal = z.infer<typeof MetadataChangeProposalSchema>;
