import { buildSchema, getOperationAST, GraphQLError, parse } from 'graphql';
import { estimatedCost, refuseBeyondLimits, type QueryLimits } from './query-limits.plugin.js';

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
      type Query { resident(id: ID!): Resident, residents(first: Int, limit: Int): [Resident!]!, node: Node }
      interface Node { id: ID! }
      type Resident implements Node { id: ID!, name: String, household: Household, relatives: [Resident!]! }
      type Household { id: ID!, members: [Resident!]! }
    `);
    const costOf = (query: string, variables: Record<string, unknown> = {}, limit = 100): number => {
      const document = parse(query);
      return estimatedCost(schema, document, getOperationAST(document)!, variables, limit);
    };

    it('counts each field once, and what is under a list once per assumed element', () => {
      // resident 1 + id 1 + household (1 + id 1) = 4
      expect(costOf('{ resident(id: "1") { id household { id } } }')).toBe(4);
      // residents: 1 + 10 × (id + name) = 21
      expect(costOf('{ residents { id name } }')).toBe(21);
    });

    it('takes a literal first/last/limit as the list size', () => {
      expect(costOf('{ residents(first: 2) { id name } }')).toBe(5);
      expect(costOf('{ residents(limit: 3) { id name } }')).toBe(7);
      expect(costOf('{ residents(first: -5) { id name } }')).toBe(1);
    });

    it("takes a variable's value as the list size, as if it were written in the query", () => {
      const query = 'query ($n: Int) { residents(first: $n) { id name } }';
      expect(costOf(query, { n: 1000 }, 10_000)).toBe(costOf('{ residents(first: 1000) { id name } }', {}, 10_000));
      expect(costOf(query, { n: 1000 }, 10_000)).toBe(2001);
      expect(costOf(query, { n: 2 })).toBe(5);
    });

    it("takes a variable's default when the variable is absent, and the estimate when it has neither or is null", () => {
      expect(costOf('query ($n: Int = 50) { residents(first: $n) { id name } }', {}, 1_000)).toBe(101);
      expect(costOf('query ($n: Int = 50) { residents(first: $n) { id name } }', { n: 3 })).toBe(7);
      expect(costOf('query ($n: Int) { residents(first: $n) { id name } }')).toBe(21);
      expect(costOf('query ($n: Int = 50) { residents(first: $n) { id name } }', { n: null })).toBe(21);
    });

    it('counts variables inside fragments, and a value the variable cannot take as the estimate', () => {
      const query = 'query ($n: Int) { ...Q } fragment Q on Query { residents(first: $n) { ...N } } fragment N on Resident { id }';
      expect(costOf(query, { n: 40 })).toBe(1 + 40);
      // Execution refuses a value the variable cannot take; until then the size counts as sent, or as unstated.
      expect(costOf(query, { n: 'forty' })).toBe(1 + 10);
      const two = 'query ($n: Int, $m: Int) { residents(first: $n) { id } more: residents(first: $m) { id } }';
      expect(costOf(two, { n: 40, m: 'x' })).toBe(1 + 40 + 1 + 10);
    });

    it('stops counting past the limit, and refuses a shallow query that fans out list under list', () => {
      const fanOut = '{ residents { relatives { relatives { ...R } } } } fragment R on Resident { household { members { id } } }';
      expect(costOf(fanOut)).toBeGreaterThan(100);
      expect(costOf('{ node { ... on Resident { relatives { household { members { id } } } } } }')).toBeGreaterThan(100);
      expect(costOf('{ node { id ... on Resident { name } } }')).toBe(3);
    });

    it('counts a fragment spread many times without walking it again each time', () => {
      // 2^40 paths if each spread were walked (no limit stops this count early); each fragment once, its cost reused.
      const chain = Array.from({ length: 40 }, (_, i) => `fragment F${i} on Resident { ...F${i + 1} ...F${i + 1} }`).join(' ');
      expect(costOf(`{ residents(first: 0) { ...F0 } } ${chain} fragment F40 on Resident { id }`, {}, Infinity)).toBe(1);
      expect(costOf(`{ resident(id: "1") { ...F30 } } ${chain} fragment F40 on Resident { id }`, {}, Infinity)).toBe(1 + 2 ** 10);
    });
  });
});
