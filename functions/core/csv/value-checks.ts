import type { Buffer } from 'node:buffer';

/*
 * Byte-level readers of one value per logical type. Each reads the longest well-formed value starting at
 * `start` (not past `limit`) and returns the position after it, or -1 when none starts there; the value is
 * left in `scanned.value`. A field is valid when the reader stops exactly at its end; the fast path also
 * uses them to find where a field ends. They create no strings, except `scanNumber` in rare cases.
 */

const ZERO = 48;
const PLUS = 43;
const MINUS = 45;
const DOT = 46;
const COLON = 58;

/** The value read by the last successful scan: integer, number, date key, or timestamp in epoch ms. */
export const scanned = { value: 0 };

/** Two ASCII digits at `at` as a number, or -1. */
const twoDigits = (buf: Uint8Array, at: number): number => {
  const a = (buf[at] as number) - ZERO;
  const b = (buf[at + 1] as number) - ZERO;
  return a >>> 0 > 9 || b >>> 0 > 9 ? -1 : a * 10 + b;
};

/** `[+-]?[0-9]+`. Past 2^53 the value is no longer exact but stays beyond `Number.MAX_SAFE_INTEGER`. */
export const scanInteger = (buf: Uint8Array, start: number, limit: number): number => {
  let i = start;
  const first = buf[i];
  if (first === PLUS || first === MINUS) i++;
  const digits = i;
  let value = 0;
  while (i < limit) {
    const d = (buf[i] as number) - ZERO;
    if (d >>> 0 > 9) break;
    value = value * 10 + d;
    i++;
  }
  if (i === digits) return -1;
  scanned.value = first === MINUS ? -value : value;
  return i;
};

/** Exact powers of ten: a double holds 10^k exactly up to k = 22. */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * A decimal number `[+-]?(digits[.digits]|.digits)([eE][+-]?digits)?`: no `NaN`/`Infinity` literals,
 * thousands separators or hex. The value is ±Infinity when it does not fit a double. When `needValue` is
 * false and the value is surely finite it is not computed.
 */
export const scanNumber = (buf: Buffer, start: number, limit: number, needValue: boolean): number => {
  let i = start;
  const first = buf[i];
  if (first === PLUS || first === MINUS) i++;
  let mantissa = 0;
  let digits = 0;
  let fraction = 0;
  while (i < limit) {
    const d = (buf[i] as number) - ZERO;
    if (d >>> 0 > 9) break;
    mantissa = mantissa * 10 + d;
    digits++;
    i++;
  }
  if (i < limit && buf[i] === DOT) {
    i++;
    while (i < limit) {
      const d = (buf[i] as number) - ZERO;
      if (d >>> 0 > 9) break;
      mantissa = mantissa * 10 + d;
      fraction++;
      i++;
    }
    digits += fraction;
  }
  if (digits === 0) return -1;
  let exponent = 0;
  if (i + 1 < limit && (buf[i] === 0x65 || buf[i] === 0x45)) {
    let j = i + 1;
    const sign = buf[j];
    if (sign === PLUS || sign === MINUS) j++;
    const expStart = j;
    while (j < limit) {
      const d = (buf[j] as number) - ZERO;
      if (d >>> 0 > 9) break;
      if (exponent < 100_000) exponent = exponent * 10 + d;
      j++;
    }
    if (j > expStart) {
      i = j;
      if (sign === MINUS) exponent = -exponent;
    } else {
      exponent = 0;
    }
  }
  if (!needValue && exponent === 0 && digits < 300) return i;
  // Clinger's fast path: an exact mantissa scaled by an exact power of ten rounds correctly in one step.
  const scale = exponent - fraction;
  if (digits <= 15 && scale >= -22 && scale <= 22) {
    const value = scale >= 0 ? mantissa * (POW10[scale] as number) : mantissa / (POW10[-scale] as number);
    scanned.value = first === MINUS ? -value : value;
  } else {
    scanned.value = Number(buf.toString('latin1', start, i));
  }
  return i;
};

const lower = (buf: Uint8Array, at: number): number => (buf[at] as number) | 0x20;

