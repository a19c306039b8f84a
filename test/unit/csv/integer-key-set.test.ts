import { describe, expect, it } from 'vitest';
import { IntegerKeySet } from '../../../functions/core/csv/integer-key-set';

const MIB = 1024 * 1024;

const adder =
  (set: IntegerKeySet) =>
  (id: number, row: number): number =>
    set.addValue(id, row);

/** Adds ids on consecutive rows (from row 2) and checks every answer against a Map. */
const crossCheck = (set: IntegerKeySet, ids: readonly number[], rowOf = (i: number) => i + 2) => {
  const add = adder(set);
  const firstRow = new Map<number, number>();
  const wrong: string[] = [];
  let refused = 0;
  ids.forEach((id, i) => {
    const row = rowOf(i);
    const seen = add(id, row);
    const known = firstRow.get(id);
    if (known !== undefined) {
      if (seen !== known) wrong.push(`id ${id} on row ${row}: ${seen}, expected ${known}`);
    } else if (seen === -1) refused++;
    else {
      if (seen !== 0) wrong.push(`id ${id} on row ${row}: ${seen}, expected new`);
      firstRow.set(id, row);
    }
  });
  expect(wrong.slice(0, 5)).toEqual([]);
  return { firstRow, refused };
};

describe('IntegerKeySet', () => {
  it('keeps consecutive ids as a run: no hash-table probes, and the first row of each duplicate', () => {
    const set = new IntegerKeySet(MIB);
    const add = adder(set);
    let added = 0;
    for (let id = 1; id <= 100_000; id++) if (add(id, id + 1) === 0) added++;
    expect(added).toBe(100_000);
    expect(set.probes).toBe(0);
    expect(set.size).toBe(100_000);
    expect(add(1, 200_000)).toBe(2);
    expect(add(777, 200_001)).toBe(778);
    expect(add(100_000, 200_002)).toBe(100_001);
  });

  it('takes memory as the run and the table grow, not its whole budget up front', () => {
    const before = process.memoryUsage().arrayBuffers;
    const set = new IntegerKeySet(24 * MIB);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(200_000);
    const add = adder(set);
    for (let id = 1; id <= 300_000; id++) add(id, id + 1);
    // The run's bytes (one per id) doubled as it grew: 300 000 ids take well under its 6 MiB.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(2 * MIB);
    expect(add(299_999, 400_000)).toBe(300_000);
  });

  it('absorbs small gaps into the run (ids dropped upstream), and still finds ids that fill a gap later', () => {
    const set = new IntegerKeySet(MIB);
    // Every 7th id missing, a gap across a block boundary (slots 250-261), then gaps of 16 ids.
    const ids: number[] = [];
    for (let id = 1; id <= 20_000; id++) if (id % 7 !== 0 && !(id > 250 && id < 262)) ids.push(id);
    ids.push(...Array.from({ length: 16 }, (_, i) => 20_017 + i * 17));
    const { firstRow } = crossCheck(set, ids);
    expect(set.probes).toBe(0);
    const add = adder(set);
    // The missing ids arrive late: new (kept in the table), then recognised on their second appearance.
    const late = [7, 14, 251, 256, 261, 19_999];
    expect(late.map((id, i) => add(id, 500_000 + i))).toEqual(late.map(() => 0));
    expect(late.map((id) => add(id, 999_999))).toEqual(late.map((_, i) => 500_000 + i));
    const wrong = [...firstRow].filter(([id, row]) => add(id, 999_999) !== row);
    expect(wrong).toEqual([]);
    expect(set.size).toBe(ids.length + late.length);
  });

  it('holds far more consecutive ids than a hash table of the same budget', () => {
    const set = new IntegerKeySet(MIB);
    const ids = Array.from({ length: 300_000 }, (_, i) => i + 1);
    const { refused } = crossCheck(set, ids);
    expect(set.runCapacity).toBeGreaterThan(250_000);
    expect(set.limit).toBeLessThan(70_000);
    expect(refused).toBe(0);
  });

  it('remembers exact rows when records span many lines (steps past one byte)', () => {
    const set = new IntegerKeySet(MIB);
    const rows = [2, 3, 400, 401, 10_000, 10_001, 10_002];
    const { firstRow } = crossCheck(set, [5, 6, 7, 8, 9, 10, 11], (i) => rows[i] as number);
    const add = adder(set);
    for (const [id, row] of firstRow) expect(add(id, 99_999)).toBe(row);
  });

  it('agrees with a Map on ids out of order, negative, far apart and repeated', () => {
    let seed = 11;
    const random = () => {
      seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
      return seed;
    };
    const ids = [
      7,
      ...Array.from({ length: 3_000 }, (_, i) => i + 1),
      ...Array.from({ length: 500 }, (_, i) => -2 * i),
      ...Array.from({ length: 2_000 }, () => random() % 6_000),
      ...Array.from({ length: 500 }, (_, i) => 2 ** 52 + i),
      ...Array.from({ length: 2_000 }, (_, i) => 3_001 + i),
    ];
    const set = new IntegerKeySet(MIB);
    const { firstRow, refused } = crossCheck(set, ids);
    expect(refused).toBe(0);
    const add = adder(set);
    for (const [id, row] of firstRow) expect(add(id, 999_999)).toBe(row);
  });

  it('starts a new run after a short one (a first id out of order does not cost the whole file)', () => {
    const set = new IntegerKeySet(MIB);
    crossCheck(set, [1_000_000, ...Array.from({ length: 50_000 }, (_, i) => i + 1)]);
    expect(set.size).toBe(50_001);
    // Only the moved id went to the table: the rest extended the new run.
    expect(set.probes).toBeLessThan(10);
  });

  it('refuses new ids once both the run and the table are full, and still finds the ones it holds', () => {
    const set = new IntegerKeySet(8 * 1024);
    const ids = [
      ...Array.from({ length: 3_000 }, (_, i) => i + 1),
      ...Array.from({ length: 1_000 }, (_, i) => 10 * i + 5_000),
    ];
    const { firstRow, refused } = crossCheck(set, ids);
    expect(set.size).toBe(set.runCapacity + set.limit);
    expect(refused).toBe(ids.length - set.size);
    const add = adder(set);
    for (const [id, row] of firstRow) expect(add(id, 99_999)).toBe(row);
    expect(add(999_999_999, 100_000)).toBe(-1);
  });

  it('works without a run when the budget is too small for one', () => {
    const set = new IntegerKeySet(100);
    expect(set.runCapacity).toBe(0);
    const { refused } = crossCheck(set, [1, 2, 3, 4, 5, 6, 7, 2]);
    expect(set.size).toBe(set.limit);
    expect(refused).toBe(7 - set.limit);
  });
});
