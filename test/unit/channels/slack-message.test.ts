import { describe, expect, it } from 'vitest';
import {
  escapeMrkdwn,
  isSlackWebhookUrl,
  slackMessage,
} from '../../../functions/adapters/channels/slack-channel';
import { sampleNotification } from './sample-notification';

interface Block {
  type: string;
  text?: { type: string; text: string };
  fields?: Array<{ type: string; text: string }>;
  [key: string]: unknown;
}

describe('slackMessage', () => {
  const message = slackMessage(sampleNotification());
  const blocks = message.blocks as unknown as Block[];

  it('opens with the title as header and the summary as mrkdwn section', () => {
    expect(blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: 'sales.orders 2.0.0: breaking schema change', emoji: true },
    });
    expect(blocks[1]).toEqual({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: 'Column `amount` was removed.\nVerdict: breaking &lt;see contract&gt; &amp; more',
      },
    });
  });

  it('shows product, change, verdict, contract version and audience as fields', () => {
    const fields = (blocks[2]?.fields ?? []).map((f) => f.text);
    expect(fields).toEqual([
      '*Product*\nsales.orders',
      '*Change*\nBreaking schema change',
      '*Verdict*\nbreaking',
      '*Contract version*\n2.0.0',
      '*Audience*\nConsumer (you use this product)',
    ]);
  });

  it('shows the downstream path in a context block and the link as a button', () => {
    expect(blocks[3]).toEqual({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: '*Downstream path:* sales.orders → finance.daily-revenue' }],
    });
    expect(blocks[4]).toMatchObject({
      type: 'actions',
      elements: [{ type: 'button', url: 'https://catalog.example.com/products/sales.orders' }],
    });
  });

  it('has a fallback text', () => {
    expect(message.text).toContain('sales.orders 2.0.0: breaking schema change');
  });

  it('leaves out path, button and an empty summary when there are none', () => {
    const bare = slackMessage(sampleNotification({ path: ['sales.orders'], link: undefined, summary: ' ' }));
    expect(bare.blocks.map((b) => b.type)).toEqual(['header', 'section']);
    expect(bare.blocks[1]).toHaveProperty('fields');
  });

  it('does not turn a non-http link into a button', () => {
    const js = slackMessage(sampleNotification({ link: 'javascript:alert(1)' }));
    expect(js.blocks.some((b) => b.type === 'actions')).toBe(false);
  });

  it('keeps to the header length limit', () => {
    const long = slackMessage(sampleNotification({ title: 'x'.repeat(400) }));
    expect((long.blocks[0] as unknown as Block).text?.text).toHaveLength(150);
  });

  it('escapes mrkdwn control characters only', () => {
    expect(escapeMrkdwn('<a> & *b*')).toBe('&lt;a&gt; &amp; *b*');
  });
});

describe('isSlackWebhookUrl', () => {
  it.each([
    ['https://hooks.slack.com/services/T000/B000/XXXX', true],
    ['https://hooks.slack-gov.com/services/T000/B000/XXXX', true],
    ['http://hooks.slack.com/services/T000/B000/XXXX', false],
    ['https://hooks.slack.com/services/', false],
    ['https://hooks.slack.com.evil.example/services/T/B/X', false],
    ['https://hooks.slack.com:8443/services/T/B/X', false],
    ['https://example.com/services/T/B/X', false],
    ['not a url', false],
  ])('%s → %s', (url, expected) => {
    expect(isSlackWebhookUrl(url)).toBe(expected);
  });
});