/** Booleans: `true`/`false` in any letter case, and `1`/`0`. */
export const scanBoolean = (buf: Uint8Array, start: number, limit: number): number => {
  const b = buf[start];
  if (b === 0x30 || b === 0x31) return start + 1;
  // `| 0x20` lower-cases ASCII letters; only 'T' and 't' (and so on) map onto each letter below.
  const first = lower(buf, start);
  if (first === 0x74 && start + 4 <= limit) {
    return lower(buf, start + 1) === 0x72 && lower(buf, start + 2) === 0x75 && lower(buf, start + 3) === 0x65
      ? start + 4
      : -1;
  }
  if (first === 0x66 && start + 5 <= limit) {
    return lower(buf, start + 1) === 0x61 &&
      lower(buf, start + 2) === 0x6c &&
      lower(buf, start + 3) === 0x73 &&
      lower(buf, start + 4) === 0x65
      ? start + 5
      : -1;
  }
  return -1;
};

const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/** `year*10000 + month*100 + day` of a real calendar date, or -1. */
const calendarKey = (year: number, month: number, day: number): number => {
  if (month < 1 || month > 12 || day < 1) return -1;
  const days =
    month === 2
      ? isLeapYear(year)
        ? 29
        : 28
      : month === 4 || month === 6 || month === 9 || month === 11
        ? 30
        : 31;
  return day > days ? -1 : year * 10000 + month * 100 + day;
};

/** `YYYY-MM-DD` at `at` (10 bytes, not checked against any limit) as a calendar key, or -1. */
const isoDateKey = (buf: Uint8Array, at: number): number => {
  if (buf[at + 4] !== MINUS || buf[at + 7] !== MINUS) return -1;
  const hi = twoDigits(buf, at);
  const lo = twoDigits(buf, at + 2);
  const month = twoDigits(buf, at + 5);
  const day = twoDigits(buf, at + 8);
  if (hi < 0 || lo < 0 || month < 0 || day < 0) return -1;
  return calendarKey(hi * 100 + lo, month, day);
};

/** A fixed-width date layout: where the year, month and day digits are, and the separators between them. */
export interface DateFormat {
  readonly pattern: string;
  readonly length: number;
  readonly year: number;
  readonly month: number;
  readonly day: number;
  /** Per position: 0 for a digit, else the literal byte expected there. */
  readonly literals: Uint8Array;
  readonly iso: boolean;
}

/**
 * Compiles a date `format` made of `yyyy`, `MM`, `dd` and ASCII separators (`yyyy-MM-dd`, `dd.MM.yyyy`,
 * `MM/dd/yyyy`, `yyyyMMdd`, …). `YYYY` and `DD` are read as `yyyy` and `dd`, since that is what people mean
 * when they write them. Anything else (month names, one-digit fields, two-digit years) is unsupported:
 * returns undefined.
 */
export const compileDateFormat = (pattern: string): DateFormat | undefined => {
  const literals = new Uint8Array(pattern.length);
  let year = -1;
  let month = -1;
  let day = -1;
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i] as string;
    if (/[A-Za-z]/.test(ch)) {
      let j = i;
      while (pattern[j] === ch) j++;
      const token = pattern.slice(i, j);
      if ((token === 'yyyy' || token === 'YYYY') && year < 0) year = i;
      else if (token === 'MM' && month < 0) month = i;
      else if ((token === 'dd' || token === 'DD') && day < 0) day = i;
      else return undefined;
      i = j;
      continue;
    }
    const code = pattern.charCodeAt(i);
    if (code >= 0x80 || (code >= ZERO && code <= ZERO + 9)) return undefined;
    literals[i] = code;
    i++;
  }
  if (year < 0 || month < 0 || day < 0) return undefined;
  const iso =
    pattern.length === 10 &&
    year === 0 &&
    month === 5 &&
    day === 8 &&
    literals[4] === MINUS &&
    literals[7] === MINUS;
  return { pattern, length: pattern.length, year, month, day, literals, iso };
};

export const ISO_DATE = compileDateFormat('yyyy-MM-dd') as DateFormat;

