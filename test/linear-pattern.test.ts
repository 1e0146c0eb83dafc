/**
 * Platform patterns (spec.ingress.tenantAnnotations[].pattern) are matched by a Thompson NFA
 * (lib/input/linear-pattern.ts): no pattern can make a tenant's value slow to judge, and every
 * accepted pattern means what JavaScript's RegExp means.
 */
import { linearPattern, MAX_COUNT, MAX_PARTS, MAX_STATES, PatternError } from '../lib/input/linear-pattern';
import { random } from './support/random';

describe('the classic catastrophic patterns, against 1024-character values', () => {
  // Each takes a backtracking engine (JavaScript's RegExp) exponential time in the value's length
  // on a value that almost matches; they are never run through RegExp here.
  test.each<[string, string, boolean]>([
    ['(a+)+$', `${'a'.repeat(1023)}!`, false],
    ['(a+)+$', 'a'.repeat(1024), true],
    ['(a|a)*b', 'a'.repeat(1024), false],
    ['(a|a)*b', `${'a'.repeat(1023)}b`, true],
    ['(a*)*b', 'a'.repeat(1024), false],
    ['(.*a){20}', `${'a'.repeat(1023)}b`, false],
    ['(.*a){20}', 'a'.repeat(1024), true],
    ['(x+x+)+y', 'x'.repeat(1024), false],
    ['([a-z]+)*[0-9]', 'a'.repeat(1024), false],
    ['(\\w+\\s?)*$', `${'word '.repeat(204)}w!`, false],
  ])('%s on a %#th value', (pattern, value, expected) => {
    const compiled = linearPattern(pattern);
    const start = process.hrtime.bigint();
    const result = compiled.test(value);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    expect(result).toBe(expected);
    // Measured at a few milliseconds; the bound is generous so that a loaded machine never flakes.
    expect(ms).toBeLessThan(1000);
  });

  test('the worst tenant spec: 256 different 1024-character values against a pattern of the most states allowed', () => {
    // (?:.*){0,83}: a loop split, the class and an optional split per copy, and the match: 250
    // states, every one live at every character. 256 KiB of tenant spec holds no more than this
    // many different values of the longest length; a value met again is not matched again.
    const compiled = linearPattern('(?:.*){0,83}');
    expect(() => linearPattern('(?:.*){0,84}')).toThrow(PatternError);
    const values = Array.from({ length: 256 }, (_, k) => `${k}`.padEnd(1024, 'x'));
    const start = process.hrtime.bigint();
    for (const v of values) expect(compiled.test(v)).toBe(true);
    // Measured at 0.7 s on a loaded machine; the bound is generous so that it never flakes.
    expect(Number(process.hrtime.bigint() - start) / 1e6).toBeLessThan(10_000);
  });

  test('a value met again is not matched again', () => {
    const compiled = linearPattern('(?:.*){0,83}');
    const value = 'x'.repeat(1024);
    expect(compiled.test(value)).toBe(true);
    const start = process.hrtime.bigint();
    for (let k = 0; k < 10_000; k++) compiled.test(value);
    expect(Number(process.hrtime.bigint() - start) / 1e6).toBeLessThan(1000);
  });
});

describe('compiling is bounded by the parts it writes out, not only by states', () => {
  // Each is at most the schema's 1024 characters; an empty group adds no state, so before the
  // parts were counted the first took about 10^12 steps to compile.
  test.each<[string, string]>([
    ['four counts of an empty group', '(?:(?:(?:(?:){1000}){1000}){1000}){1000}'],
    ['a hundred counts of an empty group', `${'(?:'.repeat(100)}${'){1000}'.repeat(100)}`],
    ['counts of a count of zero', `${'(?:a{0}){1000}'.repeat(73)}`],
    ['nested open counts', `${'(?:'.repeat(100)}a${'){999,}'.repeat(100)}`],
    ['alternated anchors', `${'(?:^|$)'.repeat(146)}`],
  ])('%s', (_, pattern) => {
    expect(pattern.length).toBeLessThanOrEqual(1024);
    const start = process.hrtime.bigint();
    try {
      linearPattern(pattern);
    } catch (err) {
      expect(err).toBeInstanceOf(PatternError);
    }
    // A few milliseconds; the bound is generous so that a loaded machine never flakes.
    expect(Number(process.hrtime.bigint() - start) / 1e6).toBeLessThan(1000);
  });

  test(`at most ${MAX_PARTS} parts`, () => {
    expect(() => linearPattern(`(?:){${MAX_PARTS - 1}}`)).not.toThrow();
    expect(() => linearPattern(`(?:){${MAX_PARTS}}`)).toThrow(PatternError);
  });
});

