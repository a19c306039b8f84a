import { describe, expect, it } from 'vitest';
import { compileColumns } from '../../../functions/core/csv/column-rules';
import { textReader } from '../../../functions/core/csv/text-readers';
import { column } from './chunking';

const COMMA = 44;
const SEMICOLON = 59;

const readerFor = (extra: Parameters<typeof column>[2], delimiter = COMMA) => {
  const [rule] = compileColumns([column('c', 'string', extra)], []);
  if (!rule) throw new Error('no rule');
  return textReader(rule, delimiter);
};

/** Where the reader says the value at the start of `line` ends (-1: not vouched for). */
const read = (reader: ReturnType<typeof readerFor>, line: string): number => {
  if (!reader) throw new Error('no reader');
  const buf = Buffer.from(line);
  const lf = buf.indexOf(10);
  return reader(buf, 0, lf < 0 ? buf.length : lf);
};

describe('textReader', () => {
  it('reads a value of a fixed-shape pattern and finds the delimiter after it', () => {
    const reader = readerFor({ pattern: '^C-[0-9]{6}$' });
    expect(read(reader, 'C-123456,next\n')).toBe(8);
    expect(read(reader, 'C-12345,next\n')).toBe(-1);
    expect(read(reader, 'C-1234567,next\n')).toBe(-1);
    expect(read(reader, 'c-123456,next\n')).toBe(-1);
    // The value must end with a delimiter inside the record: a last field is not its business.
    expect(read(reader, 'C-123456\n')).toBe(-1);
  });

  it('reads an allowed value, the longest one that the delimiter ends', () => {
    const reader = readerFor({ allowedValues: ['new', 'newer', 'naïve'] });
    expect(read(reader, 'new,x\n')).toBe(3);
    expect(read(reader, 'newer,x\n')).toBe(5);
    expect(read(reader, 'naïve,x\n')).toBe(6);
    expect(read(reader, 'news,x\n')).toBe(-1);
    expect(read(reader, 'NEW,x\n')).toBe(-1);
    expect(read(reader, ',x\n')).toBe(-1);
  });

  it('leaves non-ASCII text to the RegExp', () => {
    // 'é' is two bytes: the right length, but only the RegExp can say whether it matches.
    expect(read(readerFor({ pattern: '^[a-z]{2}$' }), 'é,x\n')).toBe(-1);
  });

  it('offers nothing where a value could hold the delimiter, or other checks apply', () => {
    expect(readerFor({ pattern: '^[a-z,]{3}$' })).toBeNull();
    expect(readerFor({ pattern: '^[a-z;]{3}$' })).not.toBeNull();
    expect(readerFor({ pattern: '^[a-z;]{3}$' }, SEMICOLON)).toBeNull();
    expect(readerFor({ allowedValues: ['a,b', 'c'] })).toBeNull();
    expect(readerFor({ allowedValues: ['a', ''] })).toBeNull();
    expect(readerFor({ pattern: '^C-[0-9]+$' })).toBeNull();
    expect(readerFor({ pattern: '^C-[0-9]{6}$', maxLength: 8 })).toBeNull();
    expect(readerFor({ pattern: '^[a-z]{3}$', allowedValues: ['abc'] })).toBeNull();
    expect(readerFor({})).toBeNull();
  });
});
