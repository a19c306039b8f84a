import { Buffer } from 'node:buffer';
import type { CsvDialect } from '../contracts/data-contract';
import { isCleanChunk, isValidUtf8Text } from './utf8';

/** A structural problem of a field; the names are the rules the validator reports. */
export type CsvProblem = 'invalid-encoding' | 'invalid-quoting' | 'unclosed-quote' | 'field-too-large';

/** Receives the tokens of a CSV byte stream, one call per field: no per-record arrays are built. */
export interface CsvSink {
  /**
   * One field: `buf[start, end)` holds its bytes with the enclosing quotes removed and doubled quotes undone.
   * Those bytes are only valid during the call: a record may span chunks, and a source may reuse a chunk's
   * buffer once the next one is asked for (`readFileChunks` does). A sink copies what it keeps.
   */
  field(buf: Buffer, start: number, end: number): void;
  /** The record that started on physical line `line` (1-based) is complete. */
  endRecord(line: number): void;
  /** The field being read (passed to `field` next) has a structural problem; `line` is where it starts. */
  problem(kind: CsvProblem, line: number): void;
  /**
   * Optional fast path, offered at the start of a record in a chunk of valid UTF-8: consume whole records
   * from `buf[start]` (on line `line`) on, each ending with a line break inside this chunk, fill `extent`
   * and return true; or return false, having consumed nothing. The record where it stops is then passed
   * field by field. `chunk` numbers the chunks: what a sink learnt about `buf` (where its next line break
   * is…) holds while the number stays the same, whatever the object, since a source may refill one buffer.
   */
  fastRecords?(buf: Buffer, start: number, line: number, extent: RecordExtent, chunk: number): boolean;
}

/** What a sink's fast path consumed. */
export interface RecordExtent {
  /** Position after the record's final line break. */
  end: number;
  /** Physical lines it spans (more than 1 with line breaks inside quotes). */
  lines: number;
}

/** A field that crosses chunk boundaries is assembled in memory; past this size it is cut and reported. */
export const MAX_FIELD_BYTES = 16 * 1024 * 1024;

const LF = 10;
const CR = 13;
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const EMPTY = Buffer.alloc(0);
const SCRATCH_SIZE = 64 * 1024;

const S_FIELD = 0; // before the first byte of a field
const S_UNQUOTED = 1;
const S_QUOTED = 2;
const S_QUOTE_SEEN = 3; // a quote inside a quoted field: closing, or the first of a doubled pair
const S_AFTER_QUOTE = 4; // text after a closing quote (invalid) up to the next delimiter
const S_AFTER_CR = 5; // a record ended with CR; a following LF belongs to it

const P_QUOTING = 1;
const P_TOO_LARGE = 2;

const toBuffer = (chunk: Uint8Array | string): Buffer => {
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
};

const indexOrEnd = (buf: Buffer, byte: number, from: number): number => {
  const at = buf.indexOf(byte, from);
  return at < 0 ? buf.length : at;
};

const dialectByte = (value: string, what: string): number => {
  const code = value.charCodeAt(0);
  if (value.length !== 1 || code >= 0x80 || code === LF || code === CR) {
    throw new TypeError(
      `CSV ${what} must be one ASCII character other than CR or LF, got ${JSON.stringify(value)}`,
    );
  }
  return code;
};

/**
 * An RFC 4180 tokenizer over bytes that accepts the stream in chunks of any size: its state carries over
 * between `push` calls, so quotes, CRLF pairs and multi-byte characters may be split anywhere.
 *
 * - Records end with CRLF, LF or a lone CR; line breaks inside quoted fields are kept as they are.
 * - A UTF-8 BOM at the very start is skipped.
 * - Fields lying inside one chunk are passed to the sink as views of that chunk (no copy); only a field that
 *   crosses a chunk boundary or contains doubled quotes is copied, into a scratch buffer.
 * - Recovery from bad quoting: a quote inside an unquoted field is kept as a literal character, and text after
 *   a closing quote is dropped up to the next delimiter; both are reported as `invalid-quoting`.
 * - UTF-8 is checked once per chunk natively; only in a chunk that fails is each field checked on its own,
 *   so that the problem is reported for the right record.
 * - A sink may take whole records itself (`fastRecords`); the tokenizer then resumes after them.
 */
