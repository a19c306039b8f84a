/*
 * Integer keys (ids) usually arrive in order: 1, 2, 3… Hashing each one into a table costs a cache miss per
 * row and 12 bytes per key. This set keeps the longest current run of consecutive ids as an interval, with
 * the row of each id as a one-byte step from the previous one; only ids that break the run go to the hash
 * table. A sorted file of 100 million rows then fits its budget, and checking a key is a comparison.
 */
import { integerFingerprint, UniqueKeySet } from './unique-key-set';

/** Ids per block; each block stores the full row of its first id, the others as steps of at most 255. */
const BLOCK = 256;
/** Share of the budget for the run (1 byte per id); the rest is the hash table's. */
const RUN_SHARE = 0.25;
/** A run shorter than this is moved into the table when an id breaks it, so that a new run can start. */
const SHORT_RUN = 1024;
const MAX_STEP = 255;

/** The safe integer stored in a fingerprint by `integerFingerprint`. */
const idOf = (hi: number, lo: number): number => {
  const magnitude = (hi & 0x7fffffff) * 4294967296 + lo;
  return hi & 0x80000000 ? -magnitude : magnitude;
};

/**
 * A set of safe integers with the row where each was first seen, in bounded memory. Same contract as
 * `UniqueKeySet.add`, which it uses for the ids that do not extend the run.
 */
export class IntegerKeySet {
  /** Ids the run can hold. */
  readonly runCapacity: number;
  private readonly table: UniqueKeySet;
  private readonly steps: Uint8Array;
  private readonly blockRows: Float64Array;
  /** The run is the ids [first, first + length), the k-th seen on the row `rowAt(k)`. */
  private first = 0;
  private length = 0;
  private lastRow = 0;
  /** Bounds of the ids in the table, to skip probing it for ids it cannot hold. */
  private tableMin = Infinity;
  private tableMax = -Infinity;
  private readonly out = new Uint32Array(2);

  constructor(budgetBytes: number) {
    const runBytes = Math.floor(budgetBytes * RUN_SHARE);
    this.runCapacity = Math.floor(runBytes / (1 + 8 / BLOCK) / BLOCK) * BLOCK;
    // Zeroed typed arrays cost no resident memory until written: a short run touches a few pages only.
    this.steps = new Uint8Array(this.runCapacity);
    this.blockRows = new Float64Array(this.runCapacity / BLOCK);
    this.table = new UniqueKeySet(budgetBytes - runBytes, true);
  }

  /** Ids the hash table accepts; the run holds up to `runCapacity` more when they are consecutive. */
  get limit(): number {
    return this.table.limit;
  }

  get size(): number {
    return this.length + this.table.size;
  }

  /** Slots the hash table inspected (the run needs none). */
  get probes(): number {
    return this.table.probes;
  }

  /** Returns the row where the id was seen before, 0 when it is new and was added, -1 when new but full. */
  add(hi: number, lo: number, row: number): number {
    const value = idOf(hi, lo);
    const offset = value - this.first;
    if (offset >= 0 && offset < this.length) return this.rowAt(offset);
    if (value >= this.tableMin && value <= this.tableMax) {
      const seen = this.table.find(hi, lo);
      if (seen !== 0) return seen;
    }
    if (this.length === 0) this.first = value;
    if (this.extendsRun(value, row)) {
      this.append(row);
      return 0;
    }
    if (this.runCapacity > 0 && this.length < SHORT_RUN && this.moveRunToTable()) {
      this.first = value;
      this.append(row);
      return 0;
    }
    return this.addToTable(value, hi, lo, row);
  }

  private extendsRun(value: number, row: number): boolean {
    const k = this.length;
    return (
      value === this.first + k && k < this.runCapacity && (k % BLOCK === 0 || row - this.lastRow <= MAX_STEP)
    );
  }

  private append(row: number): void {
    const k = this.length;
    if (k % BLOCK === 0) this.blockRows[k / BLOCK] = row;
    else this.steps[k] = row - this.lastRow;
    this.lastRow = row;
    this.length = k + 1;
  }

  private rowAt(offset: number): number {
    const block = Math.floor(offset / BLOCK);
    let row = this.blockRows[block] as number;
    for (let k = block * BLOCK + 1; k <= offset; k++) row += this.steps[k] as number;
    return row;
  }

  private addToTable(value: number, hi: number, lo: number, row: number): number {
    const seen = this.table.add(hi, lo, row);
    if (seen === 0) {
      if (value < this.tableMin) this.tableMin = value;
      if (value > this.tableMax) this.tableMax = value;
    }
    return seen;
  }

  /** Moves a short run's ids into the table; false (nothing moved) when the table cannot take them all. */
  private moveRunToTable(): boolean {
    if (this.table.size + this.length > this.table.limit) return false;
    const out = this.out;
    for (let k = 0; k < this.length; k++) {
      const value = this.first + k;
      integerFingerprint(value, out, 0);
      this.addToTable(value, out[0] as number, out[1] as number, this.rowAt(k));
    }
    this.length = 0;
    return true;
  }
}
