import { describe, expect, it } from 'vitest';
import {
  compileDateFormat,
  countCodePoints,
  ISO_DATE,
  scanBoolean,
  scanDate,
  scanInteger,
  scanNumber,
  scanned,
  scanTimestamp,
} from '../../../functions/core/csv/value-checks';

const b = (text: string) => Buffer.from(text, 'utf8');

/** The value when the whole text is read, else undefined. */
const whole = (text: string, scan: (buf: Buffer, start: number, limit: number) => number) => {
  const buf = b(text);
  return scan(buf, 0, buf.length) === buf.length ? scanned.value : undefined;
};

describe('value readers', () => {
  it('read integers exactly up to 2^53', () => {
    expect(whole('-0042', scanInteger)).toBe(-42);
    expect(whole('9007199254740991', scanInteger)).toBe(Number.MAX_SAFE_INTEGER);
    expect(whole('9007199254740993', scanInteger)).toBeGreaterThan(Number.MAX_SAFE_INTEGER);
    expect(whole('', scanInteger)).toBeUndefined();
    expect(whole('-', scanInteger)).toBeUndefined();
  });

  it('stop where a value ends, which tells the fast path where the field ends', () => {
    const buf = b('123,x');
    expect(scanInteger(buf, 0, buf.length)).toBe(3);
    expect(scanNumber(b('1.5e3x'), 0, 6, true)).toBe(5);
    expect(scanNumber(b('1e,'), 0, 3, true)).toBe(1);
    expect(scanBoolean(b('true,'), 0, 5)).toBe(4);
    expect(scanInteger(b('12'), 0, 1)).toBe(1);
  });

  it('read numbers with correct rounding', () => {
    for (const text of [
      '0.1',
      '7292.22',
      '-1.5',
      '.5',
      '5.',
      '1e10',
      '1E-3',
      '123456789.123456789',
      '4.35',
      '1e-7',
    ]) {
      expect(
        whole(text, (buf, s, l) => scanNumber(buf, s, l, true)),
        text,
      ).toBe(Number(text));
    }
    expect(whole('1e999', (buf, s, l) => scanNumber(buf, s, l, true))).toBe(Number.POSITIVE_INFINITY);
    expect(whole('1e999', (buf, s, l) => scanNumber(buf, s, l, false))).toBe(Number.POSITIVE_INFINITY);
  });

  it('read dates as ordered keys and reject impossible ones', () => {
    const date = (text: string, format = ISO_DATE) => whole(text, (buf, s, l) => scanDate(buf, s, l, format));
    expect(date('2024-02-29')).toBe(20240229);
    expect(date('2100-02-29')).toBeUndefined();
    expect(date('2024-00-10')).toBeUndefined();
    const german = compileDateFormat('dd.MM.yyyy');
    expect(german && date('29.02.2024', german)).toBe(20240229);
    expect(compileDateFormat('YYYY-MM-DD')?.iso).toBe(true);
    for (const unsupported of [
      'd.M.yyyy',
      'yy-MM-dd',
      'yyyy-MMM-dd',
      'yyyy-MM',
      'yyyy-MM-dd HH:mm',
      'dd.MM.yyyyé',
    ]) {
      expect(compileDateFormat(unsupported), unsupported).toBeUndefined();
    }
  });

  it('read timestamps as instants, zone-less ones as UTC', () => {
    const ms = (text: string) => whole(text, (buf, s, l) => scanTimestamp(buf, s, l, true));
    expect(ms('2024-05-06T10:00:00Z')).toBe(Date.parse('2024-05-06T10:00:00Z'));
    expect(ms('2024-05-06 12:00:00+02:00')).toBe(Date.parse('2024-05-06T10:00:00Z'));
    expect(ms('2024-05-06T04:30:00.250-0530')).toBe(Date.parse('2024-05-06T10:00:00.250Z'));
    expect(ms('1969-12-31T23:59:59Z')).toBe(-1000);
    expect(ms('0001-01-01T00:00:00Z')).toBe(Date.parse('0001-01-01T00:00:00Z'));
    expect(whole('2024-05-06', (buf, s, l) => scanTimestamp(buf, s, l, true, true))).toBe(
      Date.parse('2024-05-06'),
    );
  });

  it('count code points, not bytes or UTF-16 units', () => {
    const text = b('aʤ€😀');
    expect(countCodePoints(text, 0, text.length)).toBe(4);
  });
});
