import type { Notification, NotificationType } from '../../core/notifications/subscription';

/** How people read a notification type. */
export const CHANGE_LABELS: Record<NotificationType, string> = {
  'version-published': 'New version published',
  'schema-changed': 'Schema changed',
  'schema-changed-breaking': 'Breaking schema change',
  'validation-failed': 'Validation failed',
  deprecated: 'Deprecated',
  rejected: 'Rejected',
  'subscriber-added': 'New subscriber',
  'storage-changed': 'Storage moved',
};

export const AUDIENCE_LABELS: Record<Notification['audience'], string> = {
  consumer: 'Consumer (you use this product)',
  producer: 'Producer (you own this product)',
};

export interface Fact {
  label: string;
  value: string;
}

const record = (value: unknown): Record<string, unknown> | undefined =>
  value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 ? value : undefined;

/** The contract version a notification is about, from the shapes the product events have. */
const contractVersionOf = (data: Record<string, unknown>): string | undefined =>
  text(data.contractVersion) ??
  text(record(data.version)?.contractVersion) ??
  text(record(data.product)?.contractVersion);

/** The downstream path as people read it: `orders → daily-revenue`; undefined for a direct notice. */
export const pathText = (notification: Notification): string | undefined =>
  notification.path && notification.path.length > 1 ? notification.path.join(' → ') : undefined;

/**
 * What every human-facing channel shows besides the title and summary: product, change, verdict, audience,
 * contract version, and the path for downstream notices.
 */
export const notificationFacts = (notification: Notification): Fact[] => {
  const verdict = text(notification.data.verdict);
  const version = contractVersionOf(notification.data);
  const path = pathText(notification);
  return [
    { label: 'Product', value: notification.productId },
    { label: 'Change', value: CHANGE_LABELS[notification.type] ?? notification.type },
    ...(verdict ? [{ label: 'Verdict', value: verdict }] : []),
    ...(version ? [{ label: 'Contract version', value: version }] : []),
    { label: 'Audience', value: AUDIENCE_LABELS[notification.audience] ?? notification.audience },
    ...(path ? [{ label: 'Downstream path', value: path }] : []),
  ];
};

/** A link a button may open: http(s) only (no `javascript:`, no relative paths). */
export const safeLink = (link: string | undefined): string | undefined => {
  if (!link) return undefined;
  try {
    const url = new URL(link);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
};
