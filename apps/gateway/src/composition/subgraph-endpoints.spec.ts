import { graphqlUrlOf, healthUrlOf, parseSubgraphEndpoints } from './subgraph-endpoints.js';

describe('subgraph endpoints', () => {
  it('reads name=url pairs, comma-separated or one per argument', () => {
    expect(parseSubgraphEndpoints(['governance=http://127.0.0.1:4001, population=http://127.0.0.1:4002', 'enterprise=http://e:4003'])).toEqual({
      governance: 'http://127.0.0.1:4001',
      population: 'http://127.0.0.1:4002',
      enterprise: 'http://e:4003',
    });
  });

  it.each([['governance'], ['=http://x'], ['Gov=http://x'], ['governance=not a url'], ['']])('refuses %j', (entry) => {
    expect(() => parseSubgraphEndpoints([entry])).toThrow();
  });

  it('refuses a name given twice', () => {
    expect(() => parseSubgraphEndpoints(['a=http://x,a=http://y'])).toThrow(/given twice/);
  });

  it('derives the GraphQL and health URLs from the base URL', () => {
    expect(graphqlUrlOf('http://h:1/')).toBe('http://h:1/graphql');
    expect(healthUrlOf('http://h:1')).toBe('http://h:1/health');
  });
});
