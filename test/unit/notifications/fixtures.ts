import { readFileSync } from 'node:fs';
import type { Subscription } from '../../../functions/core/notifications/subscription';
import { subscriptionId } from '../../../functions/core/notifications/subscription-id';

/** A subscription (consumer `team:analytics`, product `orders`, every type, a webhook), overridable. */
export const aSubscription = (overrides: Partial<Subscription> = {}): Subscription => {
  const consumer = overrides.consumer ?? 'team:analytics';
  const target = overrides.target ?? { productId: 'orders' };
  const channel = overrides.channel ?? { kind: 'webhook', url: 'https://hooks.analytics.example/mesh' };
  return {
    id: subscriptionId(consumer, target, channel),
    consumer,
    target,
    events: ['version-published', 'schema-changed', 'validation-failed', 'deprecated', 'rejected'],
    channel,
    source: 'api',
    status: 'active',
    createdAt: '2026-11-22T09:00:00.000Z',
    ...overrides,
  };
};

export interface SampleEvent {
  id: string;
  detailType: string;
  detail: Record<string, unknown> & { metadata: { eventId: string; productId: string; occurredAt: string } };
  occurredAt: string;
  productId: string;
}

/** A sample of `events/samples`, as the fan-out receives it. */
export const sample = (file: string): SampleEvent => {
  const envelope = JSON.parse(
    readFileSync(new URL(`../../../events/samples/${file}`, import.meta.url), 'utf8'),
  ) as {
    id: string;
    'detail-type': string;
    time: string;
    detail: Partial<SampleEvent['detail']>;
  };
  const metadata = envelope.detail.metadata;
  return {
    id: metadata?.eventId ?? envelope.id,
    detailType: envelope['detail-type'],
    detail: envelope.detail as SampleEvent['detail'],
    occurredAt: metadata?.occurredAt ?? envelope.time,
    productId: metadata?.productId ?? '',
  };
};
