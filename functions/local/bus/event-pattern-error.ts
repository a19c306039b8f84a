/** A location inside a pattern: object keys and array indexes, outermost first. */
export type PatternPath = readonly (string | number)[];

/** Thrown for any event pattern that Amazon EventBridge (aws/event-ruler) would reject. */
export class InvalidEventPatternError extends Error {
  override readonly name = 'InvalidEventPatternError';

  constructor(
    message: string,
    /** Where in the pattern the problem is, e.g. `detail.object.key[0]`; `pattern` for the whole pattern. */
    readonly where: string = 'pattern',
  ) {
    super(message);
  }
}

export function formatPath(path: PatternPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out === '' ? 'pattern' : out;
}

export function fail(path: PatternPath, problem: string): never {
  const where = formatPath(path);
  throw new InvalidEventPatternError(`${where}: ${problem}`, where);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
