import { Buffer } from 'node:buffer';
import { open } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { COLUMN_NAMES, DEFECT_KINDS, type DefectKind, EXPECTED_RULE, STATUS_VALUES } from './bench-contract';
import { createPrng, type Prng, pick, randomInt } from './prng';

/** One injected defect: where it is and which rule must report it. */
export interface Defect {
  /** Record number, the header being 1. */
  row: number;
  /** Physical line on which the record starts (differs from `row` after quoted line breaks). */
  line: number;
  column: string;
  kind: DefectKind;
  rule: string;
  value: string;
}

export interface GeneratedCsv {
  file: string;
  seed: number;
  bytes: number;
  /** Data records (the header not counted). */
  rows: number;
  /** Physical lines, the header included. */
  lines: number;
  defects: Defect[];
  ms: number;
}

export interface GenerateOptions {
  file: string;
  targetBytes: number;
  seed: number;
  /** Upper bound; fewer for small files so that defects stay far apart. */
  defectsPerKind: number;
}

const ASCII_WORDS = [
  'alpha',
  'delivery',
  'fragile',
  'gift',
  'express',
  'call',
  'before',
  'door',
  'left',
  'rear',
  'entrance',
  'weekend',
  'invoice',
  'priority',
  'box',
  'handle',
  'with',
  'care',
  'backorder',
  'partial',
];
const MULTIBYTE_WORDS = [
  'café',
  'Straße',
  'naïve',
  'crème brûlée',
  'Grüße',
  '😀',
  '🚚',
  '中文',
  '日本語',
  'Ελληνικά',
  'Ærø',
];
const TIMESTAMP_START = Date.UTC(2020, 0, 1);
const TIMESTAMP_RANGE_S = 5 * 365 * 86_400;

const BAD_VALUES: Partial<Record<DefectKind, readonly string[]>> = {
  // No `3.5` or `1e3`: DuckDB casts those to integers, and its reject count is a cross-check.
  'bad-integer': ['12a', 'seven', '#17', '--3', '4.5x'],
  'bad-date': ['2026-02-30', '2025-13-01', '2024-04-31', '2023-02-29', '2024-00-10'],
  'bad-timestamp': ['2024-06-31T10:00:00Z', '2024-05-06T25:00:00Z', '2024-05-06T10:61:00Z', 'yesterday'],
  'not-allowed': ['lost', 'PAID', 'unknown', 'archived'],
  'pattern-mismatch': ['C-12345', 'c-123456', 'C-1234567', 'X-000001', 'C 123456'],
};
const DEFECT_COLUMN: Partial<Record<DefectKind, string>> = {
  'bad-integer': 'quantity',
  'negative-amount': 'amount',
  'bad-date': 'order_date',
  'bad-timestamp': 'created_at',
  'not-allowed': 'status',
  'pattern-mismatch': 'customer',
  'duplicate-id': 'id',
};
const REQUIRED_COLUMNS = ['customer', 'amount', 'quantity', 'status', 'created_at', 'order_date', 'active'];

const AMOUNT = COLUMN_NAMES.indexOf('amount');

const words = (rand: Prng, pool: readonly string[], count: number): string => {
  let text = pick(rand, pool);
  for (let k = 1; k < count; k++) text += ` ${pick(rand, pool)}`;
  return text;
};

interface Planned {
  kind: DefectKind;
  column: string;
  /** For duplicates: the 0-based data index whose id is reused. */
  target: number;
}

/** Renders data rows from one PRNG stream; a planned defect replaces one value of its row. */
class RowFactory {
  /** Line breaks inside the last rendered row (quoted notes). */
  innerBreaks = 0;
  private readonly rand: Prng;
  private readonly values: string[] = new Array(COLUMN_NAMES.length).fill('');

  constructor(seed: number) {
    this.rand = createPrng(seed);
  }

