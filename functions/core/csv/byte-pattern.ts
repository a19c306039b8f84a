/*
 * Contract patterns are mostly simple shapes (`^C-[0-9]{6}$`, `^[A-Z]{2}$`, `^\d+$`); testing them with a
 * RegExp needs a decoded string per value, and the decoding costs more than the match. This module matches
 * that subset directly on ASCII bytes, with the semantics of `RegExp.prototype.test`:
 *
 * - `^` first and `$` last, characters, escapes (`\d \w \s \D \W \S \t \n \r \f \v \0` and escaped
 *   punctuation), `.`, bracket classes with ranges and negation;
 * - the quantifiers `? * + {n} {n,} {n,m}` (a lazy `?` after them changes nothing for `test`) on one atom.
 *
 * Anything else (groups, alternation, backreferences, lookarounds, `\b`, Unicode escapes, non-ASCII
 * characters) is not compiled, and the caller uses the RegExp. A value with a non-ASCII byte is left to the
 * RegExp too, so the answer is always the RegExp's.
 */

/** Whether `buf[start, end)` matches, or undefined when the value is not ASCII and the RegExp must decide. */
export type BytePattern = (buf: Uint8Array, start: number, end: number) => boolean | undefined;

interface Element {
  /** Membership of each ASCII byte. */
  readonly accepts: Uint8Array;
  readonly min: number;
  /** Infinity for `*`, `+`, `{n,}`. */
  readonly max: number;
}

const MAX_STATES = 31;

const range = (from: number, to: number, into: Uint8Array): void => {
  for (let c = from; c <= to; c++) into[c] = 1;
};

const classOf = (letter: string): Uint8Array | null => {
  const set = new Uint8Array(128);
  switch (letter.toLowerCase()) {
    case 'd':
      range(0x30, 0x39, set);
      break;
    case 'w':
      range(0x30, 0x39, set);
      range(0x41, 0x5a, set);
      range(0x61, 0x7a, set);
      set[0x5f] = 1;
      break;
    case 's':
      range(0x09, 0x0d, set);
      set[0x20] = 1;
      break;
    default:
      return null;
  }
  if (letter === letter.toUpperCase()) for (let c = 0; c < 128; c++) set[c] = set[c] ? 0 : 1;
  return set;
};

const CONTROL_ESCAPES: Record<string, number> = { t: 9, n: 10, v: 11, f: 12, r: 13, '0': 0 };

/** The code of an escaped single character (`\.`, `\t`, …), or -1 when the escape is not supported. */
const escapedCode = (ch: string): number => {
  const control = CONTROL_ESCAPES[ch];
  if (control !== undefined) return control;
  return /^[\\^$.*+?()[\]{}|/-]$/.test(ch) ? ch.charCodeAt(0) : -1;
};

/** Parses a bracket class starting after `[`; returns the set and the index after `]`, or null. */
const parseClass = (source: string, from: number): { set: Uint8Array; next: number } | null => {
  const set = new Uint8Array(128);
  let i = from;
  const negated = source[i] === '^';
  if (negated) i++;
  while (i < source.length && source[i] !== ']') {
    let low: number;
    const ch = source[i] as string;
    if (ch === '\\') {
      const next = source[i + 1] ?? '';
      const shorthand = classOf(next);
      if (shorthand) {
        for (let c = 0; c < 128; c++) if (shorthand[c]) set[c] = 1;
        i += 2;
        continue;
      }
      low = next === 'b' ? 8 : escapedCode(next);
      if (low < 0) return null;
      i += 2;
    } else {
      if (ch === '[') return null;
      low = ch.charCodeAt(0);
      i++;
    }
    if (source[i] === '-' && i + 1 < source.length && source[i + 1] !== ']') {
      let high: number;
      const hi = source[i + 1] as string;
      if (hi === '\\') {
        high = escapedCode(source[i + 2] ?? '');
        i += 3;
      } else {
        high = hi.charCodeAt(0);
        i += 2;
      }
      if (high < 0 || high >= 128 || low > high) return null;
      range(low, high, set);
    } else {
      if (low >= 128) return null;
      set[low] = 1;
    }
  }
  if (source[i] !== ']') return null;
  if (negated) for (let c = 0; c < 128; c++) set[c] = set[c] ? 0 : 1;
  return { set, next: i + 1 };
};