describe('means what JavaScript\'s RegExp means', () => {
  const next = random(18);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];
  const ATOMS = ['a', 'b', 'c', '-', '.', '\\.', '\\d', '\\D', '\\w', '\\W', '\\s', '[ab]', '[^a]', '[a-c]', '[\\d-]', '[-a]', '[a-]', '\\x61', '\\u0062', '^', '$', '\\-', '\\/', '[\\s.]'];
  const QUANTIFIERS = ['', '', '', '*', '+', '?', '{2}', '{0,2}', '{1,}', '*?', '{1,3}?'];
  const pattern = (depth: number): string => {
    const parts: string[] = [];
    const length = 1 + Math.floor(next() * 3);
    for (let k = 0; k < length; k++) {
      let atom = depth > 0 && next() < 0.3 ? `(${next() < 0.5 ? '?:' : ''}${pattern(depth - 1)})` : pick(ATOMS);
      if (atom !== '^' && atom !== '$') atom += pick(QUANTIFIERS);
      parts.push(atom);
    }
    const branch = parts.join('');
    return next() < 0.25 ? `${branch}|${pattern(depth - 1)}` : branch;
  };
  const ALPHABET = ['a', 'b', 'c', '-', '.', '1', ' ', '/', 'Z', '_', '\n'];
  const value = (): string => Array.from({ length: Math.floor(next() * 8) }, () => pick(ALPHABET)).join('');

  test('on 2000 random patterns, each against 20 random values and the empty one', () => {
    const disagreements: string[] = [];
    for (let k = 0; k < 2000; k++) {
      const p = pattern(2);
      const ours = linearPattern(p);
      const theirs = new RegExp(`^(?:${p})$`);
      for (const v of ['', ...Array.from({ length: 20 }, value)]) {
        if (ours.test(v) !== theirs.test(v)) disagreements.push(`${JSON.stringify(p)} on ${JSON.stringify(v)}: ours ${ours.test(v)}, RegExp ${theirs.test(v)}`);
      }
    }
    expect(disagreements).toEqual([]);
  });

  test.each<[string, string[], string[]]>([
    ['[0-9]+[km]?', ['1', '10k', '999m'], ['', 'k', '1g', '1kk']],
    ['on|off', ['on', 'off'], ['onoff', 'o', '']],
    ['^a$', ['a'], ['aa', '']],
    ['a|^b$|c', ['a', 'b', 'c'], ['ab', 'bc']],
    ['(?<unit>[0-9]+)(ms|s)', ['10ms', '5s'], ['ms', '10']],
    ['[\\b]', ['\b'], ['b']],
    ['\\0', ['\0'], ['0']],
  ])('%s', (p, matching, other) => {
    const compiled = linearPattern(p);
    for (const v of matching) expect([v, compiled.test(v)]).toEqual([v, true]);
    for (const v of other) expect([v, compiled.test(v)]).toEqual([v, false]);
  });
});

describe('patterns outside the subset are refused, with the position of the first offending character', () => {
  test.each<[string, number, string]>([
    ['(a)\\1', 4, 'backreferences are not accepted'],
    ['(?<x>a)\\k<x>', 8, 'backreferences are not accepted'],
    ['(?=a)a', 1, 'lookahead and lookbehind ((?=, (?!, (?<=, (?<!) are not accepted'],
    ['a(?!b)', 2, 'lookahead and lookbehind ((?=, (?!, (?<=, (?<!) are not accepted'],
    ['(?<=a)b', 1, 'lookahead and lookbehind ((?=, (?!, (?<=, (?<!) are not accepted'],
    ['\\bword', 1, 'word boundaries (\\b, \\B) are not accepted'],
    ['\\p{L}', 1, 'the escape \\p is not accepted'],
    ['a{1001}', 2, `a count over ${MAX_COUNT}`],
    ['a{3,2}', 2, 'the count {3,2} is out of order'],
    ['a{', 2, 'a { that does not start a count {m}, {m,} or {m,n}; write a literal { as \\{'],
    ['a**', 3, 'a quantifier cannot follow another; put the first in a group'],
    ['*a', 1, 'a quantifier with nothing to repeat'],
    ['^*', 2, 'an anchor (^ or $) cannot be repeated'],
    ['a]', 2, 'write a literal ] as \\]'],
    ['(a', 1, 'a ( without its )'],
    ['a)', 2, 'a ) without its ('],
    ['[a', 1, 'a [ without its ]'],
    ['[z-a]', 2, 'a range in a class is out of order'],
    ['[]', 1, 'an empty class [] (or [^]) matches nothing or anything; write what it means'],
    ['\\01', 1, 'octal escapes are not accepted; write \\xHH'],
    ['(a{100}){100}', 9, `the pattern is too large once its counts are written out (over ${MAX_STATES} states or ${MAX_PARTS} parts); use smaller counts, or * and +`],
    [`a{${MAX_STATES}}`, 2, `the pattern is too large once its counts are written out (over ${MAX_STATES} states or ${MAX_PARTS} parts); use smaller counts, or * and +`],
    ['(?:(?:(?:(?:){1000}){1000}){1000}){1000}', 35, `the pattern is too large once its counts are written out (over ${MAX_STATES} states or ${MAX_PARTS} parts); use smaller counts, or * and +`],
  ])('%s', (p, position, message) => {
    let caught: unknown;
    try {
      linearPattern(p);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(PatternError);
    expect([(caught as PatternError).position + 1, (caught as PatternError).message]).toEqual([position, message]);
  });
});
