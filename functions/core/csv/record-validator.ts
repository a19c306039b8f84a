import type { Buffer } from 'node:buffer';
import type { CsvErrorSchema } from '../../../events/domain/common';
import type { z } from '../../shared/zod';
import type { Column, CsvDialect } from '../contracts/data-contract';
import {
  type ColumnRule,
  checkValue,
  compileColumns,
  K_INTEGER,
  V_ALLOWED_VALUES,
  V_EXCLUSIVE_MAXIMUM,
  V_EXCLUSIVE_MINIMUM,
  V_MAX_LENGTH,
  V_MAXIMUM,
  V_MIN_LENGTH,
  V_MINIMUM,
  V_PATTERN,
  V_RANGE,
  V_TYPE,
} from './column-rules';
import { type CsvProblem, type CsvSink, MAX_FIELD_BYTES, type RecordExtent } from './csv-tokenizer';
import { FastRecordParser } from './fast-record';
import { IntegerKeySet } from './integer-key-set';
import { combineFingerprints, fingerprint, integerFingerprint, UniqueKeySet } from './unique-key-set';
import { bytesEqual, scanned } from './value-checks';

export type CsvError = z.infer<typeof CsvErrorSchema>;

export interface RecordValidatorOptions {
  maxErrors: number;
  maxValueLength: number;
  uniqueKeyBudget: number;
}

interface KeyCheck {
  /** Column indexes of the key, in key order. */
  readonly columns: number[];
  /** Those of its columns that hold integers: a key of several columns fingerprints their values first. */
  readonly integerColumns: number[];
  readonly label: string;
  readonly rule: 'unique' | 'primary-key';
  /** A key of one integer column: its ids, by value. */
  readonly ids: IntegerKeySet | null;
  /** Any other key: its fingerprints. */
  readonly fingerprints: UniqueKeySet | null;
  /** Last row whose key was remembered. */
  lastRow: number;
  full: boolean;
}

const PROBLEM_MESSAGES: Record<CsvProblem, string> = {
  'invalid-encoding':
    'the record contains bytes that are not valid UTF-8 text (or NUL bytes); the file must be UTF-8',
  'invalid-quoting':
    'invalid quoting: a quote character inside an unquoted field, or text after a closing quote (quote the whole field and double the quotes inside it)',
  'unclosed-quote': 'a quoted field is never closed: the file ends inside it',
  'field-too-large': `a field is larger than ${MAX_FIELD_BYTES / 1024 / 1024} MiB`,
};

/** Shortens `text` to at most `max` code points, the last one an ellipsis; `cut` says it was already cut. */
export const truncateValue = (text: string, max: number, cut = false): string => {
  if (!cut && text.length <= max) return text;
  let units = 0;
  let points = 0;
  let keep = -1;
  while (units < text.length) {
    if (points === max - 1) keep = units;
    if (points === max) return `${text.slice(0, keep)}…`;
    const code = text.charCodeAt(units);
    units += code >= 0xd800 && code <= 0xdbff ? 2 : 1;
    points++;
  }
  if (!cut) return text;
  return `${keep < 0 ? text : text.slice(0, keep)}…`;
};

/**
 * The CSV sink that checks each record against the contract's columns. Field errors are staged until the
 * record ends, because a record with the wrong number of fields (or broken quoting or encoding) is reported
 * once as a whole instead.
 */
export class RecordValidator implements CsvSink {
  readonly errors: CsvError[] = [];
  errorCount = 0;
  /** Data records (header and blank rows excluded). */
  rows = 0;
  /** Every record, header included. */
  records = 0;
  readonly header: string[] = [];
  uniquenessPartial = false;

  private readonly notices: string[];
  private readonly rules: ColumnRule[];
  private readonly columnCount: number;
  private readonly nullMarker: Buffer | null;
  private readonly maxErrors: number;
  private readonly maxValueLength: number;
  private readonly budget: number;

  private inHeader: boolean;
  private fieldIndex = 0;
  private nonEmpty = false;
  private problemKind: CsvProblem | null = null;
  private problemLine = 0;
  private problemColumn = -1;
  private problemValue: string | null = null;
  private pending: CsvError[] = [];
  private pendingCount = 0;

