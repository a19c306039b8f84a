import { Buffer } from 'node:buffer';
import type { Column } from '../contracts/data-contract';
import { quoteValues } from '../quote-values';
import { type BytePattern, compileBytePattern } from './byte-pattern';
import {
  bytesEqual,
  compileDateFormat,
  countCodePoints,
  type DateFormat,
  ISO_DATE,
  scanBoolean,
  scanDate,
  scanInteger,
  scanNumber,
  scanned,
  scanTimestamp,
} from './value-checks';

export const K_STRING = 0;
export const K_INTEGER = 1;
export const K_NUMBER = 2;
export const K_BOOLEAN = 3;
export const K_DATE = 4;
export const K_TIMESTAMP = 5;

const KINDS = {
  string: K_STRING,
  integer: K_INTEGER,
  number: K_NUMBER,
  boolean: K_BOOLEAN,
  date: K_DATE,
  timestamp: K_TIMESTAMP,
};

const TYPE_NAMES = [
  'a string',
  'an integer',
  'a number',
  'a boolean (true, false, 1 or 0)',
  'a date',
  'an ISO 8601 timestamp',
];

/** Up to this many allowed values are matched byte by byte; longer lists go through a Set of strings. */
const ALLOWED_BYTES_MAX = 16;

/** One bound, compared in the column's own order (numbers; `yyyymmdd` for dates; epoch ms for timestamps). */
export interface Bound {
  readonly value: number;
  /** As written in the contract, for messages. */
  readonly text: string;
}

/**
 * A contract column compiled for the hot loop. Every property is always present so that all rules share
 * one object shape.
 */
export interface ColumnRule {
  readonly index: number;
  readonly name: string;
  readonly kind: number;
  readonly typeName: string;
  /** Required, or part of the primary key. */
  readonly required: boolean;
  readonly dateFormat: DateFormat;
  readonly minimum: Bound | null;
  readonly maximum: Bound | null;
  readonly exclusiveMinimum: Bound | null;
  readonly exclusiveMaximum: Bound | null;
  readonly hasBounds: boolean;
  /**
   * For the fast path, every bound and range at once: a value passes when lo ≤ v ≤ hi and exLo < v < exHi
   * (integers within ±(2^53 − 1), numbers finite). Only used when `valueChecked`.
   */
  readonly lo: number;
  readonly hi: number;
  readonly exLo: number;
  readonly exHi: number;
  readonly valueChecked: boolean;
  /** -1 when not set. */
  readonly minLength: number;
  readonly maxLength: number;
  readonly pattern: RegExp | null;
  /** The pattern matched on bytes, when it is simple enough (see byte-pattern.ts). */
  readonly bytePattern: BytePattern | null;
  readonly allowedBytes: Buffer[] | null;
  readonly allowedSet: Set<string> | null;
  readonly allowedText: string;
  /** Length, pattern or allowed values to check on the text. */
  readonly hasTextChecks: boolean;
  /**
   * Its checks hold for a quoted value whose doubled quotes are still doubled: a string without key, pattern,
   * allowed values or minimum length (the maximum length can only shrink when they are undone).
   */
  readonly rawTextOk: boolean;
  /** Unique on its own, or part of the primary key: its fingerprint is taken. */
  readonly keyed: boolean;
}

const compileBound = (column: Column, kind: number, key: keyof Column, notices: string[]): Bound | null => {
  const raw = column[key];
  if (raw === undefined || raw === null) return null;
  const text = String(raw);
  const ignore = (why: string): null => {
    notices.push(`column "${column.name}": ${key} ${JSON.stringify(raw)} ignored: ${why}`);
    return null;
  };
  if (kind === K_INTEGER || kind === K_NUMBER) {
    const value = typeof raw === 'number' ? raw : Number(text);
    return Number.isFinite(value) && text.trim() !== '' ? { value, text } : ignore('not a number');
  }
  if (kind === K_DATE || kind === K_TIMESTAMP) {
    if (typeof raw !== 'string') return ignore('expected an ISO 8601 date or timestamp string');
    const bytes = Buffer.from(raw, 'utf8');
    // A date column may be bounded by a timestamp: its date part counts.
    const end = kind === K_DATE ? scanDate(bytes, 0, bytes.length, ISO_DATE) : -1;
    if (end > 0 && (end === bytes.length || scanTimestamp(bytes, 0, bytes.length, false) === bytes.length)) {
      return { value: scanned.value, text };
    }
    if (kind === K_TIMESTAMP && scanTimestamp(bytes, 0, bytes.length, true, true) === bytes.length) {
      return { value: scanned.value, text };
    }
    return ignore(`not an ISO 8601 ${kind === K_DATE ? 'date (YYYY-MM-DD)' : 'timestamp'}`);
  }
  return ignore(`bounds apply to numbers, dates and timestamps, not to ${column.logicalType} columns`);
};