/** A date in `format`; its value is the key `year*10000 + month*100 + day`, ordered like the dates. */
export const scanDate = (buf: Uint8Array, start: number, limit: number, format: DateFormat): number => {
  const end = start + format.length;
  if (end > limit) return -1;
  let key: number;
  if (format.iso) {
    key = isoDateKey(buf, start);
  } else {
    const literals = format.literals;
    for (let k = 0; k < format.length; k++) {
      const literal = literals[k] as number;
      const b = buf[start + k] as number;
      if (literal !== 0 ? b !== literal : (b - ZERO) >>> 0 > 9) return -1;
    }
    const y = start + format.year;
    const year = twoDigits(buf, y) * 100 + twoDigits(buf, y + 2);
    key = calendarKey(year, twoDigits(buf, start + format.month), twoDigits(buf, start + format.day));
  }
  if (key < 0) return -1;
  scanned.value = key;
  return end;
};

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
const daysFromCivil = (year: number, month: number, day: number): number => {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
};

/**
 * An ISO 8601 timestamp `YYYY-MM-DD(T|t| )hh:mm[:ss[.fraction]][Z|z|±hh:mm|±hhmm|±hh]`, or also a bare
 * `YYYY-MM-DD` when `allowDateOnly` (for bounds). The value, computed when `needValue`, is milliseconds since
 * the epoch, a timestamp without a zone being read as UTC.
 */
export const scanTimestamp = (
  buf: Uint8Array,
  start: number,
  limit: number,
  needValue: boolean,
  allowDateOnly = false,
): number => {
  if (start + 10 > limit) return -1;
  const date = isoDateKey(buf, start);
  if (date < 0) return -1;
  let i = start + 10;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let fraction = 0;
  let offset = 0;
  const sep = buf[i];
  if (i + 6 <= limit && (sep === 0x54 || sep === 0x74 || sep === 0x20)) {
    hour = twoDigits(buf, i + 1);
    minute = twoDigits(buf, i + 4);
    if (buf[i + 3] !== COLON || hour < 0 || hour > 23 || minute < 0 || minute > 59) return -1;
    i += 6;
    if (i < limit && buf[i] === COLON) {
      second = i + 3 <= limit ? twoDigits(buf, i + 1) : -1;
      if (second < 0 || second > 59) return -1;
      i += 3;
      if (i < limit && buf[i] === DOT) {
        i++;
        const fractionStart = i;
        let scale = 100;
        while (i < limit) {
          const d = (buf[i] as number) - ZERO;
          if (d >>> 0 > 9) break;
          if (needValue) {
            fraction += d * scale;
            scale /= 10;
          }
          i++;
        }
        if (i === fractionStart) return -1;
      }
    }
    const zone = buf[i];
    if (i < limit && (zone === 0x5a || zone === 0x7a)) {
      i++;
    } else if (i < limit && (zone === PLUS || zone === MINUS)) {
      const hours = i + 3 <= limit ? twoDigits(buf, i + 1) : -1;
      if (hours < 0 || hours > 23) return -1;
      i += 3;
      let minutes = 0;
      if (i < limit && buf[i] === COLON) {
        minutes = i + 3 <= limit ? twoDigits(buf, i + 1) : -1;
        if (minutes < 0) return -1;
        i += 3;
      } else if (i + 2 <= limit && twoDigits(buf, i) >= 0) {
        minutes = twoDigits(buf, i);
        i += 2;
      }
      if (minutes > 59) return -1;
      offset = (zone === MINUS ? -1 : 1) * (hours * 60 + minutes);
    }
  } else if (!allowDateOnly) {
    return -1;
  }
  if (needValue) {
    const year = Math.floor(date / 10000);
    const days = daysFromCivil(year, Math.floor(date / 100) % 100, date % 100);
    scanned.value = days * 86_400_000 + ((hour * 60 + minute - offset) * 60 + second) * 1000 + fraction;
  }
  return i;
};

/** Length in Unicode code points of UTF-8 bytes: every byte that does not continue a character. */
export const countCodePoints = (buf: Uint8Array, start: number, end: number): number => {
  let count = 0;
  for (let i = start; i < end; i++) if (((buf[i] as number) & 0xc0) !== 0x80) count++;
  return count;
};

/** True when `buf[start, end)` equals `value` byte for byte. */
export const bytesEqual = (buf: Uint8Array, start: number, end: number, value: Uint8Array): boolean => {
  if (end - start !== value.length) return false;
  for (let k = 0; k < value.length; k++) if (buf[start + k] !== value[k]) return false;
  return true;
};
