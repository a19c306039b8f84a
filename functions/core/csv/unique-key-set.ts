/*
 * Uniqueness in bounded memory: keys are reduced to 64-bit fingerprints kept in a fixed-size
 * open-addressing table. Two different keys share a fingerprint with probability about n²/2^65 for n keys
 * (3·10⁻⁶ for ten million keys); such a collision would be reported as a false duplicate, never hide a real
 * one. Integer keys are their own fingerprint, so they cannot collide.
 */

/** Bytes per slot: fingerprint high and low words, and the row where the key was first seen (0 = empty). */
const SLOT_BYTES = 12;
const MAX_LOAD = 0.75;
/**
 * Consecutive integer keys tried first in adjacent slots, in groups of this many (a power of two). Larger
 * groups save more misses on sequential ids but cluster the table: 4 keeps every probe count measured
 * (sequential, strided, random ids; far past the capacity) within a few slots.
 */
const INTEGER_RUN = 4;
const RUN_BITS = 2;
/** What a probe of a slot holding another key returns. */
const TAKEN = -2;
/**
 * Slots a table starts with; it doubles as keys come (see LAST_DOUBLING_SLOTS). Allocating the whole budget
 * up front cost every validation a 24 MiB zero-fill whenever the allocator reused memory (all of it resident
 * then, and up to 50 ms, for a file of ten rows).
 */
const INITIAL_SLOTS = 4096;
/** Load at which a table that may still grow doubles: lower than MAX_LOAD, for short probes while it is cheap. */
const GROW_LOAD = 0.5;
/**
 * Past this many slots a growing table goes straight to its full size: doubling all the way moved each of a
 * million keys twice more (1.5 M text keys took 225-329 ms instead of 174-230 ms); past here, a file has
 * enough keys that the full table is worth its zero-fill.
 */
const LAST_DOUBLING_SLOTS = 1 << 16;

const rotl = (x: number, r: number): number => (x << r) | (x >>> (32 - r));

// Two independent 32-bit hash streams over the same 32-bit words: a MurmurHash3 round and an xxHash32 round.
const mixA = (h: number, k: number): number => {
  const k1 = Math.imul(rotl(Math.imul(k, 0xcc9e2d51), 15), 0x1b873593);
  return (Math.imul(rotl(h ^ k1, 13), 5) + 0xe6546b64) | 0;
};

const mixB = (h: number, k: number): number =>
  Math.imul(rotl((h + Math.imul(k, 0x85ebca77)) | 0, 13), 0x9e3779b1);

const finalA = (x: number): number => {
  let h = x;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
};

const finalB = (x: number): number => {
  let h = x;
  h = Math.imul(h ^ (h >>> 15), 0x85ebca77);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae3d);
  return (h ^ (h >>> 16)) >>> 0;
};

/**
 * Writes a safe integer itself as its fingerprint: magnitude in 53 bits plus a sign bit, so integer keys are
 * exact (no collisions) and `01` equals `1`.
 */
export const integerFingerprint = (value: number, out: Uint32Array, at: number): void => {
  const magnitude = Math.abs(value);
  out[at] = ((magnitude / 4294967296) | (value < 0 ? 0x80000000 : 0)) >>> 0;
  out[at + 1] = magnitude >>> 0;
};

/** Writes the 64-bit fingerprint of `buf[start, end)` to `out[at]` (high) and `out[at + 1]` (low). */
export const fingerprint = (
  buf: Uint8Array,
  start: number,
  end: number,
  out: Uint32Array,
  at: number,
): void => {
  const length = end - start;
  let a = 0x9747b28c ^ length;
  let b = (0x165667b1 + length) | 0;
  let i = start;
  for (const last = end - 3; i < last; i += 4) {
    const k =
      (buf[i] as number) |
      ((buf[i + 1] as number) << 8) |
      ((buf[i + 2] as number) << 16) |
      ((buf[i + 3] as number) << 24);
    a = mixA(a, k);
    b = mixB(b, k);
  }
  let tail = 0;
  for (let shift = 0; i < end; i++, shift += 8) tail |= (buf[i] as number) << shift;
  out[at] = finalA(mixA(a, tail));
  out[at + 1] = finalB(mixB(b, tail));
};

/**
 * Fingerprint of a tuple of fingerprints (a composite key), read from `parts` at the word offsets `2 * index`
 * for each index in `order`; the result goes to `out[0]` and `out[1]`.
 */
export const combineFingerprints = (parts: Uint32Array, order: readonly number[], out: Uint32Array): void => {
  let a = 0x2545f491 ^ order.length;
  let b = 0x4f1bbcdd;
  for (const index of order) {
    const hi = parts[2 * index] as number;
    const lo = parts[2 * index + 1] as number;
    a = mixA(mixA(a, hi), lo);
    b = mixB(mixB(b, hi), lo);
  }
  out[0] = finalA(a);
  out[1] = finalB(b);
};

/**
 * A set of 64-bit fingerprints with the row where each was first seen, in one typed array that doubles (and
 * rehashes) at half load while small, then takes the size the budget allows. Linear probing; at full size it
 * refuses new keys past 75 % load.
 *
 * Integer keys are stored exactly but placed by a multiplicative scramble of their value. Placing them at
 * `value mod capacity` (sequential, cache-friendly) turned ids past the capacity into walks along one solid run
 * of occupied slots: each lookup cost up to millions of probes, and a 400 MB file took minutes instead of
 * seconds. Scrambled, the expected probe length at 75 % load stays a handful of slots for any key sequence.
 * Each integer key is first tried in a slot shared with its neighbours' group, which keeps sequential ids
 * (the common case) from paying a cache miss per key; only when that slot is taken is it scrambled alone.
 */
