import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Channel, Notification } from '../../core/notifications/subscription';
import { type ChannelSender, type DeliveryContext, DeliveryError } from '../../ports/channel-sender';
import { deliveryErrorFromAws } from './aws-delivery-error';
import { notificationFacts } from './notification-facts';

export const DEFAULT_FROM_ADDRESS = 'Data Mesh <data-mesh@example.com>';

// ---------------------------------------------------------------------------------------------------------------
// Content
// ---------------------------------------------------------------------------------------------------------------

/** One header line's worth: line breaks would start a new header (header injection), so they become spaces. */
const oneLine = (value: string): string => value.replace(/[\r\n]+/g, ' ').trim();

/** The plain-text body: the summary, the facts, the link, and where it came from. */
export const emailText = (notification: Notification): string => {
  const facts = notificationFacts(notification).map((f) => `${f.label}: ${f.value}`);
  return [
    notification.summary.trim(),
    '',
    ...facts,
    ...(notification.link ? ['', `Open: ${notification.link}`] : []),
    '',
    '-- ',
    `Data mesh notification ${notification.id}`,
    `about ${notification.source.detailType} ${notification.source.eventId} at ${notification.occurredAt}`,
    '',
  ].join('\n');
};

const isAscii = (value: string): boolean => /^[\x20-\x7e]*$/.test(value);

/** UTF-8 bytes per encoded word: 36 bytes → 48 base64 characters, a 60-character word. */
const WORD_BYTES = 36;

/**
 * RFC 2047: a header text with non-ASCII characters as `=?UTF-8?B?…?=` words, each under 75 characters and cut
 * between characters (never inside one), folded onto continuation lines. ASCII text is returned as it is.
 */
export const encodeHeaderText = (value: string): string => {
  const text = oneLine(value);
  if (isAscii(text)) return text;
  const words: string[] = [];
  let chunk = '';
  for (const char of text) {
    if (Buffer.byteLength(chunk + char) > WORD_BYTES) {
      words.push(chunk);
      chunk = '';
    }
    chunk += char;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`).join('\r\n ');
};

/** Folds a long ASCII header at spaces so lines stay under 78 characters where possible. */
const foldAscii = (line: string): string => {
  if (line.length <= 78) return line;
  const out: string[] = [];
  let rest = line;
  while (rest.length > 78) {
    const at = rest.lastIndexOf(' ', 78);
    if (at <= 0) break;
    out.push(rest.slice(0, at));
    rest = rest.slice(at);
  }
  out.push(rest);
  return out.join('\r\n');
};

const header = (name: string, value: string): string => {
  const encoded = encodeHeaderText(value);
  return encoded.includes('=?UTF-8?') ? `${name}: ${encoded}` : foldAscii(`${name}: ${encoded}`);
};

/** `Name <address>` with the name quoted or encoded as needed; a bare address as it is. */
export const formatAddress = (value: string): string => {
  const match = /^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/.exec(oneLine(value));
  if (!match) return oneLine(value);
  const [, name = '', address = ''] = match;
  if (!name) return address;
  if (!isAscii(name)) return `${encodeHeaderText(name)} <${address}>`;
  return /[()<>[\]:;@\\,."]/.test(name)
    ? `"${name.replace(/["\\]/g, '\\$&')}" <${address}>`
    : `${name} <${address}>`;
};

const addressPart = (value: string): string => /<([^>]+)>/.exec(value)?.[1] ?? value.trim();

/** RFC 5322 date: `Wed, 01 May 2024 12:00:00 +0000`. */
export const rfc5322Date = (date: Date): string => date.toUTCString().replace(/GMT$/, '+0000');

/** A message id from the notification id: the same notification is the same message. */
export const messageIdFor = (notification: Notification, fromAddress: string): string => {
  const domain = addressPart(fromAddress).split('@')[1] || 'datamesh.local';
  return `<${notification.id.replace(/[^A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]/g, '-')}@${domain}>`;
};

/** Quoted-printable (RFC 2045) of UTF-8 text, CRLF lines, soft breaks at 76 characters. */
export const quotedPrintable = (text: string): string =>
  text
    .split(/\r?\n/)
    .map((line) => {
      const bytes = Buffer.from(line, 'utf8');
      const tokens = [...bytes].map((b, i) => {
        const trailingBlank = (b === 0x20 || b === 0x09) && i === bytes.length - 1;
        const plain = (b >= 0x20 && b <= 0x7e && b !== 0x3d) || b === 0x09;
        return plain && !trailingBlank
          ? String.fromCharCode(b)
          : `=${b.toString(16).toUpperCase().padStart(2, '0')}`;
      });
      const out: string[] = [];
      let current = '';
      for (const token of tokens) {
        if (current.length + token.length > 75) {
          out.push(`${current}=`);
          current = '';
        }
        current += token;
      }
      out.push(current);
      return out.join('\r\n');
    })
    .join('\r\n');

