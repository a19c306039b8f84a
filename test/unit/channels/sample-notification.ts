import type { Notification } from '../../../functions/core/notifications/subscription';

/** A downstream breaking-change notice, the richest shape a channel renders. */
export const sampleNotification = (overrides: Partial<Notification> = {}): Notification => ({
  id: 'ntf-0a1b2c3d4e5f',
  type: 'schema-changed-breaking',
  productId: 'sales.orders',
  audience: 'consumer',
  occurredAt: '2024-05-01T12:34:56.789Z',
  title: 'sales.orders 2.0.0: breaking schema change',
  summary: 'Column `amount` was removed.\nVerdict: breaking <see contract> & more',
  data: {
    metadata: { eventId: 'evt-1', productId: 'sales.orders' },
    verdict: 'breaking',
    previousContractVersion: '1.4.0',
    product: {
      id: 'sales.orders',
      name: 'Orders',
      ownerTeam: 'team:sales',
      status: 'active',
      contractVersion: '2.0.0',
    },
    changes: [{ kind: 'column-removed', column: 'amount', breaking: true }],
  },
  path: ['sales.orders', 'finance.daily-revenue'],
  link: 'https://catalog.example.com/products/sales.orders',
  source: { eventId: 'evt-1', detailType: 'Data Product Schema Changed' },
  ...overrides,
});
