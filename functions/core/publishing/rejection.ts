import { DataProductRejected, type RejectionReason } from '../../../events/domain/product-events';
import { type OutgoingEvent, outgoing } from '../../ports/event-publisher';
import { type FileRef, fileLabel } from '../file-ref';
import type { Problem } from '../problem';

/** Builds the metadata of the domain events caused by one inbound event. */
export interface EventFactory {
  /** What caused the events (an object event's idempotency key, a pushed file): the same on every retry. */
  readonly origin: string;
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
  'location-conflict': "the storage location belongs to, or overlaps, another product's",
  'location-unreadable': 'the platform cannot read a storage location the contract declares',
  'not-owner': "only members of the product's owner team may change it",
  'breaking-change': 'the schema change is breaking: it needs a new major contract version',
  'product-id-clash': 'another folder already registers this product id',
  'invalid-descriptor': 'the data product descriptor (dataproduct.yaml) is invalid',
};

export const rejection = (
  ids: EventFactory,
  productId: string,
  reason: RejectionReason,
  object: FileRef,
  errors: Problem[],
  actor?: { username: string; email?: string },
): OutgoingEvent => {
  const count = errors.length;
  const message = `${fileLabel(object)}: ${SUMMARIES[reason]}${count > 0 ? ` (${count} problem${count === 1 ? '' : 's'})` : ''}`;
  return outgoing(DataProductRejected, {
    metadata: ids.metadata(DataProductRejected.detailType, productId),
    reason,
    message,
    object,
    errors,
    ...(actor ? { actor } : {}),
  });
};