  private readonly keyed: number[];
  private readonly keyChecks: KeyCheck[];
  private readonly keyHashes: Uint32Array;
  private readonly keyValues: Float64Array;
  private readonly keyPresent: Uint8Array;
  private readonly keyBufs: (Buffer | null)[];
  private readonly keyStarts: Int32Array;
  private readonly keyEnds: Int32Array;
  /**
   * Key values of the record the slow path is reading, as shown in errors. A record read field by field may
   * span chunks, and a chunk's bytes are only valid while it is being read (a reader may reuse its buffers),
   * so these are kept as text; the fast path reads whole records inside one chunk and keeps positions.
   */
  private readonly keyTexts: (string | null)[];
  private readonly combined = new Uint32Array(2);
  private readonly fast: FastRecordParser;

  constructor(
    spec: { columns: readonly Column[]; dialect: CsvDialect },
    options: RecordValidatorOptions,
    notices: string[],
    encodedNullMarker: Buffer | null,
  ) {
    this.notices = notices;
    this.rules = compileColumns(spec.columns, notices);
    this.columnCount = spec.columns.length;
    this.inHeader = spec.dialect.header;
    this.nullMarker = encodedNullMarker;
    this.maxErrors = options.maxErrors;
    this.maxValueLength = Math.max(1, options.maxValueLength);
    this.budget = options.uniqueKeyBudget;

    const n = this.columnCount;
    this.keyed = this.rules.filter((rule) => rule.keyed).map((rule) => rule.index);
    this.keyHashes = new Uint32Array(2 * n);
    this.keyValues = new Float64Array(n);
    this.keyPresent = new Uint8Array(n);
    this.keyBufs = new Array<Buffer | null>(n).fill(null);
    this.keyStarts = new Int32Array(n);
    this.keyEnds = new Int32Array(n);
    this.keyTexts = new Array<string | null>(n).fill(null);
    this.keyChecks = this.planKeyChecks(spec.columns);
    this.fast = new FastRecordParser(
      this.rules,
      {
        delimiter: spec.dialect.delimiter.charCodeAt(0),
        quote: spec.dialect.quote.charCodeAt(0),
        nullMarker: encodedNullMarker,
      },
      {
        hashes: this.keyHashes,
        values: this.keyValues,
        present: this.keyPresent,
        bufs: this.keyBufs,
        starts: this.keyStarts,
        ends: this.keyEnds,
      },
    );
  }

  private planKeyChecks(columns: readonly Column[]): KeyCheck[] {
    const primary = columns
      .map((column, index) => ({ column, index }))
      .filter(({ column }) => column.primaryKey)
      .sort((a, b) => (a.column.primaryKeyPosition ?? Infinity) - (b.column.primaryKeyPosition ?? Infinity));
    const plans: { columns: number[]; label: string; rule: KeyCheck['rule'] }[] = [];
    columns.forEach((column, index) => {
      // A one-column primary key already covers that column's own uniqueness.
      const coveredByKey = primary.length === 1 && primary[0]?.index === index;
      if (column.unique && !coveredByKey)
        plans.push({ columns: [index], label: column.name, rule: 'unique' });
    });
    if (primary.length > 0) {
      plans.push({
        columns: primary.map(({ index }) => index),
        label: primary.map(({ column }) => column.name).join(', '),
        rule: 'primary-key',
      });
    }
    const share = plans.length > 0 ? Math.floor(this.budget / plans.length) : 0;
    return plans.map((plan) => {
      const integerColumns = plan.columns.filter((index) => this.rules[index]?.kind === K_INTEGER);
      const ids = plan.columns.length === 1 && integerColumns.length === 1;
      return {
        ...plan,
        integerColumns,
        ids: ids ? new IntegerKeySet(share) : null,
        fingerprints: ids ? null : new UniqueKeySet(share),
        lastRow: 0,
        full: false,
      };
    });
  }

