import { GraphQLScalarType, Kind } from 'graphql';

// ISO 8601 with a date, a time and an offset (API.md): a bare date or a local time names no instant.
const SHAPE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/i;

/** An ISO 8601 instant with offset, or a TypeError saying what was expected. */
export const parseInstant = (value: unknown): Date => {
  if (typeof value !== 'string' || !SHAPE.test(value) || Number.isNaN(Date.parse(value))) {
    throw new TypeError(`a DateTime is ISO 8601 with an offset, e.g. 2026-11-27T10:00:00+08:00; got ${JSON.stringify(value)}`);
  }
  return new Date(value);
};

/**
 * API.md's `DateTime`, checked on the way in: an auditor's "as of" must be an instant, and a
 * malformed one is a VALIDATION_FAILED refusal, never an Invalid Date folded into an answer.
 */
export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: 'An instant, ISO 8601 with offset.',
  serialize: (value) => {
    const date = value instanceof Date ? value : new Date(value as string);
    if (Number.isNaN(date.getTime())) throw new TypeError(`not an instant: ${String(value)}`);
    return date.toISOString();
  },
  parseValue: parseInstant,
  parseLiteral: (node) => {
    if (node.kind !== Kind.STRING) throw new TypeError('a DateTime is a string, ISO 8601 with offset');
    return parseInstant(node.value);
  },
});