export interface EmlOptions {
  from: string;
  to: string;
  date: Date;
}

/**
 * The notification as an RFC 5322 message: plain text, UTF-8, `8bit` (or quoted-printable when a line is too
 * long for 8bit), CRLF line ends, the subject RFC 2047-encoded when it is not ASCII.
 */
export const emlMessage = (notification: Notification, options: EmlOptions): string => {
  const body = emailText(notification);
  const lines = body.split('\n');
  const eightBit = lines.every((l) => Buffer.byteLength(l) <= 998);
  const headers = [
    `From: ${formatAddress(options.from)}`,
    `To: ${formatAddress(options.to)}`,
    header('Subject', notification.title),
    `Date: ${rfc5322Date(options.date)}`,
    `Message-ID: ${messageIdFor(notification, options.from)}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Transfer-Encoding: ${eightBit ? '8bit' : 'quoted-printable'}`,
    'Auto-Submitted: auto-generated',
    header('X-Datamesh-Notification-Id', notification.id),
    header('X-Datamesh-Product', notification.productId),
    header('X-Datamesh-Type', notification.type),
  ];
  const content = eightBit ? lines.join('\r\n') : quotedPrintable(body);
  return `${headers.join('\r\n')}\r\n\r\n${content}`;
};

/** `20240501T120000Z`: the notification's time, safe in file names on every system. */
const fileStamp = (occurredAt: string): string => {
  const date = new Date(occurredAt);
  if (Number.isNaN(date.getTime())) return occurredAt.replace(/[^0-9A-Za-z]/g, '') || 'undated';
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
};

/** `<timestamp>-<notification id>.eml`: the same notification always has the same file. */
export const emlFileName = (notification: Notification): string =>
  `${fileStamp(notification.occurredAt)}-${notification.id.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 200)}.eml`;

// ---------------------------------------------------------------------------------------------------------------
// Channels
// ---------------------------------------------------------------------------------------------------------------

const requireEmail = (channel: Channel): string => {
  if (channel.kind !== 'email') {
    throw new DeliveryError(`the e-mail channel cannot deliver to a ${channel.kind} channel`, 'permanent');
  }
  return channel.address;
};

export interface SesEmailChannelOptions {
  client: SESv2Client;
  /** The verified sender: `data-mesh@example.com` or `Data Mesh <data-mesh@example.com>`. */
  fromAddress: string;
  configurationSetName?: string;
}

/** E-mail on AWS: Amazon SES v2, a simple message (subject = title, text body = summary and details). */
export class SesEmailChannel implements ChannelSender {
  constructor(private readonly options: SesEmailChannelOptions) {}

  async send(channel: Channel, notification: Notification, _context: DeliveryContext): Promise<void> {
    const to = requireEmail(channel);
    try {
      await this.options.client.send(
        new SendEmailCommand({
          FromEmailAddress: formatAddress(this.options.fromAddress),
          Destination: { ToAddresses: [to] },
          Content: {
            Simple: {
              Subject: { Data: oneLine(notification.title), Charset: 'UTF-8' },
              Body: { Text: { Data: emailText(notification), Charset: 'UTF-8' } },
              Headers: [
                { Name: 'Auto-Submitted', Value: 'auto-generated' },
                { Name: 'X-Datamesh-Notification-Id', Value: oneLine(notification.id) },
              ],
            },
          },
          ...(this.options.configurationSetName
            ? { ConfigurationSetName: this.options.configurationSetName }
            : {}),
        }),
      );
    } catch (error) {
      throw deliveryErrorFromAws(error, `SES SendEmail to ${to}`);
    }
  }
}

export interface OutboxEmailChannelOptions {
  /** Where the `.eml` files go (created when missing). */
  outboxDir: string;
  fromAddress?: string;
  clock?: () => Date;
}

/**
 * E-mail locally: one RFC 5322 `.eml` file per notification in an outbox folder, which any mail client opens.
 * Idempotent: a notification sent again overwrites its file (written aside and renamed: never half a file).
 */
export class OutboxEmailChannel implements ChannelSender {
  constructor(private readonly options: OutboxEmailChannelOptions) {}

  async send(channel: Channel, notification: Notification, _context: DeliveryContext): Promise<void> {
    const to = requireEmail(channel);
    const file = join(this.options.outboxDir, emlFileName(notification));
    const message = emlMessage(notification, {
      from: this.options.fromAddress ?? DEFAULT_FROM_ADDRESS,
      to,
      date: this.options.clock?.() ?? new Date(),
    });
    const temporary = `${file}.${randomUUID()}.tmp`;
    try {
      await mkdir(this.options.outboxDir, { recursive: true });
      await writeFile(temporary, message, 'utf8');
      await rename(temporary, file);
    } catch (error) {
      await rm(temporary, { force: true }).catch(() => undefined);
      throw new DeliveryError(
        `writing ${file} failed: ${error instanceof Error ? error.message : String(error)}`,
        'retryable',
      );
    }
  }
}