export class UniqueKeySet {
  /** Slots the budget holds: the table's size once fully grown. */
  readonly capacity: number;
  /** How many keys fit before the set is full. */
  readonly limit: number;
  size = 0;
  /** Slots inspected by all `add` calls so far: how well keys spread (a handful per call is healthy). */
  probes = 0;
  private slots!: Uint32Array;
  /** Slots of the table as it is now (at most `capacity`). */
  private tableSlots = 0;
  /** Keys past which the table grows (Infinity once it is as large as the budget allows). */
  private growAt = 0;
  private scale = 0;
  /** Multiplier picking a group of INTEGER_RUN slots from a 32-bit hash. */
  private groupScale = 0;
  private readonly integers: boolean;

  constructor(budgetBytes: number, integers = false) {
    this.integers = integers;
    this.capacity = Math.max(2, Math.floor(budgetBytes / SLOT_BYTES));
    this.limit = Math.max(1, Math.floor(this.capacity * MAX_LOAD));
    this.resize(Math.min(this.capacity, INITIAL_SLOTS));
  }

  get full(): boolean {
    return this.size >= this.limit;
  }

  /** A table of `tableSlots` slots holding the keys of the current one, placed anew. */
  private resize(tableSlots: number): void {
    const old = this.slots;
    this.slots = new Uint32Array(tableSlots * 3);
    this.tableSlots = tableSlots;
    this.growAt = tableSlots < this.capacity ? Math.floor(tableSlots * GROW_LOAD) : Infinity;
    this.scale = tableSlots / 4294967296;
    this.groupScale = Math.floor(tableSlots / INTEGER_RUN) / 4294967296;
    if (!old) return;
    const { size, probes } = this;
    this.size = 0;
    for (let at = 0; at < old.length; at += 3) {
      const row = old[at + 2] as number;
      if (row !== 0) this.add(old[at] as number, old[at + 1] as number, row);
    }
    // Moving keys is not looking them up: the counters describe the caller's keys.
    this.size = size;
    this.probes = probes;
  }

  /** The row where the fingerprint was first seen, 0 when the set does not hold it. */
  find(hi: number, lo: number): number {
    return this.add(hi, lo, 0);
  }

  /**
   * Adds a fingerprint (`hi`, `lo` unsigned) first seen on `row` (≥ 1). Returns the row where it was seen
   * before, 0 when it is new and was added, -1 when it is new but the set is full. Row 0 only looks it up.
   */
  add(hi: number, lo: number, row: number): number {
    if (this.size >= this.growAt) {
      // Doubling while small, then straight to the full size.
      const doubled = this.tableSlots * 2;
      this.resize(doubled > LAST_DOUBLING_SLOTS || doubled * 1.5 > this.capacity ? this.capacity : doubled);
    }
    const capacity = this.tableSlots;
    // Hashes: the high bits pick the slot (multiply-shift), so any capacity works, not only powers of two.
    let slot: number;
    if (this.integers) {
      // First try: runs of INTEGER_RUN consecutive integers share a group of adjacent slots (one cache line
      // for sequential ids instead of a cache and TLB miss per key); the groups themselves are scrambled.
      const runLo = (lo >>> RUN_BITS) | (hi << (32 - RUN_BITS));
      const runMixed = Math.imul(runLo ^ Math.imul(hi >>> RUN_BITS, 0x85ebca6b), 0x9e3779b1) >>> 0;
      const first = Math.min(
        capacity - 1,
        Math.floor(runMixed * this.groupScale) * INTEGER_RUN + (lo & (INTEGER_RUN - 1)),
      );
      const found = this.visit(first, hi, lo, row);
      if (found !== TAKEN) return found;
      // Taken by another key: go on from the key's own scrambled slot. Keys are never removed, so a lookup
      // that follows the same sequence (this slot, then linear probing from there) finds every key.
      const mixed = Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1) >>> 0;
      slot = Math.min(capacity - 1, Math.floor(mixed * this.scale));
    } else {
      slot = Math.min(capacity - 1, Math.floor(hi * this.scale));
    }
    for (;;) {
      const found = this.visit(slot, hi, lo, row);
      if (found !== TAKEN) return found;
      slot++;
      if (slot === capacity) slot = 0;
    }
  }

  /**
   * One probe: the key's earlier row, 0 once stored in this empty slot (or found empty by a lookup), -1 when
   * full, or TAKEN by another key.
   */
  private visit(slot: number, hi: number, lo: number, row: number): number {
    this.probes++;
    const slots = this.slots;
    const at = slot * 3;
    const seen = slots[at + 2] as number;
    if (seen === 0) {
      if (row === 0) return 0;
      if (this.size >= this.limit) return -1;
      slots[at] = hi;
      slots[at + 1] = lo;
      slots[at + 2] = row;
      this.size++;
      return 0;
    }
    return slots[at] === hi && slots[at + 1] === lo ? seen : TAKEN;
  }
}
