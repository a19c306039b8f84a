import { slackUrlLabel } from '../../core/notifications/channel-labels';
import { type Channel, isSlackWebhookUrl, type Notification } from '../../core/notifications/subscription';
import { type ChannelSender, type DeliveryContext, DeliveryError } from '../../ports/channel-sender';
import { notificationFacts, safeLink } from './notification-facts';
import { postJson } from './outbound-http';
import type { HttpChannelOptions } from './webhook-channel';

/** The Block Kit limits the builder keeps to (longer texts are cut with an ellipsis). */
const LIMITS = { header: 150, section: 3000, field: 2000, context: 2000, text: 3000, buttonUrl: 3000 };

const cut = (value: string, max: number): string =>
  value.length > max ? `${value.slice(0, max - 1)}…` : value;

/** Slack's mrkdwn needs `&`, `<` and `>` escaped; everything else is shown as written. */
export const escapeMrkdwn = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export interface SlackMessage {
  /** The fallback: notifications, screen readers, clients without Block Kit. */
  text: string;
  blocks: Array<Record<string, unknown>>;
}

/**
 * The Slack message of a notification: a header (the title), the summary, the facts (product, change, verdict,
 * audience, contract version), the downstream path in a context line, and a button when there is a link.
 */
export const slackMessage = (notification: Notification): SlackMessage => {
  const facts = notificationFacts(notification);
  const path = facts.find((f) => f.label === 'Downstream path');
  const fields = facts.filter((f) => f !== path).slice(0, 10);
  const link = safeLink(notification.link);
  const summary = notification.summary.trim();
  const blocks: Array<Record<string, unknown>> = [
    {
      type: 'header',
      text: { type: 'plain_text', text: cut(notification.title, LIMITS.header), emoji: true },
    },
    ...(summary
      ? [{ type: 'section', text: { type: 'mrkdwn', text: cut(escapeMrkdwn(summary), LIMITS.section) } }]
      : []),
    {
      type: 'section',
      fields: fields.map((f) => ({
        type: 'mrkdwn',
        text: cut(`*${f.label}*\n${escapeMrkdwn(f.value)}`, LIMITS.field),
      })),
    },
    ...(path
      ? [
          {
            type: 'context',
            elements: [
              { type: 'mrkdwn', text: cut(`*Downstream path:* ${escapeMrkdwn(path.value)}`, LIMITS.context) },
            ],
          },
        ]
      : []),
    ...(link && link.length <= LIMITS.buttonUrl
      ? [
          {
            type: 'actions',
            elements: [
              {
                type: 'button',
                text: { type: 'plain_text', text: 'Open in the catalogue', emoji: true },
                url: link,
                action_id: 'open-notification-link',
              },
            ],
          },
        ]
      : []),
  ];
  const text = cut(`${notification.title}${summary ? `\n${summary}` : ''}`, LIMITS.text);
  return { text: escapeMrkdwn(text), blocks };
};

/**
 * Slack incoming webhooks. On AWS the URL must be a Slack incoming webhook; locally any URL is accepted (local
 * receivers). The URL's last path segments are its secret: messages show `https://hooks.slack.com/services/T…/…`.
 */
export class SlackChannel implements ChannelSender {
  constructor(private readonly options: HttpChannelOptions) {}

  async send(channel: Channel, notification: Notification, _context: DeliveryContext): Promise<void> {
    if (channel.kind !== 'slack') {
      throw new DeliveryError(`the Slack channel cannot deliver to a ${channel.kind} channel`, 'permanent');
    }
    if (this.options.mode === 'aws' && !isSlackWebhookUrl(channel.url)) {
      throw new DeliveryError(
        `${slackUrlLabel(channel.url)} is not a Slack incoming webhook URL: expected https://hooks.slack.com/services/…`,
        'permanent',
      );
    }
    await postJson(channel.url, slackMessage(notification), {
      mode: this.options.mode,
      label: slackUrlLabel(channel.url),
      ...(this.options.timeoutMs === undefined ? {} : { timeoutMs: this.options.timeoutMs }),
      ...(this.options.resolve ? { resolve: this.options.resolve } : {}),
    });
  }
}

export { isSlackWebhookUrl };