  field(buf: Buffer, start: number, end: number): void {
    const index = this.fieldIndex++;
    if (this.inHeader) {
      this.header.push(buf.toString('utf8', start, end));
      return;
    }
    if (start !== end) this.nonEmpty = true;
    if (this.problemKind !== null) {
      if (index === this.problemColumn) this.problemValue = this.display(buf, start, end);
      return;
    }
    if (index >= this.columnCount) return;
    const rule = this.rules[index] as ColumnRule;
    if (start === end || (this.nullMarker !== null && bytesEqual(buf, start, end, this.nullMarker))) {
      if (rule.required) this.fieldErrors(rule, 0, buf, start, end);
      if (rule.keyed) this.keyPresent[index] = 0;
      return;
    }
    const verdict = checkValue(rule, buf, start, end);
    if (verdict !== 0) this.fieldErrors(rule, verdict, buf, start, end);
    if (rule.keyed) {
      if ((verdict & V_TYPE) !== 0) {
        this.keyPresent[index] = 0;
        return;
      }
      if (rule.kind === K_INTEGER) this.keyValues[index] = scanned.value;
      else fingerprint(buf, start, end, this.keyHashes, 2 * index);
      this.keyPresent[index] = 1;
      this.keyTexts[index] = this.display(buf, start, end);
    }
  }

  /** Fast path (see FastRecordParser): as many whole plain, valid records as follow each other. */
  fastRecords(buf: Buffer, start: number, line: number, extent: RecordExtent, chunk: number): boolean {
    if (this.inHeader) return false;
    const fast = this.fast;
    const keys = this.keyChecks.length > 0;
    // The usual contract has one key, an integer id: checked here without the general loop.
    const ids = this.keyChecks.length === 1 ? (this.keyChecks[0] as KeyCheck) : null;
    const idsSet = ids?.ids ?? null;
    const idColumn = ids?.columns[0] ?? 0;
    let at = start;
    let lines = 0;
    let records = 0;
    for (;;) {
      const end = fast.parse(buf, at, chunk);
      if (end < 0) break;
      records++;
      if (idsSet !== null) {
        if (this.keyPresent[idColumn] !== 0) {
          const row = line + lines;
          const seen = idsSet.addValue(this.keyValues[idColumn] as number, row);
          this.keyOutcome(ids as KeyCheck, row, seen);
        }
      } else if (keys) {
        this.checkKeys(line + lines);
      }
      lines += fast.lines;
      at = end;
    }
    this.records += records;
    this.rows += records;
    for (const index of this.keyed) this.keyPresent[index] = 0;
    extent.end = at;
    extent.lines = lines;
    return at > start;
  }

  /** Stages the errors of one field (`verdict` 0 meaning a missing required value). */
  private fieldErrors(rule: ColumnRule, verdict: number, buf: Buffer, start: number, end: number): void {
    if (verdict === 0) {
      this.stage(rule, 'required', null, `"${rule.name}" is required but the value is missing`);
      return;
    }
    const value = this.roomForDetails() ? this.display(buf, start, end) : '';
    const shown = JSON.stringify(value);
    if ((verdict & V_TYPE) !== 0) {
      let message = `${shown} is not ${rule.typeName}`;
      if ((verdict & V_RANGE) !== 0) {
        message =
          rule.kind === K_INTEGER
            ? `${shown} is outside the safe integer range ±(2^53 − 1)`
            : `${shown} is too large for a number`;
      } else if (rule.typeName === 'a date') {
        message = `${shown} is not a valid date (${rule.dateFormat.pattern})`;
      }
      this.stage(rule, 'type', value, message);
      return;
    }
    if ((verdict & V_MINIMUM) !== 0) {
      this.stage(rule, 'minimum', value, `${shown} is less than the minimum ${rule.minimum?.text}`);
    }
    if ((verdict & V_MAXIMUM) !== 0) {
      this.stage(rule, 'maximum', value, `${shown} is greater than the maximum ${rule.maximum?.text}`);
    }
    if ((verdict & V_EXCLUSIVE_MINIMUM) !== 0) {
      this.stage(
        rule,
        'exclusive-minimum',
        value,
        `${shown} must be greater than ${rule.exclusiveMinimum?.text}`,
      );
    }
    if ((verdict & V_EXCLUSIVE_MAXIMUM) !== 0) {
      this.stage(
        rule,
        'exclusive-maximum',
        value,
        `${shown} must be less than ${rule.exclusiveMaximum?.text}`,
      );
    }
    if ((verdict & V_MIN_LENGTH) !== 0) {
      this.stage(rule, 'min-length', value, `${shown} is shorter than ${rule.minLength} characters`);
    }
    if ((verdict & V_MAX_LENGTH) !== 0) {
      this.stage(rule, 'max-length', value, `${shown} is longer than ${rule.maxLength} characters`);
    }
    if ((verdict & V_PATTERN) !== 0) {
      this.stage(rule, 'pattern', value, `${shown} does not match the pattern ${rule.pattern?.source}`);
    }
    if ((verdict & V_ALLOWED_VALUES) !== 0) {
      this.stage(
        rule,
        'allowed-values',
        value,
        `${shown} is not one of the allowed values: ${rule.allowedText}`,
      );
    }
  }

