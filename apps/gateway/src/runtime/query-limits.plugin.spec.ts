import { GraphQLError, parse } from 'graphql';
import { refuseBeyondLimits, type QueryLimits } from './query-limits.plugin.js';

const limits: QueryLimits = { maxTokens: 5_000, maxDepth: 3, maxAliases: 2 };

const refusal = (query: string): string | undefined => {
  try {
    refuseBeyondLimits(parse(query), limits);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    expect((error as GraphQLError).extensions.code).toBe('QUERY_TOO_COMPLEX');
    return (error as GraphQLError).message;
  }
};

describe('query limits', () => {
  it('accepts a query at the depth limit and refuses one level more', () => {
    expect(refusal('{ a { b { c } } }')).toBeUndefined();
    expect(refusal('{ a { b { c { d } } } }')).toMatch(/deeper than 3 levels/);
  });

  it('follows fragments and inline fragments when measuring depth', () => {
    expect(refusal('query { a { ...F } } fragment F on T { b { c } }')).toBeUndefined();
    expect(refusal('query { a { ...F } } fragment F on T { b { ... on U { c { d } } } }')).toMatch(/deeper/);
  });

  it('does not loop on fragment cycles (validation reports them later)', () => {
    expect(refusal('query { a { ...F } } fragment F on T { b { ...F } }')).toBeUndefined();
  });

  it('counts aliases across the whole document, fragments included', () => {
    expect(refusal('{ x: a y: a }')).toBeUndefined();
    expect(refusal('query { x: a ...F } fragment F on Query { y: a z: a }')).toMatch(/3 aliases; at most 2/);
  });

  it('measures every operation of a document', () => {
    expect(refusal('query Shallow { a } query Deep { a { b { c { d } } } }')).toMatch(/deeper/);
  });
});
