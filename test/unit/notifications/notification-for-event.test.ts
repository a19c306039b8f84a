import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  buildNotification,
  formatBytes,
  notificationId,
  notificationsFor,
} from '../../../functions/core/notifications/notification-for-event';
import {
  NotificationSchema,
  type NotificationType,
} from '../../../functions/core/notifications/subscription';
import { aProduct } from '../../support/builders';
import { sample } from './fixtures';

const expectedTypes: Record<string, NotificationType[]> = {
  'data-product-registered.json': [],
  'data-product-updated.json': [],
  'data-product-rejected.json': ['rejected'],
  'data-product-version-published.json': ['version-published'],
  'data-product-validation-failed.json': ['validation-failed'],
  'data-product-schema-changed.json': ['schema-changed-breaking', 'schema-changed'],
  'data-product-deprecated.json': ['deprecated'],
  'subscription-created.json': ['subscriber-added'],
  'data-product-storage-changed.json': ['storage-changed'],
};

const samples = readdirSync(new URL('../../../events/samples/', import.meta.url)).filter((f) =>
  f.endsWith('.json'),
);

const notify = (file: string, type: NotificationType, path?: string[]) => {
  const event = sample(file);
  return buildNotification({
    type,
    productId: event.productId,
    audience: 'consumer',
    sourceEvent: { id: event.id, detailType: event.detailType, occurredAt: event.occurredAt },
    detail: event.detail,
    subscriptionId: 'sub_aaaaaaaaaaaaaaaaaaaa',
    ...(path ? { path } : {}),
  });
};

describe('Function: notificationsFor', () => {
  it.each(samples)('%s is the expected notification types', (file) => {
    expect(notificationsFor(sample(file), aProduct())).toEqual(expectedTypes[file] ?? []);
  });

  it('is only schema-changed for a non-breaking schema change', () => {
    const event = sample('data-product-schema-changed.json');

    expect(notificationsFor({ ...event, detail: { ...event.detail, verdict: 'non-breaking' } })).toEqual([
      'schema-changed',
    ]);
  });

  it('is nothing for an event it does not know', () => {
    expect(notificationsFor({ detailType: 'Something Else', detail: {} }, undefined)).toEqual([]);
  });
});