  /** Stages an error of the current record: kept only if the record turns out well-formed. */
  private stage(rule: ColumnRule, name: string, value: string | null, message: string): void {
    this.pendingCount++;
    if (this.roomForDetails()) this.pending.push({ row: 0, column: rule.name, value, rule: name, message });
  }

  problem(kind: CsvProblem, line: number): void {
    if (this.problemKind !== null) return;
    this.problemKind = kind;
    this.problemLine = line;
    this.problemColumn = this.fieldIndex;
  }

  endRecord(line: number): void {
    this.records++;
    if (this.inHeader) {
      this.inHeader = false;
      if (this.problemKind !== null) this.reportProblem();
      this.checkHeader(line);
    } else if (this.problemKind !== null) {
      this.rows++;
      this.reportProblem();
    } else if (!this.nonEmpty) {
      this.report(line, null, null, 'blank-row', 'blank row: every field is empty');
    } else {
      this.rows++;
      if (this.fieldIndex !== this.columnCount) {
        this.report(
          line,
          null,
          null,
          'column-count',
          `expected ${this.columnCount} fields but found ${this.fieldIndex}; the row's values were not checked`,
        );
      } else {
        this.errorCount += this.pendingCount;
        for (const error of this.pending) {
          error.row = line;
          this.errors.push(error);
        }
        if (this.keyChecks.length > 0) this.checkKeys(line);
      }
    }
    this.fieldIndex = 0;
    this.nonEmpty = false;
    this.problemKind = null;
    this.problemValue = null;
    if (this.pending.length > 0) this.pending = [];
    this.pendingCount = 0;
    for (const index of this.keyed) {
      this.keyPresent[index] = 0;
      this.keyTexts[index] = null;
    }
  }

  private checkKeys(line: number): void {
    const present = this.keyPresent;
    const hashes = this.keyHashes;
    const checks = this.keyChecks;
    for (let k = 0; k < checks.length; k++) {
      const check = checks[k] as KeyCheck;
      const columns = check.columns;
      let seen: number;
      if (check.ids !== null) {
        const index = columns[0] as number;
        if (present[index] === 0) continue;
        seen = check.ids.addValue(this.keyValues[index] as number, line);
      } else if (columns.length === 1) {
        const index = columns[0] as number;
        if (present[index] === 0) continue;
        seen = (check.fingerprints as UniqueKeySet).add(
          hashes[2 * index] as number,
          hashes[2 * index + 1] as number,
          line,
        );
      } else {
        let complete = true;
        for (let j = 0; j < columns.length; j++) if (present[columns[j] as number] === 0) complete = false;
        if (!complete) continue;
        for (const index of check.integerColumns)
          integerFingerprint(this.keyValues[index] as number, hashes, 2 * index);
        combineFingerprints(hashes, columns, this.combined);
        seen = (check.fingerprints as UniqueKeySet).add(
          this.combined[0] as number,
          this.combined[1] as number,
          line,
        );
      }
      this.keyOutcome(check, line, seen);
    }
  }

  /** What adding the key of `line` to its set said: new (remembered), seen before (`seen` is that row), or full. */
  private keyOutcome(check: KeyCheck, line: number, seen: number): void {
    if (seen === 0) check.lastRow = line;
    else if (seen > 0) this.duplicate(check, line, seen);
    else if (!check.full) this.keysFull(check);
  }

