import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  compilePattern,
  InvalidEventPatternError,
  matchesPattern,
  parsePattern,
} from '../../../functions/local/bus/event-pattern';

interface MatchCase {
  id: string;
  pattern: unknown;
  pattern_is_raw_json_text?: boolean;
  event: unknown;
  matches: boolean;
}

interface InvalidPattern {
  pattern_text: string;
  reason?: string;
  oracle_event_ruler_error: string;
}

const corpus = (file: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../../shared/reference/corpus/${file}`, import.meta.url), 'utf8'));

const cases = corpus('event-ruler-cases.json') as MatchCase[];
const invalidPatterns = corpus('event-ruler-invalid-patterns.json') as InvalidPattern[];

describe('event pattern matching agrees with aws/event-ruler', () => {
  it('loads the whole corpus', () => {
    expect(cases).toHaveLength(243);
    expect(invalidPatterns).toHaveLength(97);
  });

  it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    // Two cases keep the pattern as raw text because it repeats a key (the last one wins).
    const compiled =
      c.pattern_is_raw_json_text === true ? parsePattern(c.pattern as string) : compilePattern(c.pattern);
    expect(compiled.matches(c.event)).toBe(c.matches);
  });
});

describe('invalid event patterns are rejected', () => {
  it.each(invalidPatterns.map((p, index) => [index, p.pattern_text, p] as const))(
    'invalid #%i: %s',
    (_index, text) => {
      expect(() => parsePattern(text)).toThrow(InvalidEventPatternError);
    },
  );
});

describe('the platform rule: S3 Object Created outside the quarantine prefix', () => {
  const rule = {
    source: ['aws.s3'],
    'detail-type': ['Object Created'],
    detail: { bucket: { name: ['b1'] }, object: { key: [{ 'anything-but': { prefix: '_quarantine/' } }] } },
  };
  const objectCreated = (bucket: string, key: string, overrides: Record<string, unknown> = {}) => ({
    version: '0',
    id: '17793124-05d4-b198-2fde-7ededc63b103',
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: '111122223333',
    time: '2021-11-12T00:00:00Z',
    region: 'ca-central-1',
    resources: [`arn:aws:s3:::${bucket}`],
    detail: {
      version: '0',
      bucket: { name: bucket },
      object: { key, size: 5, etag: 'b1946ac92492d2347c6235b4d2611184', sequencer: '00617F08299329D189' },
      'request-id': 'N4N7GDK58NMKJ12R',
      requester: '123456789012',
      reason: 'PutObject',
    },
    ...overrides,
  });
  const compiled = compilePattern(rule);

  it('matches an upload to the bucket', () => {
    expect(compiled.matches(objectCreated('b1', 'incoming/producer-a/orders.csv'))).toBe(true);
  });

  it('does not match a key under _quarantine/', () => {
    expect(compiled.matches(objectCreated('b1', '_quarantine/incoming/producer-a/orders.csv'))).toBe(false);
  });

  it('matches keys that only contain or resemble the quarantine prefix', () => {
    expect(compiled.matches(objectCreated('b1', 'incoming/_quarantine/orders.csv'))).toBe(true);
    expect(compiled.matches(objectCreated('b1', '_quarantine.csv'))).toBe(true);
  });

  it('does not match another bucket, source or detail-type', () => {
    expect(compiled.matches(objectCreated('b2', 'incoming/orders.csv'))).toBe(false);
    expect(compiled.matches(objectCreated('b1', 'incoming/orders.csv', { source: 'aws.ec2' }))).toBe(false);
    expect(
      compiled.matches(objectCreated('b1', 'incoming/orders.csv', { 'detail-type': 'Object Deleted' })),
    ).toBe(false);
  });

  it('does not match when the key is missing, since anything-but needs a value', () => {
    const event = objectCreated('b1', 'x');
    const { key: _key, ...objectWithoutKey } = event.detail.object;
    expect(compiled.matches({ ...event, detail: { ...event.detail, object: objectWithoutKey } })).toBe(false);
  });

  it('accepts the same rule as JSON text', () => {
    expect(parsePattern(JSON.stringify(rule)).matches(objectCreated('b1', 'a.csv'))).toBe(true);
  });
});

describe('error reporting', () => {
  const messageOf = (pattern: unknown): string => {
    try {
      compilePattern(pattern);
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidEventPatternError);
      expect((error as Error).name).toBe('InvalidEventPatternError');
      return (error as Error).message;
    }
    throw new Error('expected the pattern to be rejected');
  };

  it('says where in the pattern and what is wrong', () => {
    expect(messageOf({ detail: { object: { key: [{ prefix: 3 }] } } })).toBe(
      'detail.object.key[0]: "prefix" must be a string',
    );
    expect(messageOf({ detail: { object: { key: [{ 'anything-but': { prefix: '' } }] } } })).toBe(
      'detail.object.key[0]: "anything-but" "prefix" must be a non-empty string',
    );
    expect(messageOf({ source: 'aws.s3' })).toBe('source: must be an object or an array of values');
    expect(messageOf({ $or: [{ a: ['x'] }] })).toBe('$or: "$or" needs at least 2 branches, found 1');
    expect(messageOf([])).toBe('pattern: an event pattern must be a JSON object');
  });

  it('reports malformed JSON text', () => {
    expect(() => parsePattern('{"a": [1, 2 3]}')).toThrow(/not valid JSON/);
  });
});

describe('semantics beyond the corpus', () => {
  it('treats $or with non-object content as an ordinary field name, as event-ruler does', () => {
    expect(
      matchesPattern(
        { detail: { $or: [{ numeric: ['>', 10] }, { numeric: ['<', 0] }] } },
        { detail: { $or: 11 } },
      ),
    ).toBe(true);
  });

  it('matches numbers exactly across spellings but keeps -0 apart from 0', () => {
    const compiled = parsePattern('{"a": [5]}');
    expect(compiled.matches(JSON.parse('{"a": 5.0}'))).toBe(true);
    expect(compiled.matches(JSON.parse('{"a": 5e0}'))).toBe(true);
    expect(matchesPattern({ a: [0] }, { a: -0 })).toBe(false);
  });

  it('rejects numeric operands a double cannot hold, but accepts them as plain values', () => {
    expect(() => parsePattern('{"x": [{"numeric": [">", 0.10000000000000000001]}]}')).toThrow(
      InvalidEventPatternError,
    );
    const bigValue = '{"x": [123456789012345678901]}';
    expect(parsePattern(bigValue).matches(JSON.parse(bigValue.replace(/[[\]]/g, '')))).toBe(true);
  });

  it('matches IPv6 CIDR ranges and IP literals by address', () => {
    expect(matchesPattern({ ip: [{ cidr: '2001:db8::/32' }] }, { ip: '2001:0db8:ffff::1' })).toBe(true);
    expect(matchesPattern({ ip: [{ cidr: '2001:db8::/32' }] }, { ip: '2001:db9::1' })).toBe(false);
    expect(matchesPattern({ ip: ['::1'] }, { ip: '0:0:0:0:0:0:0:1' })).toBe(true);
  });

  it('anything-but matches any array element that is not excluded, and non-strings', () => {
    expect(matchesPattern({ a: [{ 'anything-but': 'x' }] }, { a: ['x', 'y'] })).toBe(true);
    expect(matchesPattern({ a: [{ 'anything-but': 'x' }] }, { a: ['x'] })).toBe(false);
    expect(matchesPattern({ a: [{ 'anything-but': { prefix: 'x' } }] }, { a: 5 })).toBe(true);
  });

  it('validates wildcard escapes: only \\* and \\\\ are allowed', () => {
    expect(matchesPattern({ a: [{ wildcard: 'a\\**' }] }, { a: 'a*xyz' })).toBe(true);
    expect(matchesPattern({ a: [{ wildcard: 'a\\**' }] }, { a: 'abc' })).toBe(false);
    expect(() => compilePattern({ a: [{ wildcard: 'foo*bar\\' }] })).toThrow(InvalidEventPatternError);
    expect(() => compilePattern({ a: [{ wildcard: 'a\\b' }] })).toThrow(InvalidEventPatternError);
  });

  it('non-object events never match', () => {
    expect(matchesPattern({ a: [{ exists: false }] }, null)).toBe(false);
    expect(matchesPattern({ a: [{ exists: false }] }, [])).toBe(false);
  });
});
