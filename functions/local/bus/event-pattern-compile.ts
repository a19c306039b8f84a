/**
 * Turns an EventBridge event pattern into sub-rules (one per `$or` combination), each a map from a
 * dotted field path to what that field accepts. Mirrors aws/event-ruler's JsonRuleCompiler, including
 * its fallback to the older RuleCompiler, where `$or` is an ordinary field name.
 */
import { randomUUID } from 'node:crypto';
import { fail, InvalidEventPatternError, isPlainObject, type PatternPath } from './event-pattern-error';
import { type CompileOptions, compileLeaf, InexactNumber, type LeafMatcher } from './event-pattern-values';

/** Field path (keys joined with ".") to matcher; all fields must match. */
export type SubRule = Map<string, LeafMatcher>;

const OR = '$or';

// Operator names that event-ruler refuses as field names inside `$or`, so typos like
// {"$or": [{"prefix": "a"}, ...]} are not silently taken as fields.
const RESERVED_IN_OR = new Set([
  'exactly',
  'equals-ignore-case',
  'prefix',
  'suffix',
  'anything-but',
  'exists',
  'wildcard',
  'numeric',
  'cidr',
  '=',
  '<',
  '<=',
  '>',
  '>=',
  'regex',
  'not-wildcard',
  'not-equals-ignore-case',
  'date-after',
  'date-on-or-after',
  'date-before',
  'date-on-or-before',
  'in-date-range',
  'ip-address-in-range',
  'ip-address-not-in-range',
]);

interface Mode extends CompileOptions {
  readonly orEnabled: boolean;
}

export function compileSubRules(pattern: unknown): SubRule[] {
  try {
    return compileRoot(pattern, { orEnabled: true, legacy: false });
  } catch (error) {
    // event-ruler retries a rejected pattern with `$or` as a plain field name (kept for old rules).
    if (!(error instanceof InvalidEventPatternError) || !containsOrKey(pattern)) throw error;
    try {
      return compileRoot(pattern, { orEnabled: false, legacy: true });
    } catch {
      throw error;
    }
  }
}

function compileRoot(pattern: unknown, mode: Mode): SubRule[] {
  if (!isPlainObject(pattern)) return fail([], 'an event pattern must be a JSON object');
  return compileObject(pattern, [], '', [new Map()], mode, false);
}

function compileObject(
  object: Record<string, unknown>,
  path: PatternPath,
  prefix: string,
  rules: SubRule[],
  mode: Mode,
  insideOr: boolean,
): SubRule[] {
  const keys = Object.keys(object);
  if (keys.length === 0) return fail(path, 'objects must not be empty');
  let current = rules;
  for (const key of keys) {
    const value = object[key];
    const at = [...path, key];
    if (key === OR && mode.orEnabled) {
      current = compileOr(value, at, prefix, current, mode);
      continue;
    }
    if (insideOr && RESERVED_IN_OR.has(key)) {
      return fail(at, `"${key}" is a match keyword and cannot be a field name inside "$or"`);
    }
    const name = prefix === '' ? key : `${prefix}.${key}`;
    if (isPlainObject(value)) {
      current = compileObject(value, at, name, current, mode, insideOr);
    } else if (Array.isArray(value)) {
      const leaf = compileLeaf(value, at, mode);
      // A repeated path (e.g. {"a.b": ...} next to {"a": {"b": ...}}) keeps the last one, as in event-ruler.
      for (const rule of current) rule.set(name, leaf);
    } else {
      return fail(at, 'must be an object or an array of values');
    }
  }
  return current;
}

/** `$or: [A, B, ...]` forks every sub-rule built so far into one copy per branch. */
function compileOr(value: unknown, at: PatternPath, prefix: string, rules: SubRule[], mode: Mode): SubRule[] {
  if (!Array.isArray(value)) return fail(at, '"$or" must be an array of at least 2 objects');
  const forked: SubRule[] = [];
  value.forEach((branch, index) => {
    if (!isPlainObject(branch)) fail([...at, index], '"$or" branches must be objects');
    const copies = rules.map((rule) => new Map(rule));
    forked.push(...compileObject(branch, [...at, index], prefix, copies, mode, true));
  });
  if (value.length < 2) return fail(at, `"$or" needs at least 2 branches, found ${value.length}`);
  return forked;
}

function containsOrKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(containsOrKey);
  if (!isPlainObject(value)) return false;
  return Object.entries(value).some(([key, child]) => key === OR || containsOrKey(child));
}

/**
 * JSON.parse, except that number literals no double holds exactly (`1E-325`, `2.0e422`, 20-digit
 * values) come back as InexactNumber: event-ruler rejects them in numeric comparisons but accepts
 * them as plain values, and JSON.parse alone would silently round them.
 */
export function parsePatternText(text: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InvalidEventPatternError(`pattern: not valid JSON (${(error as Error).message})`);
  }
  const inexact = findNumberLiterals(text).filter((literal) => !isExactDouble(literal.text));
  if (inexact.length === 0) return parsed;

  // Re-parse with each inexact literal swapped for a unique placeholder string, then swap back.
  const nonce = randomUUID();
  const placeholders = new Map<string, InexactNumber>();
  let rewritten = '';
  let copied = 0;
  inexact.forEach((literal, index) => {
    const placeholder = `${nonce}:${index}`;
    placeholders.set(placeholder, new InexactNumber(literal.text));
    rewritten += `${text.slice(copied, literal.start)}"${placeholder}"`;
    copied = literal.start + literal.text.length;
  });
  rewritten += text.slice(copied);
  return restorePlaceholders(JSON.parse(rewritten), placeholders);
}

function restorePlaceholders(value: unknown, placeholders: ReadonlyMap<string, InexactNumber>): unknown {
  if (typeof value === 'string') return placeholders.get(value) ?? value;
  if (Array.isArray(value)) return value.map((item) => restorePlaceholders(item, placeholders));
  if (isPlainObject(value)) {
    // Object.fromEntries defines own properties, so even a "__proto__" key stays a plain key.
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, restorePlaceholders(item, placeholders)]),
    );
  }
  return value;
}

interface NumberLiteral {
  readonly start: number;
  readonly text: string;
}

/** Number tokens of already-validated JSON text (strings are skipped). */
function findNumberLiterals(text: string): NumberLiteral[] {
  const literals: NumberLiteral[] = [];
  const number = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
  let i = 0;
  while (i < text.length) {
    const c = text.charAt(i);
    if (c === '"') {
      i++;
      while (i < text.length && text.charAt(i) !== '"') i += text.charAt(i) === '\\' ? 2 : 1;
      i++;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      number.lastIndex = i;
      const found = number.exec(text)?.[0] ?? c;
      literals.push({ start: i, text: found });
      i += found.length;
    } else {
      i++;
    }
  }
  return literals;
}

/** Whether the literal's decimal value equals that of the double it parses to (Java's BigDecimal check). */
function isExactDouble(literal: string): boolean {
  const parsed = Number(literal);
  return Number.isFinite(parsed) && decimalKey(literal) === decimalKey(String(parsed));
}

/** A canonical form of a decimal literal's value: sign, significant digits and exponent. */
function decimalKey(literal: string): string {
  const match = /^(-?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?$/.exec(literal);
  if (match === null) return literal;
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = match;
  const allDigits = `${whole}${fraction}`;
  const digits = allDigits.replace(/^0+/, '');
  if (digits === '') return '0';
  const significant = digits.replace(/0+$/, '');
  const scale = Number(exponent) - fraction.length + (digits.length - significant.length);
  return `${sign}${significant}e${scale}`;
}
