import type { Buffer } from 'node:buffer';
import {
  type ColumnRule,
  checkText,
  checkValue,
  K_BOOLEAN,
  K_DATE,
  K_INTEGER,
  K_NUMBER,
  K_STRING,
} from './column-rules';
import { type TextReader, textReader } from './text-readers';
import { fingerprint } from './unique-key-set';
import {
  bytesEqual,
  scanBoolean,
  scanDate,
  scanInteger,
  scanNumber,
  scanned,
  scanTimestamp,
} from './value-checks';

const LF = 10;
const CR = 13;
/** Unquoted text fields are scanned byte by byte up to this length, past it with the native `indexOf`. */
const SHORT_FIELD = 24;

/** Where the key columns of the record being read leave their fingerprints or values (owned by the validator). */
export interface KeySlots {
  /** Fingerprints of text keys (two words per column). */
  readonly hashes: Uint32Array;
  /** Integer keys, as numbers: the ids' set takes them as they are, composite keys fingerprint them. */
  readonly values: Float64Array;
  readonly present: Uint8Array;
  readonly bufs: (Buffer | null)[];
  readonly starts: Int32Array;
  readonly ends: Int32Array;
}

/** Bytes the typed value readers may take into a value: digits, letters, signs, separators of times. */
const VALUE_BYTES = /[0-9A-Za-z +\-.:]/;

/**
 * Whether a typed value could run over a delimiter: the reader stops where the value ends, which is only
 * the field's end when the delimiter cannot be part of a value (`,`, `;`, tab, `|`…).
 */
const valuesMayHold = (delimiter: number, rules: readonly ColumnRule[]): boolean => {
  const char = String.fromCharCode(delimiter);
  return (
    VALUE_BYTES.test(char) ||
    rules.some((r) => r.kind === K_DATE && r.dateFormat.literals.includes(delimiter))
  );
};

const indexOrEnd = (buf: Buffer, byte: number, from: number): number => {
  const at = buf.indexOf(byte, from);
  return at < 0 ? buf.length : at;
};

/**
 * The validator's fast path: reads and checks one whole record in a single pass, when the record is plain
 * and valid — inside one chunk, the right number of fields, quotes only around whole fields without line
 * breaks or doubled quotes, every value passing its checks. Typed values are read where they stand, the
 * reader's stop telling where the field ends. On anything else it gives up and returns -1 having changed
 * nothing but key slots that the slow path overwrites; the tokenizer then reads the record field by field
 * and the general path reports what is wrong. Both paths share the same value readers and checks, so they
 * cannot disagree on what is valid.
 */
export class FastRecordParser {
  private readonly rules: ColumnRule[];
  private readonly delimiter: number;
  private readonly quote: number;
  private readonly nullMarker: Buffer | null;
  private readonly keys: KeySlots;
  /** Set when a typed value could contain the delimiter: such a value must then hold none. */
  private readonly typedMayOverrun: boolean;
  /** Per column, a reader that checks a string value and finds its end in one pass (see text-readers.ts). */
  private readonly textReaders: (TextReader | null)[];
  /** The chunk (its number) the next positions of special bytes below are in (its length when none). */
  private chunk = -1;
  /** Set by `closingQuote`: the field holds doubled quotes. */
  private escaped = false;
  /** Physical lines of the last record `parse` accepted (more than 1 with line breaks inside quotes). */
  lines = 1;
  private nextDelimiter = -1;
  private nextLf = -1;
  private nextCr = -1;
  private nextQuote = -1;

  constructor(
    rules: ColumnRule[],
    dialect: { delimiter: number; quote: number; nullMarker: Buffer | null },
    keys: KeySlots,
  ) {
    this.rules = rules;
    this.delimiter = dialect.delimiter;
    this.quote = dialect.quote;
    this.nullMarker = dialect.nullMarker;
    this.keys = keys;
    this.typedMayOverrun = valuesMayHold(dialect.delimiter, rules);
    this.textReaders = rules.map((rule, c) =>
      rule.kind === K_STRING && c < rules.length - 1 ? textReader(rule, dialect.delimiter) : null,
    );
  }

