import { RE2JS } from 're2js';

/**
 * The regular expressions of a schema (`pattern`, the keys of `patternProperties`) are written by
 * stewards, so the registry never runs them with a backtracking engine: `^(a+)+$` against a name
 * of 29 `a`s and a `!` held the event loop for seconds in V8. They run on RE2 (the re2js port),
 * whose matching time is linear in the input. A 2020-12 pattern is an ECMA-262 expression, so
 * it must be one (the `u` flag, as Ajv compiles it); it is then rewritten where the two
 * dialects spell or mean the same thing differently, and whatever RE2 cannot run in linear time
 * (backreferences, lookaround) is refused with the reason, never handed to the other engine.
 */

/**
 * Linear in the input is linear in the input times the compiled program, so the program is
 * bounded too. Real patterns (an ID number, a credit code, a phone number) compile to under 50
 * instructions; `(a|b){999}` compiles to a thousand.
 */
export const MAX_PATTERN_PROGRAM = 1000;

export type CompiledPattern = { ok: true; regExp: RE2JS; programSize: number } | { ok: false; reason: string };

/** ECMA-262 WhiteSpace and LineTerminator, which `\s` matches there; RE2's `\s` is ASCII only. */
const ECMA_WHITESPACE = '\\t\\n\\v\\f\\r \\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}\\x{feff}';
/** ECMA-262's `.` stops at every line terminator; RE2's only at `\n`. */
const ECMA_DOT = '[^\\n\\r\\x{2028}\\x{2029}]';
const ANY = '\\x{0}-\\x{10ffff}';

/** `\p{Script=Han}` and `\p{General_Category=L}` are `\p{Han}` and `\p{L}` in RE2. */
const PROPERTY_ALIAS = /^(?:Script|sc|General_Category|gc)=/;

class Unsupported extends Error {}

const hex = (codePoint: number): string => `\\x{${codePoint.toString(16)}}`;

const isHighSurrogate = (unit: number) => unit >= 0xd800 && unit <= 0xdbff;
const isLowSurrogate = (unit: number) => unit >= 0xdc00 && unit <= 0xdfff;

/** `\uXXXX` (a surrogate pair written as two joins into one code point) or `\u{X…}`, as `\x{…}`; and its length in the source. */
const unicodeEscape = (source: string, at: number): [string, number] => {
  if (source[at + 2] === '{') {
    const end = source.indexOf('}', at);
    return [hex(parseInt(source.slice(at + 3, end), 16)), end + 1 - at];
  }
  const unit = parseInt(source.slice(at + 2, at + 6), 16);
  const next = /^\\u([0-9a-fA-F]{4})/.exec(source.slice(at + 6, at + 12));
  if (isHighSurrogate(unit) && next && isLowSurrogate(parseInt(next[1], 16))) {
    return [hex(String.fromCharCode(unit, parseInt(next[1], 16)).codePointAt(0)!), 12];
  }
  return [hex(unit), 6];
};

/** One escape of a valid ECMA-262 pattern, in RE2's words; and its length in the source. */
const escape = (source: string, at: number, inClass: boolean): [string, number] => {
  const letter = source[at + 1];
  switch (letter) {
    case 'u':
      return unicodeEscape(source, at);
    case 'c':
      return [hex(source.charCodeAt(at + 2) % 32), 3];
    case '0':
      return ['\\x{0}', 2];
    case 's':
      return [inClass ? ECMA_WHITESPACE : `[${ECMA_WHITESPACE}]`, 2];
    case 'S':
      if (inClass) throw new Unsupported('uses \\S inside a character class, which RE2 cannot express with ECMAScript\'s meaning of white space');
      return [`[^${ECMA_WHITESPACE}]`, 2];
    case 'b':
      // Inside a class, ECMAScript's \b is the backspace character, not a word boundary.
      return [inClass ? '\\x{8}' : '\\b', 2];
    case 'k':
      throw new Unsupported('uses a named backreference (\\k<…>)');
    case 'p':
    case 'P': {
      const end = source.indexOf('}', at);
      return [`\\${letter}{${source.slice(at + 3, end).replace(PROPERTY_ALIAS, '')}}`, end + 1 - at];
    }
    default:
      if (letter >= '1' && letter <= '9') throw new Unsupported(`uses a backreference (\\${letter})`);
      return [`\\${letter}`, 2];
  }
};

const LOOKAROUND = /^\(\?(?:=|!|<=|<!)/;

/**
 * The RE2 pattern that matches what the ECMA-262 pattern `source` matches under the `u` flag.
 * `source` is known to be a valid ECMA-262 pattern, which settles what each character means.
 */
const toRe2 = (source: string): string => {
  let out = '';
  let inClass = false;
  for (let at = 0; at < source.length; ) {
    const character = source[at];
    if (character === '\\') {
      const [text, length] = escape(source, at, inClass);
      out += text;
      at += length;
    } else if (inClass) {
      if (character === ']') inClass = false;
      // A `[` inside a class is literal in ECMAScript, and would open `[:alpha:]` in RE2.
      out += character === '[' ? '\\[' : character;
      at += 1;
    } else if (source.startsWith('[^]', at) || source.startsWith('[]', at)) {
      // ECMAScript's "any character" and "no character"; RE2 has no empty class.
      out += source[at + 1] === '^' ? `[${ANY}]` : `[^${ANY}]`;
      at += source[at + 1] === '^' ? 3 : 2;
    } else if (character === '(' && LOOKAROUND.test(source.slice(at, at + 4))) {
      throw new Unsupported(`uses lookaround (${source.slice(at, at + (source[at + 2] === '<' ? 4 : 3))}…)`);
    } else {
      if (character === '[') inClass = true;
      out += character === '.' ? ECMA_DOT : character;
      at += 1;
    }
  }
  return out;
};

const LINEAR_TIME = 'the registry runs patterns only on a linear-time engine (RE2), which has no backreferences or lookaround';

/**
 * `pattern` compiled for matching in linear time, or why it cannot be: not an ECMA-262 regular
 * expression, or outside what RE2 runs, or a program larger than {@link MAX_PATTERN_PROGRAM}.
 */
export const compilePattern = (pattern: string): CompiledPattern => {
  try {
    // Parsing only, which is linear: the pattern is never run on this engine.
    new RegExp(pattern, 'u');
  } catch {
    return { ok: false, reason: `${JSON.stringify(pattern)} is not a valid regular expression` };
  }
  let regExp: RE2JS;
  try {
    regExp = RE2JS.compile(toRe2(pattern));
  } catch (error) {
    const why = error instanceof Unsupported ? error.message : `is refused by RE2 (${error instanceof Error ? error.message : String(error)})`;
    return { ok: false, reason: `${JSON.stringify(pattern)} ${why}; ${LINEAR_TIME}` };
  }
  const programSize = regExp.programSize();
  if (programSize > MAX_PATTERN_PROGRAM) {
    return {
      ok: false,
      reason: `${JSON.stringify(pattern)} compiles to ${programSize} RE2 instructions, more than the ${MAX_PATTERN_PROGRAM} the registry runs`,
    };
  }
  return { ok: true, regExp, programSize };
};
