/**
 * Value-level matchers: what one pattern field's array (`"key": ["a", {"prefix": "b"}, ...]`) accepts.
 * Semantics follow aws/event-ruler (the matcher behind EventBridge); the type rules come from it too:
 * string operators never match numbers and numeric ones never match strings.
 */
import { fail, isPlainObject, type PatternPath } from './event-pattern-error';
import { type IpRange, isIpInRange, parseCidr, parseIpAddress, singleAddressRange } from './event-pattern-ip';

export type EventScalar = string | number | boolean | null;
export type ValueTest = (value: EventScalar) => boolean;

/** A number literal in pattern text that no double holds exactly (e.g. `1E-325`); see parsePattern. */
export class InexactNumber {
  constructor(readonly text: string) {}

  get value(): number {
    return Number(this.text);
  }
}

/** What one pattern field accepts. */
export interface LeafMatcher {
  readonly test: ValueTest;
  /** The list holds `{"exists": false}`, so a missing field matches too. */
  readonly allowsAbsence: boolean;
}

export interface CompileOptions {
  /** event-ruler's older RuleCompiler, used when `$or` is not a valid OR: it lacks some anything-but forms. */
  readonly legacy: boolean;
}

const ABSENT = Symbol('absent');
const never: ValueTest = () => false;

export function compileLeaf(
  values: readonly unknown[],
  path: PatternPath,
  options: CompileOptions,
): LeafMatcher {
  if (values.length === 0) fail(path, 'arrays must not be empty');
  const tests: ValueTest[] = [];
  let allowsAbsence = false;
  values.forEach((value, index) => {
    const at = [...path, index];
    const compiled = isPlainObject(value)
      ? compileMatchExpression(value, at, options)
      : compileExactValue(value, at);
    if (compiled === ABSENT) allowsAbsence = true;
    else tests.push(compiled);
  });
  const [only] = tests;
  const test: ValueTest = tests.length > 1 ? (value) => tests.some((t) => t(value)) : (only ?? never);
  return { test, allowsAbsence };
}

function compileExactValue(value: unknown, at: PatternPath): ValueTest {
  if (typeof value === 'string') {
    // event-ruler compares IP-looking strings as addresses, so "::1" also matches "0:0:0:0:0:0:0:1".
    const address = parseIpAddress(value);
    if (address !== undefined) return ipTest(singleAddressRange(address));
    return (v) => v === value;
  }
  if (typeof value === 'number') {
    const n = finiteNumber(value, at);
    return (v) => typeof v === 'number' && sameNumber(v, n);
  }
  if (value instanceof InexactNumber) {
    // Not comparable as a number, so event-ruler only matches the literal itself.
    const n = value.value;
    return (v) => v === n;
  }
  if (typeof value === 'boolean' || value === null) return (v) => v === value;
  return fail(
    at,
    'values must be strings, numbers, true, false, null or match objects such as {"prefix": "a"}',
  );
}

function compileMatchExpression(
  expression: Record<string, unknown>,
  at: PatternPath,
  options: CompileOptions,
): ValueTest | typeof ABSENT {
  const [op, ...extra] = Object.keys(expression);
  if (op === undefined) return fail(at, 'match objects must not be empty');
  if (extra.length > 0)
    return fail(at, `a match object has exactly one key, found "${op}" and "${extra.join('", "')}"`);
  const arg = expression[op];

  switch (op) {
    case 'exactly': {
      const text = requireString(arg, at, op);
      return (v) => v === text;
    }
    case 'prefix':
    case 'suffix': {
      if (isPlainObject(arg)) {
        const re = ignoreCaseRegExp(ignoreCaseArgument(arg, at, op), op);
        return (v) => typeof v === 'string' && re.test(v);
      }
      const text = requireString(arg, at, op);
      return op === 'prefix'
        ? (v) => typeof v === 'string' && v.startsWith(text)
        : (v) => typeof v === 'string' && v.endsWith(text);
    }
    case 'equals-ignore-case': {
      const re = ignoreCaseRegExp(requireString(arg, at, op), 'equals');
      return (v) => typeof v === 'string' && re.test(v);
    }
    case 'wildcard': {
      const glob = compileWildcard(requireString(arg, at, op), at);
      return (v) => typeof v === 'string' && glob(v);
    }
    case 'numeric':
      return compileNumeric(arg, at);
    case 'anything-but': {
      const excluded = compileAnythingButExclusion(arg, at, options);
      return (v) => !excluded(v);
    }
    case 'exists':
      if (typeof arg !== 'boolean') return fail(at, '"exists" must be true or false');
      return arg ? () => true : ABSENT;
    case 'cidr': {
      const range = parseCidr(requireString(arg, at, op));
      if (typeof range === 'string') return fail(at, range);
      return ipTest(range);
    }
    default:
      return fail(
        at,
        `unknown match type "${op}" (expected prefix, suffix, equals-ignore-case, wildcard, anything-but, ` +
          'numeric, exists, cidr or exactly)',
      );
  }
}