  /**
   * Returns the position after the record's line break, or -1 to leave the record to the slow path. `chunk`
   * numbers `buf`'s content (see CsvSink.fastRecords): positions found in a chunk are reused until it changes.
   */
  parse(buf: Buffer, start: number, chunk: number): number {
    if (chunk !== this.chunk) {
      this.chunk = chunk;
      this.nextDelimiter = -1;
      this.nextLf = -1;
      this.nextCr = -1;
      this.nextQuote = -1;
    }
    // The record ends at the next LF (CRLF too), unless a quoted field holds it: `extend` then moves the end.
    if (this.nextLf < start) this.nextLf = indexOrEnd(buf, LF, start);
    let lf = this.nextLf;
    if (lf >= buf.length) return -1;
    let end = lf > start && buf[lf - 1] === CR ? lf - 1 : lf;
    this.lines = 1;
    if (this.nextCr < start) this.nextCr = indexOrEnd(buf, CR, start);
    if (this.nextCr < end) return -1;
    if (this.nextQuote < start) this.nextQuote = indexOrEnd(buf, this.quote, start);
    const rules = this.rules;
    const last = rules.length - 1;
    const delimiter = this.delimiter;
    const nullMarker = this.nullMarker;
    let p = start;
    // A record of empty fields only is a blank row, which the slow path reports.
    let blank = true;
    for (let c = 0; c <= last; c++) {
      const rule = rules[c] as ColumnRule;
      let from = p;
      let to: number;
      let verdict: number;
      if (p === this.nextQuote) {
        from = p + 1;
        to = this.closingQuote(buf, from, rule);
        if (to < 0) return -1;
        if (to >= end) {
          end = this.extend(buf, to);
          if (end < 0) return -1;
          lf = this.nextLf;
        }
        if (this.escaped) {
          // Doubled quotes left in: only a check the raw text cannot get wrong may pass it.
          verdict = rule.maxLength >= 0 && to - from > rule.maxLength ? 1 : 0;
        } else {
          verdict = from === to ? -1 : checkValue(rule, buf, from, to);
        }
        p = to + 1;
        this.nextQuote = indexOrEnd(buf, this.quote, p);
      } else if (rule.kind === K_STRING) {
        const read = this.textReaders[c] as TextReader | null;
        to = read === null ? -1 : read(buf, p, end);
        if (to >= 0) {
          // A valid value, ended by a delimiter (not last): only a quote inside it can still be wrong.
          if (this.nextQuote < to) return -1;
          verdict = 0;
        } else {
          to = c === last ? end : this.fieldEnd(buf, p, end);
          // A delimiter left in the last field means extra fields; a quote inside a field is invalid.
          if (this.nextQuote < to) return -1;
          if (c === last && !this.noDelimiter(buf, p, to)) return -1;
          verdict = p === to ? -1 : rule.hasTextChecks ? checkText(rule, buf, p, to) : 0;
        }
        p = to;
      } else {
        switch (rule.kind) {
          case K_INTEGER:
            to = scanInteger(buf, p, end);
            break;
          case K_NUMBER:
            to = scanNumber(buf, p, end, true);
            break;
          case K_BOOLEAN:
            to = scanBoolean(buf, p, end);
            break;
          case K_DATE:
            to = scanDate(buf, p, end, rule.dateFormat);
            break;
          default:
            to = scanTimestamp(buf, p, end, rule.hasBounds);
        }
        if (to >= 0 && this.typedMayOverrun && !this.noDelimiter(buf, p, to)) return -1;
        if (to < 0) {
          to = this.fieldEnd(buf, p, end);
          if (p !== to && (nullMarker === null || !bytesEqual(buf, p, to, nullMarker))) return -1;
          verdict = -1;
        } else {
          const v = scanned.value;
          verdict =
            (rule.valueChecked && !(v >= rule.lo && v <= rule.hi && v > rule.exLo && v < rule.exHi)) ||
            (rule.hasTextChecks && checkText(rule, buf, p, to) !== 0)
              ? 1
              : 0;
        }
        p = to;
      }
      if (to > from) blank = false;
      // p is at the field's terminator: the delimiter, or the end of the record after the last field.
      if (c < last ? buf[p] !== delimiter || p >= end : p !== end) return -1;
      p++;
      if (verdict === -1 || (nullMarker !== null && bytesEqual(buf, from, to, nullMarker))) {
        if (rule.required) return -1;
        if (rule.keyed) this.keys.present[c] = 0;
      } else if (verdict !== 0) {
        return -1;
      } else if (rule.keyed) {
        this.keep(rule, c, buf, from, to);
      }
    }
    return blank ? -1 : lf + 1;
  }

