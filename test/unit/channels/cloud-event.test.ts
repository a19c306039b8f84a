import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import {
  cloudEventFor,
  newSigningSecret,
  signatureHeaders,
} from '../../../functions/adapters/channels/webhook-channel';
import { DeliveryError } from '../../../functions/ports/channel-sender';
import { sampleNotification } from './sample-notification';

describe('cloudEventFor', () => {
  it('is a CloudEvents 1.0 structured event about the product', () => {
    const event = cloudEventFor(sampleNotification());
    expect(event).toMatchObject({
      specversion: '1.0',
      id: 'ntf-0a1b2c3d4e5f',
      source: 'urn:datamesh:product:sales.orders',
      type: 'io.datamesh.schema-changed-breaking',
      subject: 'sales.orders',
      time: '2024-05-01T12:34:56.789Z',
      datacontenttype: 'application/json',
    });
  });

  it('carries what people read first, then the domain event detail', () => {
    const { data } = cloudEventFor(sampleNotification());
    expect(Object.keys(data).slice(0, 5)).toEqual(['title', 'summary', 'audience', 'path', 'link']);
    expect(data).toMatchObject({
      title: 'sales.orders 2.0.0: breaking schema change',
      audience: 'consumer',
      path: ['sales.orders', 'finance.daily-revenue'],
      link: 'https://catalog.example.com/products/sales.orders',
      verdict: 'breaking',
      previousContractVersion: '1.4.0',
    });
  });

  it('leaves out path and link when there are none, and the notification wins a name clash', () => {
    const { data } = cloudEventFor(
      sampleNotification({
        path: undefined,
        link: undefined,
        data: { path: 'orders/datacontract.yaml', title: 'x' },
      }),
    );
    expect(data.title).toBe('sales.orders 2.0.0: breaking schema change');
    expect(data.path).toBe('orders/datacontract.yaml');
    expect(data).not.toHaveProperty('link');
  });

  it('round-trips through JSON unchanged', () => {
    const event = cloudEventFor(sampleNotification());
    expect(JSON.parse(JSON.stringify(event))).toEqual(event);
  });
});

describe('signing', () => {
  it('makes whsec_ secrets of 24 random bytes', () => {
    const a = newSigningSecret();
    const b = newSigningSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(Buffer.from(a.slice('whsec_'.length), 'base64')).toHaveLength(24);
    expect(a).not.toBe(b);
  });

  it('signs so that a Standard Webhooks receiver verifies', () => {
    const secret = newSigningSecret();
    const payload = JSON.stringify(cloudEventFor(sampleNotification()));
    const headers = signatureHeaders(secret, 'ntf-1', payload, new Date());
    expect(headers['webhook-id']).toBe('ntf-1');
    expect(headers['webhook-timestamp']).toMatch(/^\d{10}$/);
    expect(headers['webhook-signature']).toMatch(/^v1,/);
    expect(new Webhook(secret).verify(payload, headers)).toEqual(JSON.parse(payload));
    expect(() => new Webhook(newSigningSecret()).verify(payload, headers)).toThrow();
  });

  it('refuses a secret that is not one, permanently', () => {
    expect(() => signatureHeaders('whsec_', 'ntf-1', '{}', new Date())).toThrow(DeliveryError);
    try {
      signatureHeaders('whsec_', 'ntf-1', '{}', new Date());
    } catch (error) {
      expect((error as DeliveryError).kind).toBe('permanent');
    }
  });
});