function compileAnythingButExclusion(arg: unknown, at: PatternPath, options: CompileOptions): ValueTest {
  if (typeof arg === 'string') return (v) => v === arg;
  if (typeof arg === 'number' || arg instanceof InexactNumber) {
    const n = comparableNumber(arg, at, '"anything-but"');
    return (v) => typeof v === 'number' && sameNumber(v, n);
  }
  if (Array.isArray(arg)) {
    if (arg.length === 0) return fail(at, '"anything-but" list must not be empty');
    if (arg.every((x): x is string => typeof x === 'string')) {
      const strings = new Set(arg);
      return (v) => typeof v === 'string' && strings.has(v);
    }
    if (arg.every((x) => typeof x === 'number' || x instanceof InexactNumber)) {
      const numbers = arg.map((x: number | InexactNumber) => comparableNumber(x, at, '"anything-but"'));
      return (v) => typeof v === 'number' && numbers.some((n) => sameNumber(v, n));
    }
    return fail(at, '"anything-but" list values must be all strings or all numbers');
  }
  if (isPlainObject(arg)) return compileAnythingButOperator(arg, at, options);
  return fail(
    at,
    '"anything-but" must be a string, a number, a list of them, or an object such as {"prefix": "a"}',
  );
}

function compileAnythingButOperator(
  expression: Record<string, unknown>,
  at: PatternPath,
  options: CompileOptions,
): ValueTest {
  const [op, ...extra] = Object.keys(expression);
  const supported = ['prefix', 'suffix', 'equals-ignore-case', ...(options.legacy ? [] : ['wildcard'])];
  if (op === undefined || !supported.includes(op)) {
    return fail(
      at,
      `"anything-but" objects support ${supported.map((s) => `"${s}"`).join(', ')}, found "${op ?? ''}"`,
    );
  }
  if (extra.length > 0)
    return fail(at, `"anything-but" object has exactly one key, found "${op}" and "${extra[0]}"`);
  const arg = expression[op];
  const list = Array.isArray(arg) ? arg : [arg];
  if (Array.isArray(arg) && options.legacy && op !== 'equals-ignore-case') {
    return fail(at, `"anything-but" "${op}" must be a single string`);
  }
  if (list.length === 0) return fail(at, `"anything-but" "${op}" list must not be empty`);
  const texts = list.map((text) => {
    if (typeof text !== 'string') return fail(at, `"anything-but" "${op}" values must be strings`);
    if (text === '' && (op === 'prefix' || op === 'suffix')) {
      return fail(at, `"anything-but" "${op}" must be a non-empty string`);
    }
    return text;
  });

  let matchesOne: (value: string, text: string) => boolean;
  if (op === 'prefix') matchesOne = (value, text) => value.startsWith(text);
  else if (op === 'suffix') matchesOne = (value, text) => value.endsWith(text);
  else {
    const matchers = texts.map((text) =>
      op === 'wildcard' ? compileWildcard(text, at) : regExpTest(ignoreCaseRegExp(text, 'equals')),
    );
    return (v) => typeof v === 'string' && matchers.some((m) => m(v));
  }
  return (v) => typeof v === 'string' && texts.some((text) => matchesOne(v, text));
}

const NUMERIC_USAGE =
  '"numeric" takes ["=", n], ["<" or "<=", n], [">" or ">=", n] or [">" or ">=", n, "<" or "<=", m]';

function compileNumeric(arg: unknown, at: PatternPath): ValueTest {
  if (!Array.isArray(arg)) return fail(at, `"numeric" must be an array: ${NUMERIC_USAGE}`);
  const operand = (index: number): number => {
    const value: unknown = arg[index];
    if (typeof value !== 'number' && !(value instanceof InexactNumber)) {
      return fail(at, `"numeric": the value after "${String(arg[index - 1])}" must be a number`);
    }
    return comparableNumber(value, at, '"numeric"');
  };
  const expectLength = (length: number) => {
    if (arg.length > length) fail(at, `"numeric" has too many elements: ${NUMERIC_USAGE}`);
  };

  const [operator] = arg;
  if (operator === '=') {
    const n = operand(1);
    expectLength(2);
    return (v) => typeof v === 'number' && sameNumber(v, n);
  }
  if (operator === '<' || operator === '<=') {
    const top = operand(1);
    expectLength(2);
    return (v) => typeof v === 'number' && below(v, top, operator === '<');
  }
  if (operator === '>' || operator === '>=') {
    const bottom = operand(1);
    const openBottom = operator === '>';
    if (arg.length === 2) return (v) => typeof v === 'number' && above(v, bottom, openBottom);
    const topOperator: unknown = arg[2];
    if (topOperator !== '<' && topOperator !== '<=') {
      return fail(
        at,
        `"numeric": a range's upper bound needs "<" or "<=", found ${JSON.stringify(topOperator)}`,
      );
    }
    const top = operand(3);
    expectLength(4);
    if (compareNumbers(bottom, top) >= 0)
      return fail(at, '"numeric": the lower bound must be below the upper bound');
    const openTop = topOperator === '<';
    return (v) => typeof v === 'number' && above(v, bottom, openBottom) && below(v, top, openTop);
  }
  return fail(at, `"numeric": unknown operator ${JSON.stringify(operator)}; ${NUMERIC_USAGE}`);
}