  private keep(rule: ColumnRule, c: number, buf: Buffer, from: number, to: number): void {
    const keys = this.keys;
    if (rule.kind === K_INTEGER) keys.values[c] = scanned.value;
    else fingerprint(buf, from, to, keys.hashes, 2 * c);
    keys.present[c] = 1;
    keys.bufs[c] = buf;
    keys.starts[c] = from;
    keys.ends[c] = to;
  }

  /**
   * The closing quote of a quoted field whose text starts at `from`, or -1 to give the record up: not closed
   * within the chunk, or doubled quotes in a column that must see the text with them undone.
   */
  private closingQuote(buf: Buffer, from: number, rule: ColumnRule): number {
    const quote = this.quote;
    const n = buf.length;
    let to = indexOrEnd(buf, quote, from);
    this.escaped = false;
    while (to + 1 < n && buf[to + 1] === quote) {
      if (!rule.rawTextOk) return -1;
      this.escaped = true;
      to = indexOrEnd(buf, quote, to + 2);
    }
    // The byte after the closing quote must be in this chunk: it could be a second quote.
    return to < n - 1 ? to : -1;
  }

  /**
   * A quoted field ending at `to` holds line breaks: counts them into `lines` and returns the record's new end
   * (the line break after the field), or -1 when that is not in this chunk or is a lone CR.
   */
  private extend(buf: Buffer, to: number): number {
    // `nextLf` and `nextCr` are the first LF and CR at or after the record's start; no line break precedes
    // the quoted field, so they are also its first ones: walk on from them instead of searching again from
    // the field's start. (Searching for a CR anew scanned to the end of the chunk each time, since most
    // files hold none: about a tenth of the validation time when one record in twelve has such a field.)
    let breaks = 0;
    let lf = this.nextLf;
    for (; lf < to; lf = indexOrEnd(buf, LF, lf + 1)) breaks++;
    let cr = this.nextCr;
    for (; cr < to; cr = indexOrEnd(buf, CR, cr + 1)) {
      if (buf[cr + 1] !== LF) breaks++;
    }
    this.lines += breaks;
    this.nextLf = lf;
    this.nextCr = cr;
    if (lf >= buf.length) return -1;
    const end = buf[lf - 1] === CR ? lf - 1 : lf;
    return cr < end ? -1 : end;
  }

  /** The first delimiter at or after `from`, or `end`. */
  private fieldEnd(buf: Buffer, from: number, end: number): number {
    const delimiter = this.delimiter;
    const limit = Math.min(end, from + SHORT_FIELD);
    let q = from;
    while (q < limit) {
      if (buf[q] === delimiter) return q;
      q++;
    }
    if (q === end) return end;
    if (this.nextDelimiter < q) this.nextDelimiter = indexOrEnd(buf, delimiter, q);
    return Math.min(this.nextDelimiter, end);
  }

  /** True when `buf[from, to)` holds no delimiter. */
  private noDelimiter(buf: Buffer, from: number, to: number): boolean {
    if (to - from <= SHORT_FIELD) {
      for (let q = from; q < to; q++) if (buf[q] === this.delimiter) return false;
      return true;
    }
    if (this.nextDelimiter < from) this.nextDelimiter = indexOrEnd(buf, this.delimiter, from);
    return this.nextDelimiter >= to;
  }
}
