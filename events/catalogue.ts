import {
  DataProductRegistered,
  DataProductRejected,
  DataProductUpdated,
  DataProductValidationFailed,
  DataProductVersionPublished,
} from './domain/product-events';
import { S3ObjectCreated } from './inbound/s3-object-created';

/** Events the platform receives. */
export const inboundEvents = [S3ObjectCreated] as const;

/** Events the platform emits. */
export const domainEvents = [
  DataProductRegistered,
  DataProductUpdated,
  DataProductRejected,
  DataProductVersionPublished,
  DataProductValidationFailed,
] as const;

export const catalogue = [...inboundEvents, ...domainEvents] as const;

/** Finds the contract of an event by its source and detail-type. */
export const findContract = (source: string, detailType: string) =>
  catalogue.find((c) => c.source === source && c.detailType === detailType);
