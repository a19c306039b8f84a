import type { Channel } from './subscription';

/*
 * Slack and Teams incoming-webhook URLs are credentials: whoever has one can post to the channel. Webhook URLs
 * may carry tokens in their query or user info. Messages, errors and listings show these labels instead.
 */

/** A URL as messages may show it: no credentials, no query, no fragment. */
export const describeUrl = (url: URL | string): string => {
  const parsed = typeof url === 'string' ? new URL(url) : url;
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
};

/** Keeps the first `keep` path segments and masks the rest: `https://hooks.slack.com/services/T1/B2/…`. */
export const maskPath = (url: URL | string, keep: number): string => {
  const parsed = typeof url === 'string' ? new URL(url) : url;
  const segments = parsed.pathname.split('/').slice(1);
  const shown = segments.slice(0, keep);
  const masked = segments.length > keep ? [...shown, '…'] : shown;
  return `${parsed.protocol}//${parsed.host}/${masked.join('/')}`;
};

/** `https://hooks.slack.com/services/T1/…`: the workspace is shown, the secret path is not. */
export const slackUrlLabel = (url: string): string => {
  try {
    return maskPath(url, 2);
  } catch {
    return 'the URL';
  }
};

/** Connector URLs (`…webhook.office.com/webhookb2/<secret path>`) carry their secret in the path. */
export const teamsUrlLabel = (url: string): string => {
  try {
    const parsed = new URL(url);
    return parsed.hostname.endsWith('.webhook.office.com') ? maskPath(parsed, 1) : describeUrl(parsed);
  } catch {
    return 'the URL';
  }
};

/** A webhook URL without credentials or query; `?…` tells that something was left out. */
const webhookUrlLabel = (url: string): string => {
  try {
    const parsed = new URL(url);
    const hidden = parsed.search !== '' || parsed.username !== '' || parsed.password !== '';
    return `${describeUrl(parsed)}${hidden ? '?…' : ''}`;
  } catch {
    return 'the URL';
  }
};

/** A channel as anyone who may list subscriptions may see it: the URLs that grant access masked. */
export const maskedChannel = (channel: Channel): Channel => {
  switch (channel.kind) {
    case 'slack':
      return { ...channel, url: slackUrlLabel(channel.url) };
    case 'teams':
      return { ...channel, url: teamsUrlLabel(channel.url) };
    case 'webhook':
      return { ...channel, url: webhookUrlLabel(channel.url) };
    default:
      return channel;
  }
};
