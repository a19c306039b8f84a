/** A function returning uniform floats in [0, 1). */
export type Prng = () => number;

/**
 * mulberry32: tiny and fast, good enough for test data. The same seed always gives the same file, so a
 * defect list computed while generating stays true for the bytes on disk.
 */
export const createPrng = (seed: number): Prng => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

export const randomInt = (rand: Prng, n: number): number => Math.floor(rand() * n);

export const pick = <T>(rand: Prng, items: readonly T[]): T => items[randomInt(rand, items.length)] as T;