describe('Function: buildNotification', () => {
  it.each(
    Object.entries(expectedTypes).flatMap(([file, types]) => types.map((type) => [file, type] as const)),
  )('builds a valid notification from %s as %s', (file, type) => {
    const notification = notify(file, type);

    expect(NotificationSchema.safeParse(notification).error?.issues ?? []).toEqual([]);
    expect(notification.data).toEqual(sample(file).detail);
    expect(notification.source).toEqual({ eventId: sample(file).id, detailType: sample(file).detailType });
  });

  it('derives its id from the source event, the subscription and the type', () => {
    const a = notify('data-product-schema-changed.json', 'schema-changed');

    expect(a.id).toBe(
      notificationId(
        sample('data-product-schema-changed.json').id,
        'sub_aaaaaaaaaaaaaaaaaaaa',
        'schema-changed',
      ),
    );
    expect(notify('data-product-schema-changed.json', 'schema-changed').id).toBe(a.id);
    expect(notify('data-product-schema-changed.json', 'schema-changed-breaking').id).not.toBe(a.id);
    expect(notificationId('event-2', 'sub_aaaaaaaaaaaaaaaaaaaa', 'schema-changed')).not.toBe(a.id);
    expect(notificationId(sample('data-product-schema-changed.json').id, 'sub_b', 'schema-changed')).not.toBe(
      a.id,
    );
  });

  it('tells a breaking schema change and lists the changes', () => {
    const notification = notify('data-product-schema-changed.json', 'schema-changed-breaking');

    expect(notification.title).toBe('orders 2.0.0: breaking schema change');
    expect(notification.summary).toBe(
      [
        'Contract 1.3.0 → 2.0.0: 2 changes, breaking.',
        '- column "discount" (number) removed (breaking)',
        '- optional column "channel" (string) added',
        'Pushed by alice.',
      ].join('\n'),
    );
  });

  it('tells a non-breaking schema change as such', () => {
    const event = sample('data-product-schema-changed.json');
    const notification = buildNotification({
      type: 'schema-changed',
      productId: 'orders',
      audience: 'consumer',
      sourceEvent: { id: event.id, detailType: event.detailType, occurredAt: event.occurredAt },
      detail: { ...event.detail, verdict: 'non-breaking' },
      subscriptionId: 'sub_x',
    });

    expect(notification.title).toBe('orders 2.0.0: schema change');
  });

  it('tells a published version: rows, size and version id', () => {
    const notification = notify('data-product-version-published.json', 'version-published');

    expect(notification.title).toBe('orders: new version published (1,200 rows)');
    expect(notification.summary).toBe(
      [
        '1,200 rows, 5.0 KiB in s3://data-mesh-prod-data/orders/orders-2026-11-22.csv.',
        'Version 9f8e7d6c-5b4a-5392-8f1e-0d9c8b7a6f5e, contract 1.0.0.',
      ].join('\n'),
    );
  });

  it('tells a failed validation: rows, error count and the first errors', () => {
    const notification = notify('data-product-validation-failed.json', 'validation-failed');

    expect(notification.title).toBe('orders: upload failed validation (2 errors)');
    expect(notification.summary).toBe(
      [
        's3://data-mesh-prod-data/orders/orders-2026-11-22.csv: 2 errors in 3 rows against contract 1.0.0.',
        'row 3, order_id: "abc" is not an integer',
        'row 4, amount: -5 is less than the minimum 0',
        'The file was quarantined as s3://data-mesh-prod-data/_quarantine/orders/orders-2026-11-22.csv.',
      ].join('\n'),
    );
  });

  it('lists the first errors only and counts the others', () => {
    const event = sample('data-product-validation-failed.json');
    const errors = Array.from({ length: 7 }, (_, i) => ({
      row: i + 2,
      column: i === 0 ? null : 'amount',
      value: 'x',
      rule: 'type',
      message: 'not a number',
    }));
    const notification = buildNotification({
      type: 'validation-failed',
      productId: 'orders',
      audience: 'producer',
      sourceEvent: { id: event.id, detailType: event.detailType, occurredAt: event.occurredAt },
      detail: { ...event.detail, errors, errorCount: 120, quarantinedAs: undefined },
      subscriptionId: 'sub_x',
    });

    expect(notification.summary.split('\n')).toEqual([
      's3://data-mesh-prod-data/orders/orders-2026-11-22.csv: 120 errors in 3 rows against contract 1.0.0.',
      'row 2: not a number',
      'row 3, amount: not a number',
      'row 4, amount: not a number',
      'row 5, amount: not a number',
      'row 6, amount: not a number',
      '… and 115 more errors',
    ]);
  });

  it('tells a rejection: reason and problems', () => {
    const notification = notify('data-product-rejected.json', 'rejected');

    expect(notification.title).toBe('orders: rejected (invalid contract)');
    expect(notification.summary).toBe(
      [
        'orders/datacontract.yaml: the data contract is invalid (2 problems)',
        '- schema[0].properties[2].logicalType: expected one of string, integer, number, boolean, date, timestamp',
        '- team: an owner team (team.name) is required',
      ].join('\n'),
    );
  });

  it('tells a deprecation and why', () => {
    const notification = notify('data-product-deprecated.json', 'deprecated');

    expect(notification.title).toBe('legacy-orders: deprecated');
    expect(notification.summary).toBe(
      'Legacy orders (contract 1.4.0) is deprecated: its folder was deleted from the data repo.\nBy alice.',
    );
  });

  it('tells the owner team who subscribed', () => {
    const notification = notify('subscription-created.json', 'subscriber-added');

    expect(notification.title).toBe('orders: new subscriber (team:analytics)');
    expect(notification.summary).toBe(
      'team:analytics subscribed to orders (version-published, schema-changed-breaking) by webhook, through the cli.',
    );
  });

  it('names the path of a downstream notification', () => {
    const notification = notify('data-product-schema-changed.json', 'schema-changed-breaking', [
      'orders',
      'daily-revenue',
      'board-kpis',
    ]);

    expect(notification.path).toEqual(['orders', 'daily-revenue', 'board-kpis']);
    expect(notification.title).toBe('orders 2.0.0: breaking schema change (upstream of board-kpis)');
    expect(notification.summary.split('\n')[0]).toBe(
      'board-kpis depends on orders: orders → daily-revenue → board-kpis.',
    );
  });

  it('still builds a notification from a detail it cannot read', () => {
    const notification = buildNotification({
      type: 'schema-changed',
      productId: 'orders',
      audience: 'consumer',
      sourceEvent: {
        id: 'e1',
        detailType: 'Data Product Schema Changed',
        occurredAt: '2026-11-22T10:00:00Z',
      },
      detail: 'garbage',
      subscriptionId: 'sub_x',
    });

    expect(notification).toMatchObject({ title: 'orders: schema change', summary: '', data: {} });
  });
});

describe('Function: formatBytes', () => {
  it.each([
    [1, '1 byte'],
    [512, '512 bytes'],
    [5120, '5.0 KiB'],
    [3 * 1024 * 1024, '3.0 MiB'],
  ])('%d bytes is %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});
