import { describe, expect, it } from 'vitest';
import { normaliseSequencer } from '../../../functions/core/publishing/inbound-object';
import { classifyInFolder, classifyObjectKey } from '../../../functions/core/publishing/object-key';

describe('Function: classifyObjectKey', () => {
  it.each([
    ['orders/datacontract.yaml', { kind: 'contract', productId: 'orders' }],
    ['sales.orders/datacontract.json', { kind: 'contract', productId: 'sales.orders' }],
    ['orders/2026/datacontract.yaml', { kind: 'other', productId: 'orders' }],
    ['orders/part-0.csv', { kind: 'csv', productId: 'orders' }],
    ['orders/dt=2026-11-22/PART 1+ü.CSV', { kind: 'csv', productId: 'orders' }],
    ['orders/README.md', { kind: 'other', productId: 'orders' }],
    ['_quarantine/orders/part-0.csv', { kind: 'quarantined' }],
  ])('reads %s', (key, expected) => {
    expect(classifyObjectKey(key, 'data')).toEqual(
      'productId' in expected
        ? { ...expected, folder: { bucket: 'data', prefix: `${expected.productId}/`, registered: false } }
        : expected,
    );
  });

  it.each([
    ['orders.csv', /not inside a product folder/],
    ['orders/../customers/x.csv', /"\." or "\.\." segment/],
    ['orders//x.csv', /empty path segment/],
    ['Orders/x.csv', /not a valid product id/],
    ['orders/x\u0000.csv', /control characters/],
  ])('refuses %s', (key, message) => {
    const kind = classifyObjectKey(key);

    expect(kind.kind).toBe('invalid');
    expect(kind.kind === 'invalid' && kind.message).toMatch(message);
  });
});

describe('Function: classifyInFolder', () => {
  const folder = { bucket: 'team-sales', prefix: 'landing/orders/', registered: true };

  it.each([
    ['landing/orders/datacontract.yaml', 'contract'],
    ['landing/orders/2026/11/part-0.csv', 'csv'],
    ['landing/orders/2026/datacontract.yaml', 'other'],
    ['landing/orders/dataproduct.yaml', 'other'],
  ])('reads %s relative to a registered prefix', (key, kind) => {
    expect(classifyInFolder(key, 'orders', folder)).toEqual({ kind, productId: 'orders', folder });
  });
});

describe('Function: normaliseSequencer', () => {
  it('orders sequencers of different lengths as S3 documents (right-pad with zeros)', () => {
    expect(normaliseSequencer('00617F08299329D189') > normaliseSequencer('00617F0829932')).toBe(true);
    expect(normaliseSequencer('0A') > normaliseSequencer('09FFFF')).toBe(true);
    expect(normaliseSequencer('0a')).toBe(normaliseSequencer('0A'));
  });
});