  row(index: number, defect: Planned | undefined, rand: Prng): { text: string; value: string } {
    const r = this.rand;
    const v = this.values;
    const ms = TIMESTAMP_START + randomInt(r, TIMESTAMP_RANGE_S) * 1000 + randomInt(r, 1000);
    const iso = new Date(ms).toISOString();
    const tsForm = randomInt(r, 4);
    v[0] = String(index + 1);
    v[1] = `C-${String(randomInt(r, 1_000_000)).padStart(6, '0')}`;
    v[2] = (0.01 + r() * 9999).toFixed(2);
    v[3] = String(1 + randomInt(r, 1000));
    v[4] = pick(r, STATUS_VALUES);
    // The four timestamp forms people write: with milliseconds, without, with an offset, space-separated.
    v[5] =
      tsForm === 0
        ? iso
        : tsForm === 1
          ? `${iso.slice(0, 19)}Z`
          : tsForm === 2
            ? `${iso.slice(0, 19)}+02:00`
            : `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
    v[6] = iso.slice(0, 10);
    v[7] = r() < 0.5 ? 'true' : 'false';
    v[8] = this.note();
    let value = '';
    if (defect) {
      const at = COLUMN_NAMES.indexOf(defect.column);
      switch (defect.kind) {
        case 'duplicate-id':
          value = String(defect.target + 1);
          break;
        case 'negative-amount':
          value = `-${v[AMOUNT]}`;
          break;
        case 'missing-required':
          value = '';
          break;
        default:
          value = pick(rand, BAD_VALUES[defect.kind] ?? []);
      }
      v[at] = value;
    }
    return { text: `${v.join(',')}\n`, value };
  }

  /** Nulls, plain and multi-byte text, and quoted fields with commas, doubled quotes and line breaks. */
  private note(): string {
    const r = this.rand;
    const p = r();
    this.innerBreaks = 0;
    if (p < 0.3) return '';
    if (p < 0.55) return words(r, ASCII_WORDS, 2 + randomInt(r, 12));
    if (p < 0.7)
      return `${words(r, ASCII_WORDS, 1 + randomInt(r, 4))} ${words(r, MULTIBYTE_WORDS, 1 + randomInt(r, 4))}`;
    if (p < 0.82)
      return `"${words(r, ASCII_WORDS, 2)}, ${words(r, MULTIBYTE_WORDS, 1)}, ${words(r, ASCII_WORDS, 3)}"`;
    if (p < 0.92) return `"said ""${words(r, ASCII_WORDS, 2)}"" twice, ${words(r, MULTIBYTE_WORDS, 2)}"`;
    this.innerBreaks = 1 + randomInt(r, 2);
    let text = `"${words(r, ASCII_WORDS, 3)}`;
    for (let k = 0; k < this.innerBreaks; k++)
      text += `\n${words(r, MULTIBYTE_WORDS, 2)}, ${words(r, ASCII_WORDS, 2)}`;
    return `${text}"`;
  }
}

/** Spreads the defects evenly over the file, kinds shuffled, one defect per row at most. */
const planDefects = (rows: number, perKindWanted: number, rand: Prng): Map<number, Planned> => {
  // At least ~20 rows between defects, so small (--quick) files keep them apart.
  const perKind = Math.max(1, Math.min(perKindWanted, Math.floor(rows / (DEFECT_KINDS.length * 20))));
  const kinds: DefectKind[] = DEFECT_KINDS.flatMap((kind) => new Array<DefectKind>(perKind).fill(kind));
  for (let k = kinds.length - 1; k > 0; k--) {
    const j = randomInt(rand, k + 1);
    [kinds[k], kinds[j]] = [kinds[j] as DefectKind, kinds[k] as DefectKind];
  }
  const gap = rows / kinds.length;
  const plan = new Map<number, Planned>();
  kinds.forEach((kind, k) => {
    const jitter = randomInt(rand, Math.max(1, Math.floor(gap / 2)));
    const index = Math.min(rows - 1, Math.floor(k * gap + gap / 4) + jitter);
    const column =
      kind === 'missing-required' ? pick(rand, REQUIRED_COLUMNS) : (DEFECT_COLUMN[kind] as string);
    plan.set(index, { kind, column, target: -1 });
  });
  // A duplicate reuses the id of an earlier row, near or far, that is not itself a duplicate.
  for (const [index, planned] of plan) {
    if (planned.kind !== 'duplicate-id') continue;
    let target = randomInt(rand, index);
    while (plan.get(target)?.kind === 'duplicate-id') target--;
    planned.target = Math.max(0, target);
  }
  return plan;
};

/** Average bytes per row of this seed, from a sample, to hit the target size without a second pass. */
const averageRowBytes = (seed: number): number => {
  const factory = new RowFactory(seed);
  const sample = 20_000;
  let text = '';
  for (let i = 0; i < sample; i++) text += factory.row(i, undefined, Math.random).text;
  return Buffer.byteLength(text) / sample;
};

/** Writes the file in large string batches (one write per ~4k rows) and returns the defect list. */
export const generateCsv = async (options: GenerateOptions): Promise<GeneratedCsv> => {
  const started = performance.now();
  const rows = Math.max(200, Math.round(options.targetBytes / averageRowBytes(options.seed)));
  const defectRand = createPrng(options.seed ^ 0x5eed);
  const plan = planDefects(rows, options.defectsPerKind, defectRand);
  const factory = new RowFactory(options.seed);
  const defects: Defect[] = [];
  const handle = await open(options.file, 'w');
  let bytes = 0;
  let line = 2;
  try {
    let batch = `${COLUMN_NAMES.join(',')}\n`;
    for (let i = 0; i < rows; i++) {
      const planned = plan.get(i);
      const { text, value } = factory.row(i, planned, defectRand);
      if (planned) {
        defects.push({
          row: i + 2,
          line,
          column: planned.column,
          kind: planned.kind,
          rule: EXPECTED_RULE[planned.kind],
          value,
        });
      }
      line += 1 + factory.innerBreaks;
      batch += text;
      if ((i & 4095) === 4095) {
        bytes += (await handle.write(batch)).bytesWritten;
        batch = '';
      }
    }
    bytes += (await handle.write(batch)).bytesWritten;
  } finally {
    await handle.close();
  }
  return {
    file: options.file,
    seed: options.seed,
    bytes,
    rows,
    lines: line - 1,
    defects,
    ms: performance.now() - started,
  };
};