export class CsvTokenizer {
  private readonly sink: CsvSink;
  private readonly fast: boolean;
  private readonly extent: RecordExtent = { end: 0, lines: 1 };
  /** Where the fast path last stopped in the current chunk (-1: nowhere). */
  private fastStoppedAt = -1;
  /** Chunks scanned so far: the current chunk's number for the fast path. */
  private chunks = 0;
  private readonly delimiter: number;
  private readonly quote: number;

  private state = S_FIELD;
  private inRecord = false;
  private line = 1;
  private recordLine = 1;
  private quoteLine = 1;
  private lastByte = -1;
  private fieldProblems = 0;
  private dirtyChunk = false;

  private scratch = Buffer.allocUnsafe(SCRATCH_SIZE);
  private scratchLength = 0;
  /** True while the current field's bytes so far are in `scratch[fieldStart, scratchLength)`. */
  private inScratch = false;
  private fieldStart = 0;

  private bomMatched = 0;
  private started = false;

  constructor(dialect: Pick<CsvDialect, 'delimiter' | 'quote'>, sink: CsvSink) {
    this.sink = sink;
    this.fast = typeof sink.fastRecords === 'function';
    this.delimiter = dialectByte(dialect.delimiter, 'delimiter');
    this.quote = dialectByte(dialect.quote, 'quote character');
    if (this.delimiter === this.quote) throw new TypeError('CSV delimiter and quote character must differ');
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    const buf = toBuffer(chunk);
    if (this.started) {
      this.scan(buf);
      return;
    }
    // The BOM may itself arrive split across chunks: hold a matching prefix until it is decided.
    let k = 0;
    while (this.bomMatched < 3 && k < buf.length && buf[k] === UTF8_BOM[this.bomMatched]) {
      this.bomMatched++;
      k++;
    }
    if (this.bomMatched === 3) {
      this.started = true;
      this.scan(buf.subarray(k));
      return;
    }
    if (k === buf.length) return;
    this.started = true;
    const held = this.bomMatched - k;
    if (held > 0) this.scan(UTF8_BOM.subarray(0, held));
    this.scan(buf);
  }

  /** End of the stream: completes the last record (a trailing line break is optional). */
  finish(): void {
    if (!this.started) {
      this.started = true;
      if (this.bomMatched > 0 && this.bomMatched < 3) this.scan(UTF8_BOM.subarray(0, this.bomMatched));
    }
    switch (this.state) {
      case S_FIELD:
        if (this.inRecord) {
          this.emit(EMPTY, 0, 0);
          this.endRecord();
        }
        break;
      case S_QUOTED:
        this.sink.problem('unclosed-quote', this.quoteLine);
        this.emit(EMPTY, 0, 0);
        this.endRecord();
        break;
      case S_UNQUOTED:
      case S_QUOTE_SEEN:
      case S_AFTER_QUOTE:
        this.emit(EMPTY, 0, 0);
        this.endRecord();
        break;
      default:
        break;
    }
    this.state = S_FIELD;
  }

