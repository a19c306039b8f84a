import type { S3ObjectRefSchema } from '../../../events/domain/common';
import { DataProductRejected, type RejectionReason } from '../../../events/domain/product-events';
import { type OutgoingEvent, outgoing } from '../../ports/event-publisher';
import type * as z from '../../shared/zod';
import type { Problem } from '../problem';

/** Builds the metadata of the domain events caused by one inbound event. */
export interface EventFactory {
  metadata(
    detailType: string,
    productId: string,
  ): {
    eventId: string;
    productId: string;
    correlationId: string;
    occurredAt: string;
  };
}

const SUMMARIES: Record<RejectionReason, string> = {
  'invalid-contract': 'the data contract is invalid',
  'unknown-product': 'no data product is registered for this folder',
  'no-contract': 'the product has no data contract yet: upload <product-id>/datacontract.yaml first',
  'invalid-key': 'the object key does not follow the <product-id>/… folder convention',
  'location-conflict': 'the storage location belongs to another product',
};

export const rejection = (
  ids: EventFactory,
  productId: string,
  reason: RejectionReason,
  object: z.infer<typeof S3ObjectRefSchema>,
  errors: Problem[],
): OutgoingEvent => {
  const count = errors.length;
  const message = `${object.key}: ${SUMMARIES[reason]}${count > 0 ? ` (${count} problem${count === 1 ? '' : 's'})` : ''}`;
  return outgoing(DataProductRejected, {
    metadata: ids.metadata(DataProductRejected.detailType, productId),
    reason,
    message,
    object,
    errors,
  });
};
