import { GraphQLScalarType, Kind } from 'graphql';

const SHAPE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Checks the shape only: whether 1999-02-30 is a date is the register's rule, and its decider
 * says so with a reason a steward can act on, not a coercion error.
 */
const asDate = (value: unknown): string => {
  if (typeof value !== 'string' || !SHAPE.test(value)) throw new TypeError(`a Date is written YYYY-MM-DD; got ${JSON.stringify(value)}`);
  return value;
};

/** API.md's `Date`: a calendar date, `YYYY-MM-DD`, with no time and no zone. */
export const DateScalar = new GraphQLScalarType({
  name: 'Date',
  description: 'A calendar date, YYYY-MM-DD.',
  serialize: asDate,
  parseValue: asDate,
  parseLiteral: (node) => {
    if (node.kind !== Kind.STRING) throw new TypeError('a Date is a string, YYYY-MM-DD');
    return asDate(node.value);
  },
});
