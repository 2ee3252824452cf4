import { canonicalJson, CanonicalJsonRefused } from './canonical-json.js';

const refusal = (value: unknown): CanonicalJsonRefused => {
  try {
    canonicalJson(value);
  } catch (error) {
    if (error instanceof CanonicalJsonRefused) return error;
    throw error;
  }
  throw new Error(`expected canonicalJson to refuse ${String(value)}`);
};

const fromIeeeHex = (hex: string): number => Buffer.from(hex, 'hex').readDoubleBE(0);

describe('canonicalJson (RFC 8785)', () => {
  it('reproduces the example of RFC 8785 §3.2.2 from its JSON text', () => {
    const input = String.raw`{
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
      "literals": [null, true, false]
    }`;
    expect(canonicalJson(JSON.parse(input))).toBe(
      String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`,
    );
  });

  it('sorts keys by UTF-16 code units, as in the example of RFC 8785 §3.2.3', () => {
    const input = String.raw`{
      "\u20ac": "Euro Sign",
      "\r": "Carriage Return",
      "\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One",
      "\ud83d\ude00": "Emoji: Grinning Face",
      "\u0080": "Control",
      "\u00f6": "Latin Small Letter O With Diaeresis"
    }`;
    expect(canonicalJson(JSON.parse(input))).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('orders integer-like keys as text, not in the engine order that lists them first', () => {
    expect(canonicalJson({ b: 1, 9: 2, 10: 3, a: 4 })).toBe('{"10":3,"9":2,"a":4,"b":1}');
  });

  it('orders a supplementary-plane key by its surrogates, before the high BMP', () => {
    // By code point U+1F600 sorts after U+FB33; by UTF-16 code units (0xD83D < 0xFB33) it is first.
    expect(canonicalJson({ '\ufb33': 1, '\u{1f600}': 2 })).toBe('{"\u{1f600}":2,"\ufb33":1}');
  });

  it('sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ z: [{ b: 1, a: 2 }, 3, 'x'], a: { d: null, c: { f: true, e: false } } })).toBe(
      '{"a":{"c":{"e":false,"f":true},"d":null},"z":[{"a":2,"b":1},3,"x"]}',
    );
  });

  it('writes no whitespace', () => {
    expect(canonicalJson({ a: [1, 2, { b: 'c d' }], e: {} })).toBe('{"a":[1,2,{"b":"c d"}],"e":{}}');
  });

  it('writes literals, empty containers and top-level primitives', () => {
    expect([null, true, false, [], {}, 'x', 1].map(canonicalJson)).toEqual(['null', 'true', 'false', '[]', '{}', '"x"', '1']);
  });

  it.each([
    ['0000000000000000', '0'],
    ['8000000000000000', '0'],
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ])('writes the IEEE-754 double %s as %s (RFC 8785 Appendix B)', (hex, expected) => {
    expect(canonicalJson(fromIeeeHex(hex))).toBe(expected);
  });

  it.each([
    [-0, '0'],
    [1e21, '1e+21'],
    [1e20, '100000000000000000000'],
    [0.000001, '0.000001'],
    [0.0000001, '1e-7'],
    [4.5, '4.5'],
    [-1.5e-10, '-1.5e-10'],
  ])('writes the number %p as %s', (value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  it.each([
    ['"', '"\\""'],
    ['\\', '"\\\\"'],
    ['\b\t\n\f\r', '"\\b\\t\\n\\f\\r"'],
    ['\u0000\u001f', '"\\u0000\\u001f"'],
    ['/', '"/"'],
    ['\u007f\u0080', '"\u007f\u0080"'],
    ['\u2028\u2029', '"\u2028\u2029"'],
    ['浙里办', '"浙里办"'],
    ['\u{1f600}', '"\u{1f600}"'],
  ])('escapes only what JSON must in %j', (value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  it('accepts null-prototype objects, as graphql-js builds arguments', () => {
    const args = Object.assign(Object.create(null) as Record<string, unknown>, { b: 1, a: 2 });
    expect(canonicalJson(args)).toBe('{"a":2,"b":1}');
  });

  it('accepts the same object twice when it is not a cycle', () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: [shared] })).toBe('{"a":{"x":1},"b":[{"x":1}]}');
  });

  it('agrees with JSON.stringify when keys are already in order', () => {
    const value = { a: [1.5, -0.25, 'ü', null, { b: true, c: '\n' }], d: 1e-9, e: '' };
    expect(canonicalJson(value)).toBe(JSON.stringify(value));
  });

  it.each([
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['-Infinity', -Infinity],
  ])('refuses %s', (_name, value) => {
    expect(refusal(value).message).toBe(`cannot canonicalize $: ${value} is not a JSON number`);
  });

  it.each([
    ['undefined', undefined, 'undefined is not a JSON value'],
    ['a function', () => 1, 'function is not a JSON value'],
    ['a symbol', Symbol('s'), 'symbol is not a JSON value'],
    ['a bigint', 10n, 'bigint is not a JSON number'],
    ['a Date', new Date(0), 'Date is not a plain object'],
    ['a Map', new Map(), 'Map is not a plain object'],
    ['a class instance', new (class Consent {})(), 'Consent is not a plain object'],
    ['a lone high surrogate', 'a\ud800', 'lone UTF-16 surrogate'],
    ['a lone low surrogate', '\ude00a', 'lone UTF-16 surrogate'],
  ])('refuses %s', (_name, value, problem) => {
    expect(refusal(value).message).toContain(problem);
  });

  it('names the path of a refused member', () => {
    const error = refusal({ consent: { fields: ['name', undefined] } });
    expect(error.path).toBe('$.consent.fields[1]');
    expect(error.message).toBe('cannot canonicalize $.consent.fields[1]: undefined is not a JSON value');
  });

  it('refuses an undefined property rather than dropping it as JSON.stringify does', () => {
    expect(refusal({ a: 1, purpose: undefined }).path).toBe('$.purpose');
  });

  it('quotes keys that are not identifiers in the path', () => {
    expect(refusal({ 'data set': { 'x-y': NaN } }).path).toBe('$["data set"]["x-y"]');
  });

  it('refuses a key with a lone surrogate', () => {
    expect(refusal({ '\ud800': 1 }).message).toContain('lone UTF-16 surrogate');
  });

  it('refuses the hole of a sparse array', () => {
    // eslint-disable-next-line no-sparse-arrays
    expect(refusal([1, , 3]).path).toBe('$[1]');
  });

  it('refuses a cycle instead of overflowing the stack', () => {
    const node: Record<string, unknown> = { name: 'a' };
    node.self = { again: node };
    expect(refusal(node)).toMatchObject({ path: '$.self.again', message: expect.stringContaining('cycle') });
  });
});