  private scan(buf: Buffer): void {
    const n = buf.length;
    if (n === 0) return;
    const delimiter = this.delimiter;
    const quote = this.quote;
    let state = this.state;
    this.dirtyChunk = !isCleanChunk(buf, state === S_UNQUOTED || state === S_QUOTED);
    this.fastStoppedAt = -1;
    this.chunks++;
    // Next position (n when none) of each special byte, found by the native `indexOf` and refreshed only once
    // the scan has passed it: per field this costs about one call, for the delimiter.
    let nextDelimiter = -1;
    let nextLf = -1;
    let nextCr = -1;
    let nextQuote = -1;
    let i = 0;
    // Start of the current field's bytes in this chunk, and for S_QUOTE_SEEN the closing quote's position.
    let start = 0;
    let contentEnd = 0;
    while (i < n) {
      if (state === S_FIELD) {
        if (!this.inRecord) {
          if (this.fast && !this.dirtyChunk && i !== this.fastStoppedAt) {
            if ((this.sink as Required<CsvSink>).fastRecords(buf, i, this.line, this.extent, this.chunks)) {
              this.line += this.extent.lines;
              i = this.extent.end;
              // The fast path stopped at this record: do not offer it again.
              this.fastStoppedAt = i;
              continue;
            }
          }
          this.inRecord = true;
          this.recordLine = this.line;
        }
        if (buf[i] === quote) {
          state = S_QUOTED;
          this.quoteLine = this.line;
          i++;
          start = i;
          continue;
        }
        state = S_UNQUOTED;
        start = i;
      }
      if (state === S_UNQUOTED || state === S_AFTER_QUOTE) {
        if (nextDelimiter < i) nextDelimiter = indexOrEnd(buf, delimiter, i);
        if (nextLf < i) nextLf = indexOrEnd(buf, LF, i);
        if (nextCr < i) nextCr = indexOrEnd(buf, CR, i);
        const end = Math.min(nextDelimiter, nextLf, nextCr);
        if (state === S_UNQUOTED) {
          if (nextQuote < i) nextQuote = indexOrEnd(buf, quote, i);
          if (nextQuote < end) {
            // A stray quote: kept as a literal character of the unquoted field.
            this.flag(P_QUOTING, 'invalid-quoting');
            i = nextQuote + 1;
            continue;
          }
        }
        if (end === n) break;
        // After a closing quote the field's text is already in scratch; the bytes up to here are dropped.
        if (state === S_UNQUOTED) this.emit(buf, start, end);
        else this.emit(buf, end, end);
        i = end + 1;
        if (end === nextDelimiter) {
          state = S_FIELD;
        } else {
          this.endRecord();
          state = end === nextCr ? S_AFTER_CR : S_FIELD;
        }
        continue;
      }
      if (state === S_QUOTED) {
        if (nextQuote < i) nextQuote = indexOrEnd(buf, quote, i);
        // Line breaks inside the quotes still advance the physical line number (CRLF counts once).
        if (nextLf < i) nextLf = indexOrEnd(buf, LF, i);
        while (nextLf < nextQuote) {
          if ((nextLf > 0 ? buf[nextLf - 1] : this.lastByte) !== CR) this.line++;
          nextLf = indexOrEnd(buf, LF, nextLf + 1);
        }
        if (nextCr < i) nextCr = indexOrEnd(buf, CR, i);
        while (nextCr < nextQuote) {
          this.line++;
          nextCr = indexOrEnd(buf, CR, nextCr + 1);
        }
        if (nextQuote === n) break;
        state = S_QUOTE_SEEN;
        contentEnd = nextQuote;
        i = nextQuote + 1;
        continue;
      }
      if (state === S_QUOTE_SEEN) {
        const b = buf[i];
        if (b === quote) {
          this.append(buf, start, contentEnd);
          this.appendQuote();
          i++;
          start = i;
          state = S_QUOTED;
        } else if (b === delimiter) {
          this.emit(buf, start, contentEnd);
          i++;
          state = S_FIELD;
        } else if (b === LF || b === CR) {
          this.emit(buf, start, contentEnd);
          i++;
          this.endRecord();
          state = b === CR ? S_AFTER_CR : S_FIELD;
        } else {
          this.flag(P_QUOTING, 'invalid-quoting');
          this.append(buf, start, contentEnd);
          state = S_AFTER_QUOTE;
        }
        continue;
      }
      // S_AFTER_CR
      if (buf[i] === LF) i++;
      state = S_FIELD;
    }
    this.endChunk(buf, state, start, contentEnd);
  }

  /** The chunk ends inside a field: keeps the field's bytes so far for the next chunk. */
  private endChunk(buf: Buffer, state: number, start: number, contentEnd: number): void {
    const n = buf.length;
    switch (state) {
      case S_UNQUOTED:
      case S_QUOTED:
        this.append(buf, start, n);
        break;
      case S_QUOTE_SEEN:
        this.append(buf, start, contentEnd);
        break;
      default:
        break;
    }
    this.state = state;
    this.lastByte = buf[n - 1] as number;
  }

