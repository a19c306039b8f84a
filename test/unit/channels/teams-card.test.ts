import { describe, expect, it } from 'vitest';
import { teamsCard } from '../../../functions/adapters/channels/teams-channel';
import { sampleNotification } from './sample-notification';

describe('teamsCard', () => {
  it('is a message with one Adaptive Card 1.4 attachment', () => {
    const message = teamsCard(sampleNotification());
    expect(message.type).toBe('message');
    expect(message.attachments).toHaveLength(1);
    expect(message.attachments[0]).toMatchObject({
      contentType: 'application/vnd.microsoft.card.adaptive',
      content: {
        $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
        type: 'AdaptiveCard',
        version: '1.4',
      },
    });
  });

  it('shows the title, the summary and the facts', () => {
    const body = teamsCard(sampleNotification()).attachments[0]?.content.body as Array<
      Record<string, unknown>
    >;
    expect(body[0]).toEqual({
      type: 'TextBlock',
      text: 'sales.orders 2.0.0: breaking schema change',
      weight: 'Bolder',
      size: 'Medium',
      wrap: true,
    });
    expect(body[1]).toMatchObject({ type: 'TextBlock', text: expect.stringContaining('Column'), wrap: true });
    expect(body[2]).toEqual({
      type: 'FactSet',
      facts: [
        { title: 'Product', value: 'sales.orders' },
        { title: 'Change', value: 'Breaking schema change' },
        { title: 'Verdict', value: 'breaking' },
        { title: 'Contract version', value: '2.0.0' },
        { title: 'Audience', value: 'Consumer (you use this product)' },
        { title: 'Downstream path', value: 'sales.orders → finance.daily-revenue' },
      ],
    });
  });

  it('opens the link when there is one, and has no actions otherwise', () => {
    expect(teamsCard(sampleNotification()).attachments[0]?.content.actions).toEqual([
      {
        type: 'Action.OpenUrl',
        title: 'Open in the catalogue',
        url: 'https://catalog.example.com/products/sales.orders',
      },
    ]);
    expect(teamsCard(sampleNotification({ link: undefined })).attachments[0]?.content).not.toHaveProperty(
      'actions',
    );
  });

  it('is valid JSON for a producer notice without path', () => {
    const card = teamsCard(
      sampleNotification({ audience: 'producer', type: 'subscriber-added', path: undefined }),
    );
    const body = (card.attachments[0]?.content.body ?? []) as Array<{ facts?: Array<{ title: string }> }>;
    const facts = body[2]?.facts;
    expect(facts?.map((f) => f.title)).not.toContain('Downstream path');
    expect(JSON.parse(JSON.stringify(card))).toEqual(card);
  });
});
