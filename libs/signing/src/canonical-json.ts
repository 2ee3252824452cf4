/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): the one text a JSON value has, so that whoever
 * signs and whoever verifies (in any language) agree byte for byte on what was signed.
 *
 * Input is held to I-JSON (RFC 7493), as RFC 8785 requires: finite numbers, well-formed strings,
 * plain objects and arrays. Anything `JSON.stringify` would silently drop or coerce (undefined,
 * functions, NaN, a Date's `toJSON`) is refused instead, because a signature over a quietly
 * altered value would vouch for something nobody wrote.
 */
export class CanonicalJsonRefused extends Error {
  constructor(
    /** Where in the value the problem is, e.g. `$.consent.fields[2]`. */
    readonly path: string,
    problem: string,
  ) {
    super(`cannot canonicalize ${path}: ${problem}`);
    this.name = 'CanonicalJsonRefused';
  }
}

export const canonicalJson = (value: unknown): string => serialize(value, '$', []);

const serialize = (value: unknown, path: string, ancestors: readonly object[]): string => {
  switch (typeof value) {
    case 'string':
      return serializeString(value, path);
    case 'number':
      return serializeNumber(value, path);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      return value === null ? 'null' : serializeContainer(value, path, ancestors);
    case 'bigint':
      throw new CanonicalJsonRefused(path, 'bigint is not a JSON number; send it as a string, as RFC 8785 advises for big numbers');
    default:
      throw new CanonicalJsonRefused(path, `${typeof value} is not a JSON value`);
  }
};

// A lone surrogate is not Unicode text: it has no UTF-8 form, so two verifiers could read two
// different strings. `\p{Surrogate}` in a `u` regex matches only unpaired halves.
const LONE_SURROGATE = /\p{Surrogate}/u;

// JSON.stringify escapes exactly what RFC 8785 §3.2.2.2 asks: `"`, `\`, and U+0000..U+001F
// (the short forms \b \t \n \f \r, otherwise lower-case \u00xx); everything else stays literal.
const serializeString = (value: string, path: string): string => {
  if (LONE_SURROGATE.test(value)) throw new CanonicalJsonRefused(path, 'string holds a lone UTF-16 surrogate');
  return JSON.stringify(value);
};

// RFC 8785 §3.2.2.3 adopts ECMAScript's Number::toString, which is what JSON.stringify writes
// for finite numbers (including -0 as `0`).
const serializeNumber = (value: number, path: string): string => {
  if (!Number.isFinite(value)) throw new CanonicalJsonRefused(path, `${value} is not a JSON number`);
  return JSON.stringify(value);
};

const serializeContainer = (value: object, path: string, ancestors: readonly object[]): string => {
  if (ancestors.includes(value)) throw new CanonicalJsonRefused(path, 'the value contains itself (a cycle)');
  const inside = [...ancestors, value];
  if (Array.isArray(value)) return serializeArray(value, path, inside);
  if (!isPlainObject(value)) {
    throw new CanonicalJsonRefused(path, `${value.constructor?.name ?? 'this object'} is not a plain object; convert it to JSON data first`);
  }
  return serializeObject(value as Record<string, unknown>, path, inside);
};

// Array.from visits holes of a sparse array as undefined (so they are refused); map() would skip them.
const serializeArray = (value: unknown[], path: string, inside: readonly object[]): string =>
  `[${Array.from(value, (item, index) => serialize(item, `${path}[${index}]`, inside)).join(',')}]`;

// The default sort compares UTF-16 code units, the order RFC 8785 §3.2.3 prescribes. It also
// undoes ECMAScript's habit of listing integer-like keys first.
const serializeObject = (value: Record<string, unknown>, path: string, inside: readonly object[]): string => {
  const members = Object.keys(value)
    .sort()
    .map((key) => {
      const memberPath = childPath(path, key);
      return `${serializeString(key, memberPath)}:${serialize(value[key], memberPath, inside)}`;
    });
  return `{${members.join(',')}}`;
};

// Checked through the prototype chain rather than `=== Object.prototype`, so that objects from
// another realm (a vm context, jest's sandbox) and null-prototype objects (graphql-js arguments)
// count as plain.
const isPlainObject = (value: object): boolean => {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === null || Object.getPrototypeOf(prototype) === null;
};

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

const childPath = (path: string, key: string): string =>
  IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