const parse = (source: string): { elements: Element[]; start: boolean; end: boolean } | null => {
  if (/[^\x20-\x7e]/.test(source)) return null;
  let i = 0;
  const start = source.startsWith('^');
  if (start) i++;
  let stop = source.length;
  let backslashes = 0;
  while (source[stop - 2 - backslashes] === '\\') backslashes++;
  const end = stop > i && source[stop - 1] === '$' && backslashes % 2 === 0;
  if (end) stop--;
  const elements: Element[] = [];
  while (i < stop) {
    const ch = source[i] as string;
    let accepts: Uint8Array;
    if (ch === '[') {
      const parsed = parseClass(source, i + 1);
      if (!parsed || parsed.next > stop) return null;
      accepts = parsed.set;
      i = parsed.next;
    } else if (ch === '\\') {
      const next = source[i + 1] ?? '';
      const shorthand = classOf(next);
      const code = shorthand ? -1 : escapedCode(next);
      if (!shorthand && code < 0) return null;
      accepts = shorthand ?? new Uint8Array(128);
      if (!shorthand) accepts[code] = 1;
      i += 2;
    } else if (ch === '.') {
      accepts = new Uint8Array(128).fill(1);
      accepts[10] = 0;
      accepts[13] = 0;
      i++;
    } else if ('()|^$*+?{}]'.includes(ch)) {
      return null;
    } else {
      accepts = new Uint8Array(128);
      accepts[ch.charCodeAt(0)] = 1;
      i++;
    }
    let min = 1;
    let max = 1;
    const q = source[i];
    if (q === '?' || q === '*' || q === '+') {
      min = q === '+' ? 1 : 0;
      max = q === '?' ? 1 : Infinity;
      i++;
    } else if (q === '{') {
      const counted = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i, stop));
      if (!counted) return null;
      min = Number(counted[1]);
      max = counted[2] === undefined ? min : counted[3] === '' ? Infinity : Number(counted[3]);
      if (max < min) return null;
      i += counted[0].length;
    }
    if (min !== 1 || max !== 1) {
      if (source[i] === '?') i++;
      const after = source[i];
      if (after !== undefined && '?*+{'.includes(after)) return null;
    }
    elements.push({ accepts, min, max });
  }
  return { elements, start, end };
};

/** Fixed shape, anchored both ends: one class per position. */
const fixedMatcher = (positions: Uint8Array[]): BytePattern => {
  const length = positions.length;
  const table = new Uint8Array(length * 128);
  positions.forEach((set, k) => {
    table.set(set, k * 128);
  });
  return (buf, start, end) => {
    if (end - start !== length) {
      for (let i = start; i < end; i++) if ((buf[i] as number) >= 0x80) return undefined;
      return false;
    }
    let matched = true;
    for (let k = 0; k < length; k++) {
      const b = buf[start + k] as number;
      if (b >= 0x80) return undefined;
      if (table[k * 128 + b] === 0) matched = false;
    }
    return matched;
  };
};

/** A lazily built DFA stops growing at this many states; past it the NFA is stepped directly. */
const MAX_DFA_STATES = 256;

/**
 * Bit-parallel NFA (bit i set: "the first i elements are matched"; every element is a single class taken
 * once, optionally `?`, or any number of times `*`), turned lazily into a DFA: each set of NFA states met
 * becomes a DFA state and each transition is computed once, so a value costs one table lookup per byte.
 */
