/*
 * Integer keys (ids) usually arrive in order: 1, 2, 3… Hashing each one into a table costs a cache miss per
 * row and 12 bytes per key. This set keeps the current run of increasing ids as an interval, with the row of
 * each id as a one-byte step from the previous one; small gaps (an id deleted upstream, a row with a bad id)
 * stay inside the run as absent slots. Only ids that break the run go to the hash table. A sorted file of
 * 100 million rows then fits its budget, and checking a key is a comparison.
 */
import { integerFingerprint, UniqueKeySet } from './unique-key-set';

/**
 * Slots per block. Each block stores a base row (the row of the last id present before it); each slot the
 * step from the previous present id's row (1–255), or 0 for an id absent from a gap.
 */
const BLOCK = 256;
const BLOCK_BITS = 8;
/** Share of the budget for the run (1 byte per slot); the rest is the hash table's. */
const RUN_SHARE = 0.25;
/** A run shorter than this is moved into the table when an id breaks it, so that a new run can start. */
const SHORT_RUN = 1024;
const MAX_STEP = 255;
/** The widest gap of absent ids the run absorbs (each costs a byte, less than a table slot). */
const MAX_GAP = 16;
/** Slots the run starts with; it doubles as the run grows, up to `runCapacity` (see UniqueKeySet's INITIAL_SLOTS). */
const INITIAL_RUN_SLOTS = 64 * BLOCK;

/**
 * A set of safe integers with the row where each was first seen, in bounded memory. Same contract as
 * `UniqueKeySet.add`, which it uses for the ids that do not extend the run.
 */
export class IntegerKeySet {
  /** Slots (ids, present or absent) the run can hold. */
  readonly runCapacity: number;
  private readonly table: UniqueKeySet;
  private steps: Uint8Array;
  private blockRows: Float64Array;
  /** The run covers the ids [first, first + length); slot k is id first + k. */
  private first = 0;
  private length = 0;
  /** Ids present in the run. */
  private present = 0;
  /** Row of the last present id of the run. */
  private lastRow = 0;
  /** Bounds of the ids in the table, to skip probing it for ids it cannot hold. */
  private tableMin = Infinity;
  private tableMax = -Infinity;
  private readonly out = new Uint32Array(2);

  constructor(budgetBytes: number) {
    const runBytes = Math.floor(budgetBytes * RUN_SHARE);
    this.runCapacity = Math.floor(runBytes / (1 + 8 / BLOCK) / BLOCK) * BLOCK;
    const slots = Math.min(this.runCapacity, INITIAL_RUN_SLOTS);
    this.steps = new Uint8Array(slots);
    this.blockRows = new Float64Array(slots / BLOCK);
    this.table = new UniqueKeySet(budgetBytes - runBytes, true);
  }

  /** Ids the hash table accepts; the run holds up to `runCapacity` more when they are (nearly) consecutive. */
  get limit(): number {
    return this.table.limit;
  }

  get size(): number {
    return this.present + this.table.size;
  }

  /** Slots the hash table inspected (the run needs none). */
  get probes(): number {
    return this.table.probes;
  }

  /**
   * Adds a safe integer first seen on `row`: returns the row where it was seen before, 0 when it is new and was
   * added, -1 when new but full. Ids that extend the run never need a fingerprint.
   */
  addValue(value: number, row: number): number {
    const offset = value - this.first;
    if (offset >= 0 && offset < this.length) {
      const seen = this.rowAt(offset | 0);
      if (seen !== 0) return seen;
    }
    if (value >= this.tableMin && value <= this.tableMax) {
      integerFingerprint(value, this.out, 0);
      const seen = this.table.find(this.out[0] as number, this.out[1] as number);
      if (seen !== 0) return seen;
    }
    if (this.length === 0) {
      this.first = value;
      this.lastRow = row - 1;
    }
    if (this.extendsRun(value, row)) {
      this.append(value, row);
      return 0;
    }
    if (this.runCapacity > 0 && this.length < SHORT_RUN && this.moveRunToTable()) {
      this.first = value;
      this.lastRow = row - 1;
      this.append(value, row);
      return 0;
    }
    return this.addToTable(value, row);
  }

  /** Whether `value` lies just past the run (within a small gap) and its row can be stored as a step. */
  private extendsRun(value: number, row: number): boolean {
    const slot = value - this.first;
    const gap = slot - this.length;
    if (gap < 0 || gap > MAX_GAP || slot >= this.runCapacity) return false;
    // A block's first slot may start from any row (its base); inside a block the step must fit a byte.
    return (slot & (BLOCK - 1)) === 0 || row - this.lastRow <= MAX_STEP;
  }

  /**
   * Fills the gap before `value` with absent slots, then stores `value` as seen on `row`. Slots are below
   * `runCapacity`, so they are int32: masks and shifts instead of `%` and `/`, which on the doubles the ids
   * are computed as cost a call each (a third of a validation's key checking).
   */
  private append(value: number, row: number): void {
    const slot = (value - this.first) | 0;
    if (slot >= this.steps.length) this.growRun(slot);
    for (let k = this.length; k < slot; k++) this.write(k, 0);
    const blockStart = (slot & (BLOCK - 1)) === 0;
    if (blockStart) this.blockRows[slot >>> BLOCK_BITS] = row - 1;
    this.write(slot, blockStart ? 1 : row - this.lastRow);
    this.lastRow = row;
    this.length = slot + 1;
    this.present++;
  }

  private write(slot: number, step: number): void {
    if ((slot & (BLOCK - 1)) === 0 && step === 0) this.blockRows[slot >>> BLOCK_BITS] = this.lastRow;
    this.steps[slot] = step;
  }

  /** Room for `slot` in the run's arrays: their size doubles (whole blocks, at most `runCapacity`). */
  private growRun(slot: number): void {
    let size = this.steps.length;
    while (size <= slot) size = Math.min(this.runCapacity, size * 2);
    const steps = new Uint8Array(size);
    steps.set(this.steps);
    this.steps = steps;
    const blockRows = new Float64Array(size / BLOCK);
    blockRows.set(this.blockRows);
    this.blockRows = blockRows;
  }

  /** The row of the id in slot `offset` (an int32 below the run's length), or 0 when that id is absent. */
  private rowAt(offset: number): number {
    if (this.steps[offset] === 0) return 0;
    const block = offset >>> BLOCK_BITS;
    let row = this.blockRows[block] as number;
    for (let k = block << BLOCK_BITS; k <= offset; k++) row += this.steps[k] as number;
    return row;
  }

  private addToTable(value: number, row: number): number {
    integerFingerprint(value, this.out, 0);
    const seen = this.table.add(this.out[0] as number, this.out[1] as number, row);
    if (seen === 0) {
      if (value < this.tableMin) this.tableMin = value;
      if (value > this.tableMax) this.tableMax = value;
    }
    return seen;
  }

  /** Moves a short run's ids into the table; false (nothing moved) when the table cannot take them all. */
  private moveRunToTable(): boolean {
    if (this.table.size + this.present > this.table.limit) return false;
    for (let k = 0; k < this.length; k++) {
      const row = this.rowAt(k);
      if (row === 0) continue;
      this.addToTable(this.first + k, row);
    }
    this.length = 0;
    this.present = 0;
    return true;
  }
}