/** event-ruler compares numbers as doubles and rejects any it cannot hold exactly. */
function comparableNumber(value: number | InexactNumber, at: PatternPath, context: string): number {
  if (value instanceof InexactNumber) {
    return fail(
      at,
      `${context}: ${value.text} cannot be compared exactly (beyond double range or precision)`,
    );
  }
  return finiteNumber(value, at);
}

function finiteNumber(value: number, at: PatternPath): number {
  if (!Number.isFinite(value)) return fail(at, `${value} is not a finite number`);
  return value;
}

// event-ruler orders doubles by their bit pattern, so -0 sorts just below 0 and is not equal to it.
function compareNumbers(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (Object.is(a, b)) return 0;
  return Object.is(a, -0) ? -1 : 1;
}

function sameNumber(a: number, b: number): boolean {
  return Object.is(a, b);
}

function above(value: number, bottom: number, open: boolean): boolean {
  const c = compareNumbers(value, bottom);
  return open ? c > 0 : c >= 0;
}

function below(value: number, top: number, open: boolean): boolean {
  const c = compareNumbers(value, top);
  return open ? c < 0 : c <= 0;
}

function ipTest(range: IpRange): ValueTest {
  return (v) => {
    if (typeof v !== 'string') return false;
    const address = parseIpAddress(v);
    return address !== undefined && isIpInRange(address, range);
  };
}

function requireString(value: unknown, at: PatternPath, op: string): string {
  if (typeof value !== 'string') return fail(at, `"${op}" must be a string`);
  return value;
}

function ignoreCaseArgument(expression: Record<string, unknown>, at: PatternPath, op: string): string {
  const keys = Object.keys(expression);
  if (keys.length !== 1 || keys[0] !== 'equals-ignore-case') {
    return fail(at, `"${op}" takes a string or {"equals-ignore-case": "..."}`);
  }
  return requireString(expression['equals-ignore-case'], at, 'equals-ignore-case');
}

/**
 * event-ruler accepts, for each pattern character, its lower- or upper-case form (so "ß" matches "SS").
 */
function ignoreCaseRegExp(text: string, anchor: 'equals' | 'prefix' | 'suffix'): RegExp {
  let source = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    const lower = escapeRegExp(c.toLowerCase());
    const upper = escapeRegExp(c.toUpperCase());
    source += lower === upper ? lower : `(?:${lower}|${upper})`;
  }
  const start = anchor === 'suffix' ? '' : '^';
  const end = anchor === 'prefix' ? '' : '$';
  return new RegExp(`${start}${source}${end}`);
}

function regExpTest(re: RegExp): (value: string) => boolean {
  return (value) => re.test(value);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * `*` matches any run of characters (including "/"); `\*` and `\\` are literal. `**` and other escapes are
 * invalid. Matching is greedy segment search, so it stays linear-ish however many `*` there are.
 */
function compileWildcard(text: string, at: PatternPath): (value: string) => boolean {
  const segments: string[] = [''];
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (c === '*') {
      if (text.charAt(i + 1) === '*')
        return fail(at, `"wildcard" must not contain consecutive "*" (at ${i})`);
      segments.push('');
    } else if (c === '\\') {
      const next = text.charAt(i + 1);
      if (next !== '*' && next !== '\\')
        return fail(at, `"wildcard": "\\" must be followed by "*" or "\\" (at ${i})`);
      segments[segments.length - 1] += next;
      i++;
    } else {
      segments[segments.length - 1] += c;
    }
  }

  const first = segments[0] ?? '';
  const last = segments[segments.length - 1] ?? '';
  const middle = segments.slice(1, -1);
  if (segments.length === 1) return (value) => value === first;
  return (value) => {
    if (value.length < first.length + last.length || !value.startsWith(first) || !value.endsWith(last)) {
      return false;
    }
    let from = first.length;
    const end = value.length - last.length;
    for (const segment of middle) {
      const found = value.indexOf(segment, from);
      if (found === -1 || found + segment.length > end) return false;
      from = found + segment.length;
    }
    return true;
  };
}