const stateMatcher = (
  steps: { accepts: Uint8Array; optional: boolean; repeat: boolean }[],
  anchoredStart: boolean,
  anchoredEnd: boolean,
): BytePattern => {
  const accepting = 1 << steps.length;
  const masks = new Int32Array(128);
  let optional = 0;
  let repeat = 0;
  steps.forEach((step, i) => {
    for (let c = 0; c < 128; c++) if (step.accepts[c]) masks[c] = (masks[c] as number) | (1 << i);
    if (step.optional) optional |= 1 << i;
    if (step.repeat) repeat |= 1 << i;
  });
  const close = (states: number): number => {
    let s = states;
    for (;;) {
      const next = s | ((s & optional) << 1);
      if (next === s) return s;
      s = next;
    }
  };
  const initial = close(1);
  const advance = (states: number, b: number): number => {
    const hit = states & (masks[b] as number);
    const next = close(((hit & ~repeat) << 1) | (hit & repeat));
    return anchoredStart ? next : next | initial;
  };

  const sets: number[] = [];
  const ids = new Map<number, number>();
  const transitions = new Int32Array(MAX_DFA_STATES * 128).fill(-1);
  const intern = (states: number): number => {
    let id = ids.get(states);
    if (id === undefined) {
      if (sets.length === MAX_DFA_STATES) return -1;
      id = sets.length;
      ids.set(states, id);
      sets.push(states);
    }
    return id;
  };
  const startId = intern(initial);

  /** The NFA stepped directly from `states` over `buf[from, end)`, when the DFA is full. */
  const simulate = (states: number, buf: Uint8Array, from: number, end: number): boolean | undefined => {
    let current = states;
    for (let i = from; i < end; i++) {
      const b = buf[i] as number;
      if (b >= 0x80) return undefined;
      current = advance(current, b);
      if (!anchoredEnd && (current & accepting) !== 0) return true;
    }
    return (current & accepting) !== 0;
  };

  return (buf, start, end) => {
    let id = startId;
    if (!anchoredEnd && (initial & accepting) !== 0) return true;
    for (let i = start; i < end; i++) {
      const b = buf[i] as number;
      if (b >= 0x80) return undefined;
      let next = transitions[id * 128 + b] as number;
      if (next < 0) {
        const states = advance(sets[id] as number, b);
        next = intern(states);
        if (next < 0) return simulate(states, buf, i + 1, end);
        transitions[id * 128 + b] = next;
      }
      id = next;
      const states = sets[id] as number;
      if (anchoredStart && states === 0) return false;
      if (!anchoredEnd && (states & accepting) !== 0) return true;
    }
    return ((sets[id] as number) & accepting) !== 0;
  };
};

const MAX_FIXED_LENGTH = 256;

/**
 * The shape of a pattern anchored at both ends whose every element is taken a fixed number of times
 * (`^C-[0-9]{6}$`): the ASCII bytes each position accepts (a 128-entry membership table each), or null.
 */
export const fixedShape = (source: string): Uint8Array[] | null => {
  const parsed = parse(source);
  if (!parsed?.start || !parsed.end || !parsed.elements.every((e) => e.min === e.max)) return null;
  const positions = parsed.elements.flatMap((e) => new Array<Uint8Array>(e.min).fill(e.accepts));
  return positions.length <= MAX_FIXED_LENGTH ? positions : null;
};

/** A byte matcher for `source`, or null when it is outside the supported subset. */
export const compileBytePattern = (source: string): BytePattern | null => {
  const positions = fixedShape(source);
  if (positions) return fixedMatcher(positions);
  const parsed = parse(source);
  if (!parsed) return null;
  const { elements, start, end } = parsed;
  const steps: { accepts: Uint8Array; optional: boolean; repeat: boolean }[] = [];
  for (const e of elements) {
    for (let k = 0; k < e.min; k++) steps.push({ accepts: e.accepts, optional: false, repeat: false });
    if (e.max === Infinity) {
      steps.push({ accepts: e.accepts, optional: true, repeat: true });
    } else {
      for (let k = e.min; k < e.max; k++) steps.push({ accepts: e.accepts, optional: true, repeat: false });
    }
    if (steps.length > MAX_STATES - 1) return null;
  }
  return stateMatcher(steps, start, end);
};
