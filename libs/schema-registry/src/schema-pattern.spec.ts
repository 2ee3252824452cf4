import { MAX_PATTERN_PROGRAM, compilePattern } from './schema-pattern.js';

const compiled = (pattern: string) => {
  const result = compilePattern(pattern);
  if (!result.ok) throw new Error(`expected ${pattern} to compile: ${result.reason}`);
  return result.regExp;
};

const refusal = (pattern: string): string => {
  const result = compilePattern(pattern);
  return result.ok ? 'compiled' : result.reason;
};

describe('compilePattern', () => {
  describe('given a pattern whose ECMAScript and RE2 spellings differ', () => {
    // Each input is run through both engines: V8 on these short inputs is the reference for what
    // the pattern means, and RE2 must agree on every one.
    it.each([
      ['\\u escapes of a range of Chinese characters', '^[\\u4e00-\\u9fa5]{2,4}$', ['张三', '阿依古丽', 'Zhang', '张', '张三李四王']],
      ['\\u{…} and a surrogate pair written as two \\u escapes', '^\\u{1F600}\\uD83D\\uDE01$', ['😀😁', '😀😀', '']],
      ['\\s, which is Unicode white space in ECMAScript', '^a\\sb$', ['a b', 'a\u3000b', 'a\u00a0b', 'a\ufeffb', 'a\tb', 'ab', 'a_b']],
      ['\\s inside a class', '^[\\s-]+$', [' -\u2028', '-', 'x']],
      ['\\S', '^\\S+$', ['abc', 'a\u3000b', '']],
      ['., which stops at every line terminator in ECMAScript', '^a.b$', ['a-b', 'a\nb', 'a\rb', 'a\u2028b', 'a\u2029b', 'a😀b']],
      ['[^] and []', '^a[^]b[]?$', ['a\nb', 'axb', 'ab']],
      ['\\b inside a class (backspace) and outside (word boundary)', '^[\\b]x\\b', ['\bx', '\bxy', 'x']],
      ['\\0 and \\cJ', '^\\0\\cJ$', ['\u0000\n', '0J', '\u0000']],
      ['a [ inside a class, which RE2 would read as the start of [:alpha:]', '^[[:a]+$', ['[:a', 'a', 'b', ':']],
      ['\\p{Script=Han} and \\p{gc=Lu}', '^\\p{Script=Han}+\\p{gc=Lu}$', ['中文A', '中文a', 'A']],
      ['named groups and lazy quantifiers', '^(?<year>\\d{4})-(\\d+?)$', ['2024-1', '24-1', '2024-']],
    ])('when it uses %s, then RE2 matches exactly what ECMAScript matches', (_, pattern, inputs) => {
      const regExp = compiled(pattern);
      const reference = new RegExp(pattern, 'u');
      expect(inputs.map((input) => [input, regExp.test(input)])).toEqual(inputs.map((input) => [input, reference.test(input)]));
    });
  });

  describe('given a pattern with catastrophic backtracking in ECMAScript', () => {
    it('when ^(a+)+$ meets 10 000 "a"s and a "!", then it answers no: V8 would need 2^10000 steps, RE2 one pass', () => {
      const regExp = compiled('^(a+)+$');
      expect(regExp.test(`${'a'.repeat(10_000)}!`)).toBe(false);
      expect(regExp.test('a'.repeat(10_000))).toBe(true);
    });
  });

  describe('given a pattern RE2 cannot run in linear time', () => {
    it.each([
      ['a backreference', '(a)\\1', '"(a)\\\\1" uses a backreference (\\1)'],
      ['a named backreference', '(?<x>a)\\k<x>', '"(?<x>a)\\\\k<x>" uses a named backreference (\\k<…>)'],
      ['a lookahead', '^(?=.*[0-9])\\w+$', '"^(?=.*[0-9])\\\\w+$" uses lookaround ((?=…)'],
      ['a negative lookahead', '^(?!x_)', 'uses lookaround ((?!…)'],
      ['a lookbehind', '(?<=¥)\\d+', 'uses lookaround ((?<=…)'],
      ['a negative lookbehind', '(?<!-)\\d+', 'uses lookaround ((?<!…)'],
    ])('when it uses %s, then it is refused with what RE2 lacks', (_, pattern, reason) => {
      expect(refusal(pattern)).toContain(reason);
      expect(refusal(pattern)).toContain('the registry runs patterns only on a linear-time engine (RE2), which has no backreferences or lookaround');
    });

    it('when RE2 refuses it for a reason of its own, then RE2\'s words are given', () => {
      expect(refusal('a{1001}')).toMatch(/^"a\{1001\}" is refused by RE2 \(.*invalid repeat count.*\)/);
    });

    it(`when it compiles to more than ${MAX_PATTERN_PROGRAM} instructions, then it is refused with its size`, () => {
      expect(refusal('(?:a|b){999}')).toMatch(/^"\(\?:a\|b\)\{999\}" compiles to \d+ RE2 instructions, more than the 1000 the registry runs$/);
      expect(compilePattern('(?:a|b){400}').ok).toBe(true);
    });
  });

  it('given a pattern that is no ECMAScript regular expression, then it says so', () => {
    expect(refusal('([0-9]')).toBe('"([0-9]" is not a valid regular expression');
  });
});
