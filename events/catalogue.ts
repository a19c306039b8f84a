import {
  DataProductDeprecated,
  DataProductRegistered,
  DataProductRejected,
  DataProductSchemaChanged,
  DataProductStorageChanged,
  DataProductUpdated,
  DataProductValidationFailed,
  DataProductVersionPublished,
} from './domain/product-events';
import { NotificationFailed, SubscriptionCreated } from './domain/subscription-events';
import { GitPushReceived } from './inbound/git-push-received';
import { S3ObjectCreated } from './inbound/s3-object-created';

/** Events the platform receives (the git push as the webhook receiver normalises it). */
export const inboundEvents = [S3ObjectCreated, GitPushReceived] as const;

/** Events the platform emits. */
export const domainEvents = [
  DataProductRegistered,
  DataProductUpdated,
  DataProductRejected,
  DataProductVersionPublished,
  DataProductValidationFailed,
  DataProductSchemaChanged,
  DataProductDeprecated,
  DataProductStorageChanged,
  SubscriptionCreated,
  NotificationFailed,
] as const;

export const catalogue = [...inboundEvents, ...domainEvents] as const;

/** Finds the contract of an event by its source and detail-type. */
export const findContract = (source: string, detailType: string) =>
  catalogue.find((c) => c.source === source && c.detailType === detailType);