const compilePattern = (column: Column, notices: string[]): RegExp | null => {
  if (column.pattern === undefined) return null;
  // JSON Schema semantics: an ECMA-262 regular expression, not anchored (anchor with ^…$ in the contract).
  for (const flags of ['u', '']) {
    try {
      return new RegExp(column.pattern, flags);
    } catch {
      // try the next flags
    }
  }
  notices.push(
    `column "${column.name}": pattern ${JSON.stringify(column.pattern)} is not a valid regular expression; ignored`,
  );
  return null;
};

const compileDateColumnFormat = (column: Column, kind: number, notices: string[]): DateFormat => {
  if (column.format === undefined) return ISO_DATE;
  if (kind === K_DATE) {
    const format = compileDateFormat(column.format);
    if (format) return format;
    notices.push(
      `column "${column.name}": date format ${JSON.stringify(column.format)} is not supported (use yyyy, MM, dd and separators); values are checked as yyyy-MM-dd`,
    );
  } else if (kind === K_TIMESTAMP) {
    notices.push(
      `column "${column.name}": timestamp format ${JSON.stringify(column.format)} is not interpreted; values are checked as ISO 8601`,
    );
  }
  return ISO_DATE;
};

const fastBounds = (
  kind: number,
  hasBounds: boolean,
  minimum: Bound | null,
  maximum: Bound | null,
  exclusiveMinimum: Bound | null,
  exclusiveMaximum: Bound | null,
) => {
  const limit =
    kind === K_INTEGER ? Number.MAX_SAFE_INTEGER : kind === K_NUMBER ? Number.MAX_VALUE : Infinity;
  return {
    lo: Math.max(minimum?.value ?? -Infinity, -limit),
    hi: Math.min(maximum?.value ?? Infinity, limit),
    exLo: exclusiveMinimum?.value ?? -Infinity,
    exHi: exclusiveMaximum?.value ?? Infinity,
    valueChecked: kind === K_INTEGER || kind === K_NUMBER || hasBounds,
  };
};

export const compileColumns = (columns: readonly Column[], notices: string[]): ColumnRule[] =>
  columns.map((column, index) => {
    const kind = KINDS[column.logicalType];
    const allowed = column.allowedValues ?? null;
    const minimum = compileBound(column, kind, 'minimum', notices);
    const maximum = compileBound(column, kind, 'maximum', notices);
    const exclusiveMinimum = compileBound(column, kind, 'exclusiveMinimum', notices);
    const exclusiveMaximum = compileBound(column, kind, 'exclusiveMaximum', notices);
    const hasBounds =
      minimum !== null || maximum !== null || exclusiveMinimum !== null || exclusiveMaximum !== null;
    const bounds = fastBounds(kind, hasBounds, minimum, maximum, exclusiveMinimum, exclusiveMaximum);
    const pattern = compilePattern(column, notices);
    return {
      index,
      name: column.name,
      kind,
      typeName: TYPE_NAMES[kind] as string,
      required: column.required || column.primaryKey,
      dateFormat: compileDateColumnFormat(column, kind, notices),
      minimum,
      maximum,
      exclusiveMinimum,
      exclusiveMaximum,
      hasBounds,
      lo: bounds.lo,
      hi: bounds.hi,
      exLo: bounds.exLo,
      exHi: bounds.exHi,
      valueChecked: bounds.valueChecked,
      minLength: column.minLength ?? -1,
      maxLength: column.maxLength ?? -1,
      pattern,
      bytePattern: pattern === null ? null : compileBytePattern(pattern.source),
      allowedBytes:
        allowed && allowed.length <= ALLOWED_BYTES_MAX
          ? allowed.map((value) => Buffer.from(value, 'utf8'))
          : null,
      allowedSet: allowed && allowed.length > ALLOWED_BYTES_MAX ? new Set(allowed) : null,
      allowedText: allowed ? quoteValues(allowed) : '',
      hasTextChecks:
        column.minLength !== undefined ||
        column.maxLength !== undefined ||
        pattern !== null ||
        allowed !== null,
      rawTextOk:
        kind === K_STRING &&
        !column.unique &&
        !column.primaryKey &&
        column.pattern === undefined &&
        allowed === null &&
        column.minLength === undefined,
      keyed: column.unique || column.primaryKey,
    };
  });

