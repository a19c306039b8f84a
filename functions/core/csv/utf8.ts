import { isUtf8 } from 'node:buffer';

/**
 * True when `buf[start, end)` is well-formed UTF-8 without NUL bytes (a NUL in a CSV almost always means a
 * binary or UTF-16 file). Rejects overlong forms, surrogates and code points past U+10FFFF, like `isUtf8`.
 * Used per field only where the whole-chunk check failed, so it needs no allocation.
 */
export const isValidUtf8Text = (buf: Uint8Array, start: number, end: number): boolean => {
  let i = start;
  while (i < end) {
    const b = buf[i] as number;
    if (b < 0x80) {
      if (b === 0) return false;
      i++;
      continue;
    }
    let need: number;
    let min: number;
    let cp: number;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
      cp = b & 0x1f;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
      cp = b & 0x0f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
      cp = b & 0x07;
    } else {
      return false;
    }
    if (i + need >= end) return false;
    for (let k = 1; k <= need; k++) {
      const c = buf[i + k] as number;
      if ((c & 0xc0) !== 0x80) return false;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += need + 1;
  }
  return true;
};

/**
 * How many bytes at the end of `buf[start, end)` form the start of a multi-byte character that the next
 * chunk completes (0 to 3).
 */
export const incompleteTailLength = (buf: Uint8Array, start: number, end: number): number => {
  for (let k = 1; k <= 3 && end - k >= start; k++) {
    const b = buf[end - k] as number;
    if ((b & 0xc0) === 0x80) continue;
    const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return length > k ? k : 0;
  }
  return 0;
};

/**
 * Whole-chunk fast path (simdutf inside `isUtf8`): true when every field lying wholly inside this chunk is
 * valid UTF-8 without NUL. A character split across the chunk's ends belongs to a field that crosses the
 * boundary; the tokenizer assembles such fields and checks them on their own, so those bytes are left out.
 */
export const isCleanChunk = (buf: Buffer, continuesField: boolean): boolean => {
  const n = buf.length;
  let start = 0;
  if (continuesField) {
    while (start < 3 && start < n && ((buf[start] as number) & 0xc0) === 0x80) start++;
  }
  const end = n - incompleteTailLength(buf, start, n);
  return buf.indexOf(0) === -1 && isUtf8(buf.subarray(start, end));
};
