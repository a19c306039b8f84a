import { describe, expect, it } from 'vitest';
import {
  emailText,
  emlFileName,
  emlMessage,
  encodeHeaderText,
  formatAddress,
  quotedPrintable,
  rfc5322Date,
} from '../../../functions/adapters/channels/email-channel';
import { sampleNotification } from './sample-notification';

const DATE = new Date('2024-05-02T08:09:10Z');
const options = { from: 'Data Mesh <data-mesh@example.com>', to: 'alice@example.com', date: DATE };

/** Headers (unfolded) and body of a message. */
const parse = (eml: string) => {
  const [head = '', ...rest] = eml.split('\r\n\r\n');
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r\n[ \t]/g, ' ').split('\r\n')) {
    const at = line.indexOf(':');
    headers.set(line.slice(0, at), line.slice(at + 2));
  }
  return { headers, body: rest.join('\r\n\r\n') };
};

/** Decodes a header made of RFC 2047 B-encoded words only (words may split a text, never a character). */
const decodeWords = (value: string): string =>
  Buffer.concat(
    [...value.matchAll(/=\?UTF-8\?B\?([^?]*)\?=/g)].map((m) => Buffer.from(m[1] ?? '', 'base64')),
  ).toString('utf8');

describe('emlMessage', () => {
  const eml = emlMessage(sampleNotification(), options);
  const { headers, body } = parse(eml);

  it('has the RFC 5322 and MIME headers', () => {
    expect(headers.get('From')).toBe('Data Mesh <data-mesh@example.com>');
    expect(headers.get('To')).toBe('alice@example.com');
    expect(headers.get('Subject')).toBe('sales.orders 2.0.0: breaking schema change');
    expect(headers.get('Date')).toBe('Thu, 02 May 2024 08:09:10 +0000');
    expect(headers.get('Message-ID')).toBe('<ntf-0a1b2c3d4e5f@example.com>');
    expect(headers.get('MIME-Version')).toBe('1.0');
    expect(headers.get('Content-Type')).toBe('text/plain; charset=utf-8');
    expect(headers.get('Content-Transfer-Encoding')).toBe('8bit');
    expect(headers.get('Auto-Submitted')).toBe('auto-generated');
  });

  it('uses CRLF line ends only', () => {
    expect(eml.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('has the summary, the facts and the link in the body', () => {
    expect(body).toContain('Column `amount` was removed.\r\nVerdict: breaking <see contract> & more');
    expect(body).toContain('Product: sales.orders\r\nChange: Breaking schema change');
    expect(body).toContain('Downstream path: sales.orders → finance.daily-revenue');
    expect(body).toContain('Open: https://catalog.example.com/products/sales.orders');
  });

  it('encodes a non-ASCII subject as RFC 2047 words of at most 75 characters', () => {
    const title = 'Ventes — commandes 2.0.0 : changement de schéma incompatible 🚨 für Bestellungen';
    const raw = emlMessage(sampleNotification({ title }), options);
    const subjectLines = raw.slice(raw.indexOf('Subject:')).split('\r\n');
    const folded = [subjectLines[0] ?? '', ...subjectLines.slice(1).filter((l) => l.startsWith(' '))];
    expect(folded.length).toBeGreaterThan(1);
    for (const line of folded) expect(line.length).toBeLessThanOrEqual(78);
    for (const word of folded.join('').match(/=\?[^ ]+\?=/g) ?? [])
      expect(word.length).toBeLessThanOrEqual(75);
    const subject = parse(raw).headers.get('Subject') ?? '';
    expect(subject).toMatch(/^=\?UTF-8\?B\?/);
    expect(decodeWords(subject)).toBe(title);
    expect(raw).not.toContain('é');
    expect(raw.slice(0, raw.indexOf('\r\n\r\n'))).toMatch(/^[\x20-\x7e\r\n]*$/);
  });

  it('cannot be given extra headers through the title', () => {
    const raw = emlMessage(sampleNotification({ title: 'hi\r\nBcc: eve@example.com' }), options);
    expect(raw).not.toMatch(/^Bcc:/m);
    expect(parse(raw).headers.get('Subject')).toBe('hi Bcc: eve@example.com');
  });

  it('switches to quoted-printable when a line is too long for 8bit', () => {
    const raw = emlMessage(sampleNotification({ summary: `é${'a'.repeat(1200)}=` }), options);
    const parsed = parse(raw);
    expect(parsed.headers.get('Content-Transfer-Encoding')).toBe('quoted-printable');
    for (const line of parsed.body.split('\r\n')) expect(line.length).toBeLessThanOrEqual(76);
    expect(parsed.body.startsWith('=C3=A9aaa')).toBe(true);
  });
});

describe('pieces', () => {
  it('quoted-printable encodes =, non-ASCII and trailing blanks, and soft-breaks long lines', () => {
    expect(quotedPrintable('a=b é ')).toBe('a=3Db =C3=A9=20');
    const long = quotedPrintable('x'.repeat(100));
    expect(long.split('\r\n')).toEqual([`${'x'.repeat(75)}=`, 'x'.repeat(25)]);
  });

  it('encodes header text only when needed, never splitting a character', () => {
    expect(encodeHeaderText('plain text')).toBe('plain text');
    const encoded = encodeHeaderText('😀'.repeat(20));
    for (const word of encoded.split('\r\n ')) {
      const b64 = /^=\?UTF-8\?B\?(.*)\?=$/.exec(word)?.[1] ?? '';
      expect(Buffer.from(b64, 'base64').toString('utf8')).toMatch(/^(😀)+$/u);
    }
  });

  it('formats addresses', () => {
    expect(formatAddress('x@example.com')).toBe('x@example.com');
    expect(formatAddress('Data Mesh <x@example.com>')).toBe('Data Mesh <x@example.com>');
    expect(formatAddress('Mesh, Data <x@example.com>')).toBe('"Mesh, Data" <x@example.com>');
    expect(formatAddress('Données <x@example.com>')).toMatch(/^=\?UTF-8\?B\?.+\?= <x@example\.com>$/);
  });

  it('writes RFC 5322 dates', () => {
    expect(rfc5322Date(new Date('2024-12-31T23:59:59Z'))).toBe('Tue, 31 Dec 2024 23:59:59 +0000');
  });

  it('names the file after the notification time and id, the same each time', () => {
    expect(emlFileName(sampleNotification())).toBe('20240501T123456Z-ntf-0a1b2c3d4e5f.eml');
    expect(emlFileName(sampleNotification({ id: 'a/b:c' }))).toBe('20240501T123456Z-a_b_c.eml');
  });

  it('ends the text with where the notification came from', () => {
    expect(emailText(sampleNotification())).toContain(
      'about Data Product Schema Changed evt-1 at 2024-05-01T12:34:56.789Z',
    );
  });
});
