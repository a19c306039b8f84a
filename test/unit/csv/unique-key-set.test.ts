import { describe, expect, it } from 'vitest';
import {
  combineFingerprints,
  fingerprint,
  integerFingerprint,
  UniqueKeySet,
} from '../../../functions/core/csv/unique-key-set';

const print = (text: string): [number, number] => {
  const out = new Uint32Array(2);
  const buf = Buffer.from(text);
  fingerprint(buf, 0, buf.length, out, 0);
  return [out[0] as number, out[1] as number];
};

describe('UniqueKeySet', () => {
  it('remembers the row where each key was first seen', () => {
    const set = new UniqueKeySet(1024);
    expect(set.add(...print('a'), 2)).toBe(0);
    expect(set.add(...print('b'), 3)).toBe(0);
    expect(set.add(...print('a'), 4)).toBe(2);
    expect(set.size).toBe(2);
  });

  it('refuses new keys once full but still finds the ones it holds', () => {
    const set = new UniqueKeySet(100);
    expect(set.capacity).toBe(8);
    expect(set.limit).toBe(6);
    for (let i = 0; i < 6; i++) expect(set.add(...print(`k${i}`), i + 1)).toBe(0);
    expect(set.full).toBe(true);
    expect(set.add(...print('new'), 9)).toBe(-1);
    expect(set.add(...print('k3'), 10)).toBe(4);
  });

  it('keeps 200 000 distinct keys apart, hashed or as integers', () => {
    const hashed = new UniqueKeySet(32 * 1024 * 1024);
    const integers = new UniqueKeySet(32 * 1024 * 1024, true);
    const out = new Uint32Array(2);
    let clashes = 0;
    for (let i = 1; i <= 200_000; i++) {
      if (hashed.add(...print(String(i * 7919)), i) !== 0) clashes++;
      integerFingerprint(i % 2 ? i * 1024 : -i, out, 0);
      if (integers.add(out[0] as number, out[1] as number, i) !== 0) clashes++;
    }
    expect(clashes).toBe(0);
  });

  it('keeps lookups short for sequential integer ids far beyond its capacity', () => {
    const set = new UniqueKeySet(12 * 10_000, true);
    const out = new Uint32Array(2);
    const add = (id: number, row: number) => {
      integerFingerprint(id, out, 0);
      return set.add(out[0] as number, out[1] as number, row);
    };
    for (let id = 1; id <= 100_000; id++) add(id, id);

    expect(set.size).toBe(set.limit);
    // Ids past the capacity once wrapped onto one solid run of occupied slots: thousands of probes each.
    expect(set.probes / 100_000).toBeLessThan(10);
    expect(add(7, 200_000)).toBe(7);
    expect(add(99_999, 200_001)).toBe(-1);
  });

  it('finds every integer key whatever the mix of grouped and scrambled slots', () => {
    // A small table: groups of neighbouring ids collide often, so many keys take the scrambled fallback.
    const set = new UniqueKeySet(12 * 4_000, true);
    const out = new Uint32Array(2);
    const add = (id: number, row: number) => {
      integerFingerprint(id, out, 0);
      return set.add(out[0] as number, out[1] as number, row);
    };
    const firstRow = new Map<number, number>();
    let seed = 7;
    const ids = [
      ...Array.from({ length: 1_000 }, (_, i) => i + 1),
      ...Array.from({ length: 500 }, (_, i) => -3 * i),
      ...Array.from({ length: 500 }, (_, i) => 2 ** 40 + 4_001 * i),
      ...Array.from({ length: 1_000 }, () => {
        seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
        return seed % 5_000;
      }),
    ];
    ids.forEach((id, i) => {
      const row = i + 1;
      const expected = firstRow.get(id) ?? (set.full ? -1 : 0);
      expect(add(id, row)).toBe(expected);
      if (expected === 0) firstRow.set(id, row);
    });
    for (const [id, row] of firstRow) expect(add(id, 99_999)).toBe(row);
  });

  it('takes memory as keys come, not its whole budget up front, and finds every key after growing', () => {
    const before = process.memoryUsage().arrayBuffers;
    const set = new UniqueKeySet(24 * 1024 * 1024);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(100_000);
    for (let i = 1; i <= 30_000; i++) expect(set.add(...print(`key-${i}`), i)).toBe(0);
    // At most half full: 65 536 slots of 12 bytes (plus the smaller tables not yet collected), not 24 MiB.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(2 * 1024 * 1024);
    // Past that, straight to the full size: the keys moved along, new ones still come in.
    for (let i = 30_001; i <= 100_000; i++) expect(set.add(...print(`key-${i}`), i)).toBe(0);
    expect(process.memoryUsage().arrayBuffers - before).toBeGreaterThan(20 * 1024 * 1024);
    for (let i = 1; i <= 100_000; i += 997) expect(set.find(...print(`key-${i}`))).toBe(i);
    expect(set.add(...print('key-77'), 200_000)).toBe(77);
    expect(set.size).toBe(100_000);
  });

  it('keeps sequential integer ids at about one probe each', () => {
    const set = new UniqueKeySet(12 * 100_000, true);
    const out = new Uint32Array(2);
    for (let id = 1; id <= 50_000; id++) {
      integerFingerprint(id, out, 0);
      set.add(out[0] as number, out[1] as number, id);
    }
    expect(set.probes / 50_000).toBeLessThan(1.5);
  });

  it('fingerprints tuples by position', () => {
    const hashes = new Uint32Array(4);
    const parts = (a: string, b: string) => {
      hashes.set(print(a), 0);
      hashes.set(print(b), 2);
      const out = new Uint32Array(2);
      combineFingerprints(hashes, [0, 1], out);
      return [...out];
    };
    expect(parts('a', 'bc')).not.toEqual(parts('ab', 'c'));
    expect(parts('x', 'y')).not.toEqual(parts('y', 'x'));
    expect(parts('x', 'y')).toEqual(parts('x', 'y'));
  });
});