// Verdict bits of `checkValue`: one per rule a value breaks (0 = valid).
export const V_TYPE = 1;
/** With V_TYPE: the syntax is right but the value does not fit (integers past 2^53, numbers past a double). */
export const V_RANGE = 2;
export const V_MINIMUM = 4;
export const V_MAXIMUM = 8;
export const V_EXCLUSIVE_MINIMUM = 16;
export const V_EXCLUSIVE_MAXIMUM = 32;
export const V_MIN_LENGTH = 64;
export const V_MAX_LENGTH = 128;
export const V_PATTERN = 256;
export const V_ALLOWED_VALUES = 512;

/**
 * Reads a value of the column's (non-string) type at `start`: the position after it, or -1. Its value is
 * left in `scanned.value`.
 */
export const scanValue = (rule: ColumnRule, buf: Buffer, start: number, limit: number): number => {
  switch (rule.kind) {
    case K_INTEGER:
      return scanInteger(buf, start, limit);
    case K_NUMBER:
      // Always the value: the fast path checks that it is finite.
      return scanNumber(buf, start, limit, true);
    case K_BOOLEAN:
      return scanBoolean(buf, start, limit);
    case K_DATE:
      return scanDate(buf, start, limit, rule.dateFormat);
    default:
      return scanTimestamp(buf, start, limit, rule.hasBounds);
  }
};

/** Length, pattern and allowed values: the `V_*` bits of those it breaks. */
export const checkText = (rule: ColumnRule, buf: Buffer, start: number, end: number): number => {
  let verdict = 0;
  const min = rule.minLength;
  const max = rule.maxLength;
  if (min >= 0 || max >= 0) {
    // A character is 1 to 4 bytes: the byte length alone often settles it without counting.
    const bytes = end - start;
    if ((max >= 0 && bytes > max) || (min >= 0 && bytes < 4 * min)) {
      const length = countCodePoints(buf, start, end);
      if (min >= 0 && length < min) verdict |= V_MIN_LENGTH;
      if (max >= 0 && length > max) verdict |= V_MAX_LENGTH;
    }
  }
  if (rule.pattern !== null) {
    const matched =
      rule.bytePattern?.(buf, start, end) ?? rule.pattern.test(buf.toString('utf8', start, end));
    if (!matched) verdict |= V_PATTERN;
  }
  if (rule.allowedBytes !== null) {
    const allowed = rule.allowedBytes;
    let found = false;
    for (let k = 0; k < allowed.length && !found; k++)
      found = bytesEqual(buf, start, end, allowed[k] as Buffer);
    if (!found) verdict |= V_ALLOWED_VALUES;
  } else if (rule.allowedSet !== null && !rule.allowedSet.has(buf.toString('utf8', start, end))) {
    verdict |= V_ALLOWED_VALUES;
  }
  return verdict;
};

/**
 * The checks after the type, for a value `scanValue` read as `buf[start, end)` (or any value of a string
 * column): range, bounds, length, pattern and allowed values. Returns the `V_*` bits of the rules it breaks.
 */
export const checkScanned = (rule: ColumnRule, buf: Buffer, start: number, end: number): number => {
  let verdict = 0;
  if (rule.kind === K_INTEGER || rule.kind === K_NUMBER) {
    const value = scanned.value;
    if (
      rule.kind === K_INTEGER
        ? value > Number.MAX_SAFE_INTEGER || value < -Number.MAX_SAFE_INTEGER
        : !Number.isFinite(value)
    ) {
      return V_TYPE | V_RANGE;
    }
  }
  if (rule.hasBounds) {
    const value = scanned.value;
    if (rule.minimum !== null && value < rule.minimum.value) verdict |= V_MINIMUM;
    if (rule.maximum !== null && value > rule.maximum.value) verdict |= V_MAXIMUM;
    if (rule.exclusiveMinimum !== null && value <= rule.exclusiveMinimum.value)
      verdict |= V_EXCLUSIVE_MINIMUM;
    if (rule.exclusiveMaximum !== null && value >= rule.exclusiveMaximum.value)
      verdict |= V_EXCLUSIVE_MAXIMUM;
  }
  if (rule.hasTextChecks) verdict |= checkText(rule, buf, start, end);
  return verdict;
};

/**
 * Checks one non-null value against its column: type first (nothing else is checked when that fails), then
 * bounds, length, pattern and allowed values. Returns the `V_*` bits of the rules it breaks, 0 when valid.
 */
export const checkValue = (rule: ColumnRule, buf: Buffer, start: number, end: number): number => {
  if (rule.kind !== K_STRING && scanValue(rule, buf, start, end) !== end) return V_TYPE;
  return checkScanned(rule, buf, start, end);
};
