/** One line of the targets table. */
export interface TargetRow {
  check: string;
  value: string;
  target: string;
  pass: boolean;
  /** Extra words after PASS/FAIL, e.g. whether a stretch goal is met too. */
  note?: string;
}

export const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;
export const int = (n: number): string => Math.round(n).toLocaleString('en-US');
export const fixed = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
export const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

const pad = (text: string, width: number): string => text.padEnd(width);

/** A plain-text table whose columns fit their widest cell. */
export const table = (header: readonly string[], rows: readonly (readonly string[])[]): string => {
  const widths = header.map((h, k) => Math.max(h.length, ...rows.map((row) => (row[k] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, k) => pad(cell, widths[k] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
};

export const targetsTable = (rows: readonly TargetRow[]): string =>
  table(
    ['check', 'value', 'target', 'result'],
    rows.map((r) => [
      r.check,
      r.value,
      r.target,
      `${r.pass ? 'PASS' : 'FAIL'}${r.note ? ` (${r.note})` : ''}`,
    ]),
  );
