import { fieldsBySubgraph, fieldsOfSubgraphSdl, readSupergraphTopology } from './supergraph-topology.js';

const SUPERGRAPH = `
enum join__Graph {
  GOVERNANCE @join__graph(name: "governance", url: "http://g")
  POPULATION @join__graph(name: "population", url: "http://p")
  TRANSPORT @join__graph(name: "transport", url: "http://t")
}
type Query @join__type(graph: GOVERNANCE) @join__type(graph: POPULATION) @join__type(graph: TRANSPORT) {
  purposes: [Purpose!]! @join__field(graph: GOVERNANCE)
  consentReceiptPublicKey: String! @join__field(graph: GOVERNANCE)
  resident(id: ID!): Resident @join__field(graph: POPULATION) @tag(name: "shuzhi:reads:id=Resident.id")
  residents(filter: ResidentFilter, first: Int @tag(name: "shuzhi:reads=none"), after: String): [Resident!]! @join__field(graph: POPULATION)
  residentCount: Int @join__field(graph: POPULATION)
}
input ResidentFilter @join__type(graph: POPULATION) {
  name: String @tag(name: "shuzhi:reads=Resident.name")
  nickname: String
}
type Purpose @join__type(graph: GOVERNANCE) { code: String! }
type Department @join__type(graph: GOVERNANCE, key: "code") @join__type(graph: TRANSPORT, key: "code") { code: String! }
type Resident @join__type(graph: POPULATION, key: "id") @join__type(graph: TRANSPORT, key: "id") {
  id: ID!
  name: String! @join__field(graph: POPULATION)
  permits: [Permit!]! @join__field(graph: TRANSPORT) @join__field(graph: POPULATION, external: true)
}
type Permit @join__type(graph: TRANSPORT, key: "number plate") { number: String! plate: String! }
type Subscription @join__type(graph: POPULATION) {
  residentChanges(after: String): ResidentChange! @tag(name: "shuzhi:reads:after=none") @tag(name: "shuzhi:feed=resident")
  miscount(after: String): ResidentChange! @tag(name: "shuzhi:feed=nobody")
}
type ResidentChange @join__type(graph: POPULATION) { cursor: String! resident: Resident }
`;

describe('supergraph topology', () => {
  const topology = readSupergraphTopology(SUPERGRAPH);

  it('counts as platform types only those every contributing subgraph of which is governance or audit', () => {
    expect(topology.platformTypes).toContain('Purpose');
    expect(topology.platformTypes).toContain('__Schema');
    // A department extending a platform type makes it a domain type, governed from then on.
    expect(topology.platformTypes).not.toContain('Department');
    expect(topology.platformTypes).not.toContain('Resident');
  });

  it('counts root fields resolved by governance alone as platform fields', () => {
    expect(topology.platformFields).toEqual(expect.arrayContaining(['Query.purposes', 'Query.consentReceiptPublicKey', 'Query.__schema']));
    expect(topology.platformFields).not.toContain('Query.resident');
    expect(topology.platformFields).not.toContain('Query.residentCount');
  });

  it('knows single-field entity keys, and no compound ones', () => {
    expect(topology.entityKeys.get('Resident')).toBe('id');
    expect(topology.entityKeys.get('Department')).toBe('code');
    expect(topology.entityKeys.has('Permit')).toBe(false);
  });

  it('knows which subgraphs resolve each field: a key by every subgraph of its entity, other fields where join__field says, external ones not', () => {
    expect(topology.fieldSubgraphs.get('Resident.id')).toEqual(['population', 'transport']);
    expect(topology.fieldSubgraphs.get('Resident.name')).toEqual(['population']);
    expect(topology.fieldSubgraphs.get('Resident.permits')).toEqual(['transport']);
    expect(topology.fieldSubgraphs.get('Query.resident')).toEqual(['population']);
    expect(fieldsBySubgraph(topology).get('transport')).toEqual(['Department.code', 'Permit.number', 'Permit.plate', 'Resident.id', 'Resident.permits']);
  });

  it('reads what each argument and input field reads, from the subgraphs\' @tag declarations, and nothing where none is declared', () => {
    expect(topology.argumentReads.get('Query.resident')).toEqual(new Map([['id', { type: 'Resident', field: 'id' }]]));
    expect(topology.argumentReads.get('Query.residents')).toEqual(new Map([['first', 'none']]));
    expect(topology.inputFieldReads.get('ResidentFilter.name')).toEqual({ type: 'Resident', field: 'name' });
    expect(topology.inputFieldReads.has('ResidentFilter.nickname')).toBe(false);
  });

  it('knows the change feeds and where each change carries its entity, and ignores a declaration naming no field', () => {
    expect([...topology.feeds]).toEqual([['Subscription.residentChanges', { changeType: 'ResidentChange', entityField: 'resident', entityType: 'Resident' }]]);
  });

  it('lists the fields a subgraph resolves from its own SDL: extensions included, external fields and federation machinery not', () => {
    const sdl = `
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@external", "@requires"])
      type Query { permit(number: String!): Permit, _service: _Service!, _entities(representations: [_Any!]!): [_Entity]! }
      type Permit @key(fields: "number") { number: String! holder: Resident }
      type Resident @key(fields: "id") { id: ID! name: String @external permits: [Permit!]! @requires(fields: "name") }
      type _Service { sdl: String }
      extend type Mutation { revokePermit(number: String!): Permit }`;
    expect(fieldsOfSubgraphSdl(sdl)).toEqual([
      'Mutation.revokePermit', 'Permit.holder', 'Permit.number', 'Query.permit', 'Resident.id', 'Resident.permits',
    ]);
  });
});
