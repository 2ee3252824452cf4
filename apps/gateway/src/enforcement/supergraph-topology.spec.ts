import { readSupergraphTopology } from './supergraph-topology.js';

const SUPERGRAPH = `
enum join__Graph {
  GOVERNANCE @join__graph(name: "governance", url: "http://g")
  POPULATION @join__graph(name: "population", url: "http://p")
  TRANSPORT @join__graph(name: "transport", url: "http://t")
}
type Query @join__type(graph: GOVERNANCE) @join__type(graph: POPULATION) @join__type(graph: TRANSPORT) {
  purposes: [Purpose!]! @join__field(graph: GOVERNANCE)
  consentReceiptPublicKey: String! @join__field(graph: GOVERNANCE)
  resident(id: ID!): Resident @join__field(graph: POPULATION)
  residentCount: Int @join__field(graph: POPULATION)
}
type Purpose @join__type(graph: GOVERNANCE) { code: String! }
type Department @join__type(graph: GOVERNANCE, key: "code") @join__type(graph: TRANSPORT, key: "code") { code: String! }
type Resident @join__type(graph: POPULATION, key: "id") @join__type(graph: TRANSPORT, key: "id") { id: ID! name: String! }
type Permit @join__type(graph: TRANSPORT, key: "number plate") { number: String! plate: String! }
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
});
