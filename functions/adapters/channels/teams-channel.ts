import { teamsUrlLabel } from '../../core/notifications/channel-labels';
import type { Channel, Notification } from '../../core/notifications/subscription';
import { type ChannelSender, type DeliveryContext, DeliveryError } from '../../ports/channel-sender';
import { notificationFacts, safeLink } from './notification-facts';
import { postJson } from './outbound-http';
import type { HttpChannelOptions } from './webhook-channel';

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

export interface TeamsMessage {
  type: 'message';
  attachments: Array<{
    contentType: typeof ADAPTIVE_CARD_CONTENT_TYPE;
    contentUrl: null;
    content: Record<string, unknown>;
  }>;
}

/**
 * The Teams message of a notification: one Adaptive Card (1.4, what Teams renders) with the title, the
 * summary, a fact set (product, change, verdict, audience, contract version, downstream path) and an
 * "open" action when there is a link. Works with Workflows (Power Automate) webhooks and the retired
 * Office 365 connectors alike.
 */
export const teamsCard = (notification: Notification): TeamsMessage => {
  const link = safeLink(notification.link);
  const summary = notification.summary.trim();
  return {
    type: 'message',
    attachments: [
      {
        contentType: ADAPTIVE_CARD_CONTENT_TYPE,
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            { type: 'TextBlock', text: notification.title, weight: 'Bolder', size: 'Medium', wrap: true },
            ...(summary ? [{ type: 'TextBlock', text: summary, wrap: true }] : []),
            {
              type: 'FactSet',
              facts: notificationFacts(notification).map((f) => ({ title: f.label, value: f.value })),
            },
          ],
          ...(link
            ? { actions: [{ type: 'Action.OpenUrl', title: 'Open in the catalogue', url: link }] }
            : {}),
          msteams: { width: 'Full' },
        },
      },
    ],
  };
};

/** Microsoft Teams: a Workflows (or connector) incoming webhook receiving an Adaptive Card. */
export class TeamsChannel implements ChannelSender {
  constructor(private readonly options: HttpChannelOptions) {}

  async send(channel: Channel, notification: Notification, _context: DeliveryContext): Promise<void> {
    if (channel.kind !== 'teams') {
      throw new DeliveryError(`the Teams channel cannot deliver to a ${channel.kind} channel`, 'permanent');
    }
    await postJson(channel.url, teamsCard(notification), {
      mode: this.options.mode,
      label: teamsUrlLabel(channel.url),
      ...(this.options.timeoutMs === undefined ? {} : { timeoutMs: this.options.timeoutMs }),
      ...(this.options.resolve ? { resolve: this.options.resolve } : {}),
    });
  }
}
