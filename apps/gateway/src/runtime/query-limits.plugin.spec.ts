import { buildSchema, GraphQLError, parse, validate } from 'graphql';
import { costLimit, refuseBeyondLimits, type QueryLimits } from './query-limits.plugin.js';

const limits: QueryLimits = { maxTokens: 5_000, maxDepth: 3, maxAliases: 2, maxCost: 100 };

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

  describe('estimated cost', () => {
    const schema = buildSchema(`
      type Query { resident(id: ID!): Resident, residents(first: Int): [Resident!]!, node: Node }
      interface Node { id: ID! }
      type Resident implements Node { id: ID!, name: String, household: Household, relatives: [Resident!]! }
      type Household { id: ID!, members: [Resident!]! }
    `);
    const costRefusal = (query: string, maxCost = 100): string | undefined => {
      const errors = validate(schema, parse(query), [costLimit(maxCost)]);
      if (errors.length === 0) return undefined;
      expect(errors.map((e) => e.extensions.code)).toEqual(['QUERY_TOO_COMPLEX']);
      return errors[0].message;
    };

    it('counts each field once, and what is under a list once per assumed element', () => {
      // resident 1 + id 1 + household (1 + id 1) = 4
      expect(costRefusal('{ resident(id: "1") { id household { id } } }', 4)).toBeUndefined();
      expect(costRefusal('{ resident(id: "1") { id household { id } } }', 3)).toMatch(/estimated cost is over 3/);
      // residents: 1 + 10 × (id + name) = 21
      expect(costRefusal('{ residents { id name } }', 21)).toBeUndefined();
      expect(costRefusal('{ residents { id name } }', 20)).toMatch(/over 20/);
    });

    it('takes a literal first/last/limit as the list size', () => {
      expect(costRefusal('{ residents(first: 2) { id name } }', 5)).toBeUndefined();
      expect(costRefusal('{ residents(first: 3) { id name } }', 5)).toMatch(/over 5/);
    });

    it('refuses a shallow query that fans out list under list, fragments and interfaces followed', () => {
      const fanOut = '{ residents { relatives { relatives { ...R } } } } fragment R on Resident { household { members { id } } }';
      expect(costRefusal(fanOut)).toMatch(/over 100/);
      expect(costRefusal('{ node { ... on Resident { relatives { household { members { id } } } } } }')).toMatch(/over 100/);
      expect(costRefusal('{ node { id ... on Resident { name } } }')).toBeUndefined();
    });
  });
});
