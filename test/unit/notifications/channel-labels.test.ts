import { describe, expect, it } from 'vitest';
import { describeUrl, maskedChannel, maskPath } from '../../../functions/core/notifications/channel-labels';

describe('channel labels', () => {
  it('show URLs without credentials, query or fragment', () => {
    expect(describeUrl('https://user:pw@hooks.example.com:8443/x/y?token=s3cret#frag')).toBe(
      'https://hooks.example.com:8443/x/y',
    );
    expect(maskPath('https://hooks.slack.com/services/T01/B02/s3cret', 2)).toBe(
      'https://hooks.slack.com/services/T01/…',
    );
  });

  it.each([
    [
      { kind: 'slack', url: 'https://hooks.slack.com/services/T01/B02/s3cret' },
      'https://hooks.slack.com/services/T01/…',
    ],
    [
      {
        kind: 'teams',
        url: 'https://contoso.webhook.office.com/webhookb2/s3cret@tenant/IncomingWebhook/x/y',
      },
      'https://contoso.webhook.office.com/webhookb2/…',
    ],
    [
      {
        kind: 'teams',
        url: 'https://prod-01.westus.logic.azure.com/workflows/abc/triggers/manual?sig=s3cret',
      },
      'https://prod-01.westus.logic.azure.com/workflows/abc/triggers/manual',
    ],
    [
      { kind: 'webhook', url: 'https://user:pw@hooks.example.com/mesh?token=s3cret' },
      'https://hooks.example.com/mesh?…',
    ],
    [{ kind: 'webhook', url: 'https://hooks.example.com/mesh' }, 'https://hooks.example.com/mesh'],
  ] as const)('mask the secret part of a %j channel', (channel, shown) => {
    expect(maskedChannel(channel)).toEqual({ kind: channel.kind, url: shown });
  });

  it('leave addresses and ARNs as they are: they grant nothing', () => {
    const queue = { kind: 'sqs', queueArn: 'arn:aws:sqs:eu-west-1:123456789012:orders' } as const;
    expect(maskedChannel(queue)).toEqual(queue);
    expect(maskedChannel({ kind: 'email', address: 'bi@example.com' })).toEqual({
      kind: 'email',
      address: 'bi@example.com',
    });
  });
});