  private flag(bit: number, kind: CsvProblem): void {
    if ((this.fieldProblems & bit) !== 0) return;
    this.fieldProblems |= bit;
    this.sink.problem(kind, this.recordLine);
  }

  private emit(buf: Buffer, start: number, end: number): void {
    if (this.inScratch) {
      this.append(buf, start, end);
      this.inScratch = false;
      const from = this.fieldStart;
      const to = this.scratchLength;
      if ((this.fieldProblems & P_TOO_LARGE) === 0 && !isValidUtf8Text(this.scratch, from, to)) {
        this.sink.problem('invalid-encoding', this.recordLine);
      }
      this.fieldProblems = 0;
      this.sink.field(this.scratch, from, to);
      return;
    }
    if (this.dirtyChunk && !isValidUtf8Text(buf, start, end)) {
      this.sink.problem('invalid-encoding', this.recordLine);
    }
    this.fieldProblems = 0;
    this.sink.field(buf, start, end);
  }

  private endRecord(): void {
    this.sink.endRecord(this.recordLine);
    this.inRecord = false;
    this.line++;
    this.scratchLength = 0;
    if (this.scratch.length > 16 * SCRATCH_SIZE) this.scratch = Buffer.allocUnsafe(SCRATCH_SIZE);
  }

  private append(buf: Buffer, start: number, end: number): void {
    if (!this.inScratch) {
      this.inScratch = true;
      this.fieldStart = this.scratchLength;
    }
    const length = end - start;
    if (length <= 0) return;
    if (this.scratchLength - this.fieldStart + length > MAX_FIELD_BYTES) {
      this.flag(P_TOO_LARGE, 'field-too-large');
      return;
    }
    this.reserve(length);
    buf.copy(this.scratch, this.scratchLength, start, end);
    this.scratchLength += length;
  }

  private appendQuote(): void {
    if (this.scratchLength - this.fieldStart + 1 > MAX_FIELD_BYTES) {
      this.flag(P_TOO_LARGE, 'field-too-large');
      return;
    }
    this.reserve(1);
    this.scratch[this.scratchLength++] = this.quote;
  }

  /** Grows into a new buffer: earlier fields of the record keep pointing at the old one, unchanged. */
  private reserve(length: number): void {
    const needed = this.scratchLength + length;
    if (needed <= this.scratch.length) return;
    const grown = Buffer.allocUnsafe(Math.max(needed, this.scratch.length * 2));
    this.scratch.copy(grown, 0, 0, this.scratchLength);
    this.scratch = grown;
  }
}

/** One record as text, for tests and tools; the validator itself never builds these. */
export interface CsvRecord {
  /** Physical line (1-based) on which the record starts. */
  line: number;
  fields: string[];
  problems: CsvProblem[];
}

class RecordCollector implements CsvSink {
  records: CsvRecord[] = [];
  private fields: string[] = [];
  private problems: CsvProblem[] = [];

  field(buf: Buffer, start: number, end: number): void {
    this.fields.push(buf.toString('utf8', start, end));
  }

  endRecord(line: number): void {
    this.records.push({ line, fields: this.fields, problems: this.problems });
    this.fields = [];
    this.problems = [];
  }

  problem(kind: CsvProblem): void {
    this.problems.push(kind);
  }

  drain(): CsvRecord[] {
    const out = this.records;
    this.records = [];
    return out;
  }
}

/** The records of a CSV stream as strings (decoded as UTF-8, invalid bytes replaced). */
export async function* readCsvRecords(
  source: AsyncIterable<Uint8Array>,
  dialect: Pick<CsvDialect, 'delimiter' | 'quote'>,
): AsyncGenerator<CsvRecord> {
  const collector = new RecordCollector();
  const tokenizer = new CsvTokenizer(dialect, collector);
  for await (const chunk of source) {
    tokenizer.push(chunk);
    yield* collector.drain();
  }
  tokenizer.finish();
  yield* collector.drain();
}
