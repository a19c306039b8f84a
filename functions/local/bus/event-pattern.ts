/**
 * Amazon EventBridge event-pattern matching for the local in-process bus.
 *
 * Semantics are those of aws/event-ruler's array-consistent matcher (`rulesForJSONEvent`), which
 * EventBridge is built on: fields AND together, the values listed for a field OR together, an event
 * array matches when any element does, and fields matched inside objects in an array must all come from
 * the same array element.
 */
import { compileSubRules, parsePatternText, type SubRule } from './event-pattern-compile';
import { isPlainObject } from './event-pattern-error';
import type { EventScalar, LeafMatcher } from './event-pattern-values';

export { InvalidEventPatternError } from './event-pattern-error';

/** A validated event pattern. */
export interface CompiledPattern {
  /** Whether the event (a whole EventBridge envelope, parsed from JSON) matches. */
  matches(event: unknown): boolean;
}

/** Validates a parsed pattern; throws InvalidEventPatternError for anything EventBridge rejects. */
export function compilePattern(pattern: unknown): CompiledPattern {
  return new EventPattern(compileSubRules(pattern));
}

/** Parses pattern JSON text (a repeated key keeps its last value, as in EventBridge) and compiles it. */
export function parsePattern(text: string): CompiledPattern {
  return compilePattern(parsePatternText(text));
}

export function matchesPattern(pattern: unknown, event: unknown): boolean {
  return compilePattern(pattern).matches(event);
}

/** Array id to element index: which element of each enclosing event array a value sits in. */
type Membership = ReadonlyMap<number, number>;

interface Leaf {
  readonly value: EventScalar;
  readonly membership: Membership;
}

interface Field {
  readonly name: string;
  readonly matcher: LeafMatcher;
}

class EventPattern implements CompiledPattern {
  // event-ruler walks a rule's fields in sorted name order; the order matters for `exists: false`
  // inside arrays, which only looks at elements consistent with the fields matched before it.
  private readonly rules: readonly (readonly Field[])[];
  // Every field path and each dotted prefix of one, to skip event parts no rule looks at.
  private readonly usedPaths = new Set<string>();

  constructor(subRules: readonly SubRule[]) {
    this.rules = subRules.map((rule) =>
      [...rule.entries()]
        .map(([name, matcher]) => ({ name, matcher }))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    );
    for (const rule of subRules) {
      for (const name of rule.keys()) {
        for (let dot = name.indexOf('.'); dot !== -1; dot = name.indexOf('.', dot + 1)) {
          this.usedPaths.add(name.slice(0, dot));
        }
        this.usedPaths.add(name);
      }
    }
  }

  matches(event: unknown): boolean {
    if (!isPlainObject(event)) return false;
    const leaves = this.flatten(event);
    return this.rules.some((fields) => matchFields(fields, 0, new Map(), leaves));
  }

  /**
   * Flattens the event to leaf values keyed by dotted path ({"a": {"b": 1}} and {"a.b": 1} both give
   * "a.b", as in event-ruler). Arrays add no path segment but record which element a value came from.
   */
  private flatten(event: Record<string, unknown>): Map<string, Leaf[]> {
    const leaves = new Map<string, Leaf[]>();
    let arrayCount = 0;

    const visitObject = (object: Record<string, unknown>, path: string, membership: Membership) => {
      for (const [key, value] of Object.entries(object)) {
        const name = path === '' ? key : `${path}.${key}`;
        if (this.usedPaths.has(name)) visitValue(value, name, membership);
      }
    };
    const visitValue = (value: unknown, name: string, membership: Membership) => {
      if (Array.isArray(value)) {
        const arrayId = arrayCount++;
        value.forEach((element, index) => {
          // Like event-ruler, only object and array elements record their index; scalars need none.
          const isContainer = Array.isArray(element) || isPlainObject(element);
          visitValue(element, name, isContainer ? new Map(membership).set(arrayId, index) : membership);
        });
      } else if (isPlainObject(value)) {
        visitObject(value, name, membership);
      } else if (isScalar(value)) {
        const list = leaves.get(name);
        if (list === undefined) leaves.set(name, [{ value, membership }]);
        else list.push({ value, membership });
      }
    };

    visitObject(event, '', new Map());
    return leaves;
  }
}

/** Backtracking search for one leaf per field, all from consistent array elements. */
function matchFields(
  fields: readonly Field[],
  index: number,
  membership: Membership,
  leaves: ReadonlyMap<string, Leaf[]>,
): boolean {
  const field = fields[index];
  if (field === undefined) return true;
  const candidates = leaves.get(field.name) ?? [];

  if (field.matcher.allowsAbsence) {
    const present = candidates.some((leaf) => mergeMembership(membership, leaf.membership) !== undefined);
    if (!present && matchFields(fields, index + 1, membership, leaves)) return true;
  }
  for (const leaf of candidates) {
    const merged = mergeMembership(membership, leaf.membership);
    if (merged === undefined || !field.matcher.test(leaf.value)) continue;
    if (matchFields(fields, index + 1, merged, leaves)) return true;
  }
  return false;
}

/** Combines two memberships, or returns undefined if they name different elements of one array. */
function mergeMembership(soFar: Membership, next: Membership): Membership | undefined {
  let merged: Map<number, number> | undefined;
  for (const [arrayId, elementIndex] of next) {
    const seen = soFar.get(arrayId);
    if (seen === undefined) {
      merged ??= new Map(soFar);
      merged.set(arrayId, elementIndex);
    } else if (seen !== elementIndex) {
      return undefined;
    }
  }
  return merged ?? soFar;
}

function isScalar(value: unknown): value is EventScalar {
  return (
    value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
  );
}
