import { describe, expect, it } from 'vitest';
import { compileBytePattern } from '../../../functions/core/csv/byte-pattern';
import { createPrng } from './chunking';

const PATTERNS = [
  '^C-[0-9]{6}$',
  '^[A-Z]{2}$',
  '^\\d+$',
  '\\d',
  '^a*b?c+$',
  'ab*c',
  '^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\\.[a-zA-Z]{2,}$',
  '^[^@]+@[^@]+$',
  'x{2,3}y',
  '^.{3,5}$',
  '^[\\w-]+$',
  '[^abc]',
  '^\\s*$',
  '^$',
  '',
  'a$',
  '^a',
  '\\$',
  '^\\\\$',
  '^[^]$',
  '^[a\\-z]+$',
  '^\\D\\W\\S$',
  'a{0}b',
  '^a{2,}$',
  'a.c',
  '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$',
  'a??b',
  'a+?',
  '^[\\d.]+$',
  '^\\t$',
];

const prng = createPrng;

describe('compileBytePattern', () => {
  it.each(PATTERNS)('%s answers like RegExp.prototype.test', (source) => {
    const matcher = compileBytePattern(source);
    expect(matcher).not.toBeNull();
    const regexp = new RegExp(source, 'u');
    const random = prng(source.length + 1);
    const alphabet = 'abcxyzABCZ0129-_.@ $\\]\t\n\r';
    const wrong: string[] = [];
    for (let k = 0; k < 3000; k++) {
      let text = '';
      const length = Math.floor(random() * 12);
      for (let j = 0; j < length; j++) text += alphabet[Math.floor(random() * alphabet.length)];
      if (k % 5 === 0) text = `C-${String(Math.floor(random() * 1e7)).slice(0, 5 + (k % 3))}`;
      if (k % 7 === 0) text = `ab.c${k % 2 ? '@' : ''}x.yz${k % 3 ? '' : '@'}`;
      const buf = Buffer.from(text);
      if (matcher?.(buf, 0, buf.length) !== regexp.test(text)) wrong.push(text);
    }
    expect(wrong).toEqual([]);
  });

  it('stays exact when its lazily built automaton outgrows its table', () => {
    // Remembering the last nine letters takes 2^9 automaton states: more than the table holds.
    const source = '[ab]*a[ab]{8}c';
    const matcher = compileBytePattern(source);
    const regexp = new RegExp(source, 'u');
    const random = prng(7);
    const wrong: string[] = [];
    for (let k = 0; k < 3000; k++) {
      let text = '';
      for (let j = 0; j < 40; j++) text += random() < 0.45 ? 'a' : random() < 0.9 ? 'b' : 'c';
      const buf = Buffer.from(text);
      if (matcher?.(buf, 0, buf.length) !== regexp.test(text)) wrong.push(text);
    }
    expect(wrong).toEqual([]);
  });

  it('leaves non-ASCII values to the RegExp', () => {
    const matcher = compileBytePattern('^.{2}$');
    const buf = Buffer.from('ʤʤ');
    expect(matcher?.(buf, 0, buf.length)).toBeUndefined();
  });

  it('does not compile what it cannot match exactly', () => {
    for (const source of [
      '^(a|b)$',
      'a|b',
      '\\bword',
      '(?=a)',
      '\\1',
      '\\u0041',
      'é',
      '\\p{L}',
      '[[:alpha:]]',
      'a**',
    ]) {
      expect(compileBytePattern(source), source).toBeNull();
    }
  });
});
