import { buildSchema, parse, type OperationDefinitionNode } from 'graphql';
import { argumentUses, recordedValue } from './operation-arguments.js';

const schema = buildSchema(`
  type Query { enterprises(filter: Filter, first: Int, after: String): [Enterprise!]!, enterprise(creditCode: String!): Enterprise }
  input Filter { status: String, legalRepresentativeId: ID, nickname: String }
  type Enterprise { creditCode: String! name: String }
`);
const topology = {
  argumentReads: new Map([
    ['Query.enterprise', new Map([['creditCode', { type: 'Enterprise', field: 'creditCode' }]])],
    ['Query.enterprises', new Map<string, 'none' | { type: string; field: string }>([['first', 'none'], ['after', { type: 'Enterprise', field: 'creditCode' }]])],
  ]),
  inputFieldReads: new Map([
    ['Filter.status', { type: 'Enterprise', field: 'status' }],
    ['Filter.legalRepresentativeId', { type: 'Enterprise', field: 'legalRepresentative' }],
  ]),
};
const usesOf = (query: string, variables: Record<string, unknown> = {}) => {
  const document = parse(query);
  return argumentUses(schema, document.definitions[0] as OperationDefinitionNode, document, variables, topology).map(({ path, coordinate, argument, reads, value }) => ({
    path,
    coordinate,
    argument,
    reads,
    value,
  }));
};

describe('the arguments an operation gives', () => {
  it('names each with what its subgraph declares it reads, fields of input objects one by one, variables applied', () => {
    expect(usesOf('query ($r: ID) { e: enterprises(filter: { legalRepresentativeId: $r, nickname: "x" }, first: 5) { name } }', { r: 'r-1' })).toEqual([
      { path: 'e', coordinate: 'Query.enterprises', argument: 'filter.legalRepresentativeId', reads: { type: 'Enterprise', field: 'legalRepresentative' }, value: 'r-1' },
      { path: 'e', coordinate: 'Query.enterprises', argument: 'filter.nickname', reads: null, value: 'x' },
      { path: 'e', coordinate: 'Query.enterprises', argument: 'first', reads: 'none', value: 5 },
    ]);
  });

  it('sees a variable\'s default as execution will: a default cannot hide a lookup', () => {
    expect(usesOf('query ($f: Filter = { legalRepresentativeId: "r-9" }) { enterprises(filter: $f) { name } }')).toEqual([
      { path: 'enterprises', coordinate: 'Query.enterprises', argument: 'filter.legalRepresentativeId', reads: { type: 'Enterprise', field: 'legalRepresentative' }, value: 'r-9' },
    ]);
    expect(usesOf('query ($c: String! = "91") { enterprise(creditCode: $c) { name } }')).toEqual([
      { path: 'enterprise', coordinate: 'Query.enterprise', argument: 'creditCode', reads: { type: 'Enterprise', field: 'creditCode' }, value: '91' },
    ]);
  });

  it('leaves out what is absent or null: an argument given nothing reads nothing', () => {
    expect(usesOf('query ($r: ID) { enterprises(filter: { legalRepresentativeId: $r }) { name } }', {})).toEqual([]);
    expect(usesOf('{ enterprises(after: null) { name } }')).toEqual([]);
  });

  it('finds arguments in fragments, with the response path of where they are spread', () => {
    expect(usesOf('{ ...Q } fragment Q on Query { one: enterprise(creditCode: "91") { name } }')).toEqual([
      { path: 'one', coordinate: 'Query.enterprise', argument: 'creditCode', reads: { type: 'Enterprise', field: 'creditCode' }, value: '91' },
    ]);
  });
});

describe('an argument value as the access record keeps it', () => {
  it('is storable text: NUL and unpaired surrogates replaced, cut at whole characters', () => {
    expect(recordedValue('a\u0000b')).toBe('a\uFFFDb');
    expect(recordedValue('x\uD800y')).toBe('x\uFFFDy');
    const cut = recordedValue('𠀀'.repeat(300));
    expect(Array.from(cut.slice(0, -1))).toEqual(Array.from('𠀀'.repeat(256)));
    expect(recordedValue({ status: 'ACTIVE' })).toBe('{"status":"ACTIVE"}');
  });
});
