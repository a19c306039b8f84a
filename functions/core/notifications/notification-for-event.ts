import { createHash } from 'node:crypto';
import {
  DataProductDeprecated,
  DataProductRegistered,
  DataProductRejected,
  DataProductSchemaChanged,
  DataProductStorageChanged,
  DataProductUpdated,
  DataProductValidationFailed,
  DataProductVersionPublished,
} from '../../../events/domain/product-events';
import { SubscriptionCreated } from '../../../events/domain/subscription-events';
import { type FileRef, isGitFile, locationUri } from '../file-ref';
import type { ProductRecord } from '../registry/records';
import type { Notification, NotificationType } from './subscription';

/** At most this many CSV errors or contract problems are listed in a summary; the rest are counted. */
export const MAX_LISTED_ERRORS = 5;

export interface ProductEventInput {
  detailType: string;
  /** The parsed domain event detail. */
  detail: unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isBreaking = (detail: unknown): boolean => {
  const parsed = DataProductSchemaChanged.detail.safeParse(detail);
  if (parsed.success) return parsed.data.verdict === 'breaking';
  return isRecord(detail) && detail.verdict === 'breaking';
};

/**
 * What a product event is, for subscribers: none, one or (for a breaking schema change) two notification
 * types, the most specific first. `Registered` and `Updated` are not notified: a new product has no
 * subscribers yet, and a contract change that matters is `Schema Changed`. `Subscription Created` is
 * `subscriber-added`, for the product's owner team. The types depend on the event
 * alone; the product is accepted for callers that have it (the fan-out) and reserved for rules that need it.
 */
export const notificationsFor = (event: ProductEventInput, _product?: ProductRecord): NotificationType[] => {
  switch (event.detailType) {
    case DataProductVersionPublished.detailType:
      return ['version-published'];
    case DataProductSchemaChanged.detailType:
      return isBreaking(event.detail) ? ['schema-changed-breaking', 'schema-changed'] : ['schema-changed'];
    case DataProductValidationFailed.detailType:
      return ['validation-failed'];
    case DataProductDeprecated.detailType:
      return ['deprecated'];
    case DataProductRejected.detailType:
      return ['rejected'];
    case SubscriptionCreated.detailType:
      return ['subscriber-added'];
    case DataProductStorageChanged.detailType:
      return ['storage-changed'];
    case DataProductRegistered.detailType:
    case DataProductUpdated.detailType:
      return [];
    default:
      return [];
  }
};

/** The deterministic id of one notification: one source event, one subscription, one type. */
export const notificationId = (
  sourceEventId: string,
  subscriptionId: string,
  type: NotificationType,
): string =>
  `ntf_${createHash('sha256')
    .update(JSON.stringify(['notification/v1', sourceEventId, subscriptionId, type]))
    .digest('hex')
    .slice(0, 32)}`;

export interface NotificationInput {
  type: NotificationType;
  /** The product the event is about (for downstream impact: the changed one, first in `path`). */
  productId: string;
  audience: Notification['audience'];
  sourceEvent: { id: string; detailType: string; occurredAt: string };
  /** The parsed domain event detail; it becomes the notification's `data`. */
  detail: unknown;
  subscriptionId: string;
  /** From the changed product to the subscribed one, when the subscriber is downstream. */
  path?: string[];
}

const fileUri = (ref: FileRef): string =>
  isGitFile(ref)
    ? `${ref.repository}:${ref.path}@${ref.commit.slice(0, 12)}`
    : `s3://${ref.bucket}/${ref.key}`;

const plural = (count: number, one: string, many = `${one}s`) =>
  `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;

/** 5120 → "5.0 KiB". */
export const formatBytes = (bytes: number): string => {
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  if (bytes < 1024) return plural(bytes, 'byte');
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
};

const more = (shown: number, total: number, what: string) =>
  total > shown ? [`… and ${plural(total - shown, `more ${what}`, `more ${what}s`)}`] : [];

interface Text {
  title: string;
  summary: string;
}

const schemaChangedText = (productId: string, detail: unknown, breakingOnly: boolean): Text => {
  const parsed = DataProductSchemaChanged.detail.safeParse(detail);
  if (!parsed.success) {
    return {
      title: `${productId}: ${breakingOnly ? 'breaking schema change' : 'schema change'}`,
      summary: '',
    };
  }
  const d = parsed.data;
  const breaking = d.verdict === 'breaking';
  const lines = [
    `Contract ${d.previousContractVersion} → ${d.product.contractVersion}: ${plural(d.changes.length, 'change')}, ${d.verdict}.`,
    ...d.changes.map((c) => `- ${c.message}${c.breaking ? ' (breaking)' : ''}`),
    ...(d.actor ? [`Pushed by ${d.actor.username}.`] : []),
  ];
  return {
    title: `${productId} ${d.product.contractVersion}: ${breaking ? 'breaking schema change' : 'schema change'}`,
    summary: lines.join('\n'),
  };
};

const versionPublishedText = (productId: string, detail: unknown): Text => {
  const parsed = DataProductVersionPublished.detail.safeParse(detail);
  if (!parsed.success) return { title: `${productId}: new version published`, summary: '' };
  const v = parsed.data.version;
  return {
    title: `${productId}: new version published (${plural(v.rows, 'row')})`,
    summary: [
      `${plural(v.rows, 'row')}, ${formatBytes(v.size)} in ${fileUri(v.object)}.`,
      `Version ${v.versionId}, contract ${v.contractVersion}.`,
    ].join('\n'),
  };
};

const validationFailedText = (productId: string, detail: unknown): Text => {
  const parsed = DataProductValidationFailed.detail.safeParse(detail);
  if (!parsed.success) return { title: `${productId}: upload failed validation`, summary: '' };
  const d = parsed.data;
  const shown = d.errors.slice(0, MAX_LISTED_ERRORS);
  return {
    title: `${productId}: upload failed validation (${plural(d.errorCount, 'error')})`,
    summary: [
      `${fileUri(d.object)}: ${plural(d.errorCount, 'error')} in ${plural(d.rows, 'row')} against contract ${d.contractVersion}.`,
      ...shown.map((e) => `row ${e.row}${e.column === null ? '' : `, ${e.column}`}: ${e.message}`),
      ...more(shown.length, Math.max(d.errorCount, d.errors.length), 'error'),
      ...(d.quarantinedAs ? [`The file was quarantined as ${fileUri(d.quarantinedAs)}.`] : []),
    ].join('\n'),
  };
};

const DEPRECATION_REASONS = {
  'folder-deleted': 'its folder was deleted from the data repo',
  'contract-status': 'its contract status is deprecated',
} as const;

const deprecatedText = (productId: string, detail: unknown): Text => {
  const parsed = DataProductDeprecated.detail.safeParse(detail);
  if (!parsed.success) return { title: `${productId}: deprecated`, summary: '' };
  const d = parsed.data;
  return {
    title: `${productId}: deprecated`,
    summary: [
      `${d.product.name} (contract ${d.product.contractVersion}) is deprecated: ${DEPRECATION_REASONS[d.reason]}.`,
      ...(d.actor ? [`By ${d.actor.username}.`] : []),
    ].join('\n'),
  };
};

const rejectedText = (productId: string, detail: unknown): Text => {
  const parsed = DataProductRejected.detail.safeParse(detail);
  if (!parsed.success) return { title: `${productId}: rejected`, summary: '' };
  const d = parsed.data;
  const shown = d.errors.slice(0, MAX_LISTED_ERRORS);
  return {
    title: `${productId}: rejected (${d.reason.replaceAll('-', ' ')})`,
    summary: [
      d.message,
      ...shown.map((p) => `- ${p.path}: ${p.message}`),
      ...more(shown.length, d.errors.length, 'problem'),
      ...(d.actor ? [`Pushed by ${d.actor.username}.`] : []),
    ].join('\n'),
  };
};

const subscriberAddedText = (productId: string, detail: unknown): Text => {
  const parsed = SubscriptionCreated.detail.safeParse(detail);
  if (!parsed.success) return { title: `${productId}: new subscriber`, summary: '' };
  const d = parsed.data;
  const target = 'productId' in d.target ? d.target.productId : `every product of domain ${d.target.domain}`;
  return {
    title: `${productId}: new subscriber (${d.consumer})`,
    summary: `${d.consumer} subscribed to ${target} (${d.events.join(', ')}) by ${d.channel}, through the ${d.source}.`,
  };
};

const STORAGE_REASONS = {
  'producer-bucket-registered': "the producer's bucket was registered",
  'producer-bucket-deregistered': "the producer's bucket stack was deleted",
  'contract-servers': 'the contract declares new storage',
} as const;

const storageChangedText = (productId: string, detail: unknown): Text => {
  const parsed = DataProductStorageChanged.detail.safeParse(detail);
  if (!parsed.success) return { title: `${productId}: storage changed`, summary: '' };
  const d = parsed.data;
  return {
    title: `${productId}: data now lives in ${d.locations.map(locationUri).join(', ') || 'no registered location'}`,
    summary: [
      `Storage changed because ${STORAGE_REASONS[d.reason]}.`,
      ...d.added.map((l) => `+ ${locationUri(l)}`),
      ...d.removed.map((l) => `- ${locationUri(l)}`),
      ...(d.filesRemain ? ['Files remain in the removed location; they were not deleted.'] : []),
      'Earlier versions keep their recorded locations.',
    ].join('\n'),
  };
};

const textFor = (type: NotificationType, productId: string, detail: unknown): Text => {
  switch (type) {
    case 'schema-changed':
      return schemaChangedText(productId, detail, false);
    case 'schema-changed-breaking':
      return schemaChangedText(productId, detail, true);
    case 'version-published':
      return versionPublishedText(productId, detail);
    case 'validation-failed':
      return validationFailedText(productId, detail);
    case 'deprecated':
      return deprecatedText(productId, detail);
    case 'rejected':
      return rejectedText(productId, detail);
    case 'subscriber-added':
      return subscriberAddedText(productId, detail);
    case 'storage-changed':
      return storageChangedText(productId, detail);
  }
};

/**
 * One notification for one subscription. Its id is derived from the source event, the subscription and the
 * type, so a redelivered event makes the same notification (and the delivery ledger sends it once). Downstream
 * subscribers get the path from the changed product to theirs, in the title and the summary.
 */
export const buildNotification = (input: NotificationInput): Notification => {
  const { title, summary } = textFor(input.type, input.productId, input.detail);
  const downstream = input.path && input.path.length > 1 ? input.path : undefined;
  const subscribed = downstream?.[downstream.length - 1];
  return {
    id: notificationId(input.sourceEvent.id, input.subscriptionId, input.type),
    type: input.type,
    productId: input.productId,
    audience: input.audience,
    occurredAt: input.sourceEvent.occurredAt,
    title: subscribed ? `${title} (upstream of ${subscribed})` : title,
    summary: downstream
      ? [`${subscribed} depends on ${input.productId}: ${downstream.join(' → ')}.`, summary]
          .filter(Boolean)
          .join('\n')
      : summary,
    data: isRecord(input.detail) ? input.detail : {},
    ...(downstream ? { path: downstream } : {}),
    source: { eventId: input.sourceEvent.id, detailType: input.sourceEvent.detailType },
  };
};