  private keysFull(check: KeyCheck): void {
    check.full = true;
    this.uniquenessPartial = true;
    const mib = Math.round((this.budget / this.keyChecks.length / 1024 / 1024) * 100) / 100;
    const what = check.rule === 'unique' ? 'uniqueness' : 'primary key uniqueness';
    const holds =
      check.ids !== null && check.ids.runCapacity > 0
        ? `${check.ids.limit} keys out of order plus up to ${check.ids.runCapacity} consecutive ids`
        : `${(check.ids ?? check.fingerprints)?.limit} keys`;
    this.notices.push(
      `${what} of ${check.label} is not checked after row ${check.lastRow}: its ${mib} MiB key budget holds ${holds}; duplicates of keys seen up to that row are still found`,
    );
  }

  private duplicate(check: KeyCheck, line: number, firstRow: number): void {
    this.errorCount++;
    if (this.errors.length >= this.maxErrors) return;
    const values = check.columns.map(
      (index) =>
        this.keyTexts[index] ??
        this.display(
          this.keyBufs[index] as Buffer,
          this.keyStarts[index] as number,
          this.keyEnds[index] as number,
        ),
    );
    const value = truncateValue(values.join(', '), this.maxValueLength);
    const message =
      check.rule === 'unique'
        ? `duplicate value ${JSON.stringify(value)}: first seen in row ${firstRow}`
        : `duplicate primary key (${check.label}) = (${value}): first seen in row ${firstRow}`;
    this.errors.push({ row: line, column: check.label, value, rule: check.rule, message });
  }

  private reportProblem(): void {
    const kind = this.problemKind as CsvProblem;
    const column =
      this.problemColumn < this.columnCount ? (this.rules[this.problemColumn]?.name ?? null) : null;
    this.report(this.problemLine, column, this.problemValue, kind, PROBLEM_MESSAGES[kind]);
  }

  private checkHeader(line: number): void {
    const expected = this.rules.map((rule) => rule.name);
    const actual = this.header;
    if (actual.length === expected.length && actual.every((name, i) => name === expected[i])) return;
    const count = (names: string[]) => {
      const counts = new Map<string, number>();
      for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
      return counts;
    };
    const want = count(expected);
    const have = count(actual);
    for (const name of want.keys()) {
      if (!have.has(name)) {
        this.report(
          line,
          name,
          null,
          'header',
          `column "${name}" of the contract is missing from the header`,
        );
      }
    }
    for (const [name, times] of have) {
      const wanted = want.get(name);
      if (wanted === undefined) {
        this.report(
          line,
          name,
          this.shorten(name),
          'header',
          `unexpected column "${name}" in the header: not in the contract`,
        );
      } else if (times > wanted) {
        this.report(
          line,
          name,
          this.shorten(name),
          'header',
          `column "${name}" appears ${times} times in the header`,
        );
      }
    }
    // The order of the names both sides have.
    const present = [...have.keys()].filter((name) => want.has(name));
    const wanted = [...want.keys()].filter((name) => have.has(name));
    present.forEach((name, i) => {
      if (wanted[i] !== name) {
        this.report(
          line,
          name,
          this.shorten(name),
          'header',
          `column "${name}" is out of order: it is column ${actual.indexOf(name) + 1} in the header but column ${expected.indexOf(name) + 1} in the contract`,
        );
      }
    });
  }

  private report(
    row: number,
    column: string | null,
    value: string | null,
    rule: string,
    message: string,
  ): void {
    this.errorCount++;
    if (this.errors.length < this.maxErrors) this.errors.push({ row, column, value, rule, message });
  }

  private roomForDetails(): boolean {
    return this.errors.length + this.pending.length < this.maxErrors;
  }

  private shorten(text: string): string {
    return truncateValue(text, this.maxValueLength);
  }

  /** The value as shown in an error: decoded (invalid bytes replaced) and truncated. */
  private display(buf: Buffer, start: number, end: number): string {
    const limit = Math.min(end, start + 4 * this.maxValueLength + 4);
    return truncateValue(buf.toString('utf8', start, limit), this.maxValueLength, limit < end);
  }
}
