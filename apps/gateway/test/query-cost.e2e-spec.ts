import { GatewayHarness } from './gateway-harness.js';
import { ProbeSubgraph } from './probe-subgraph.js';

const FEDERATION_LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@shareable"])';
const ITEMS_SDL = `${FEDERATION_LINK}\ntype Query { items(first: Int): [Item!]! }\ntype Item { id: ID! }`;

/** Thirty aliases (the most allowed) of `items(first: <size>) { id }`: 30 × (1 + size) under the default limit of 10 000. */
const thirtyLists = (size: string, variables = '') =>
  `query Wide${variables} { ${Array.from({ length: 30 }, (_, i) => `a${i}: items(first: ${size}) { id }`).join(' ')} }`;

describe('the estimated cost limit sees variables (real gateway)', () => {
  let harness: GatewayHarness;
  let probe: ProbeSubgraph;
  let gatewayUrl: string;

  beforeAll(async () => {
    harness = await GatewayHarness.start('gateway_query_cost');
    probe = await ProbeSubgraph.start(ITEMS_SDL, harness.gatewayKeys, () =>
      Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`a${i}`, []])),
    );
    // The probe's fields are bound by no dataset; this suite is about the cost, not about contracts.
    gatewayUrl = await harness.startGateway({ subgraphs: { governance: harness.governanceUrl, probe: probe.url }, enforcement: false });
  });

  afterAll(async () => {
    await harness?.stop();
    await probe?.stop();
  });

  const call = (query: string, variables: object = {}) => harness.call(harness.adminKey, query, variables, {}, gatewayUrl);

  /** Sends the query and says whether it reached the subgraph (which the gateway also asks for its SDL now and then). */
  const reachedProbe = async (query: string, variables: object = {}) => {
    const itemQueries = () => probe.received.filter((received) => received.query.includes('items')).length;
    const before = itemQueries();
    const answer = await call(query, variables);
    return { answer, reached: itemQueries() > before };
  };

  it('refuses a list size given by a variable as it refuses the same size written in the query', async () => {
    const literal = await reachedProbe(thirtyLists('1000'));
    const variable = await reachedProbe(thirtyLists('$n', '($n: Int)'), { n: 1000 });
    for (const { answer, reached } of [literal, variable]) {
      expect(reached).toBe(false);
      expect(answer.data ?? null).toBeNull();
      expect(answer.errors).toEqual([
        expect.objectContaining({ message: expect.stringMatching(/estimated cost is over 25000/), extensions: expect.objectContaining({ code: 'QUERY_TOO_COMPLEX' }) }),
      ]);
    }
    // Answered as when the cost was a validation rule: 200 to a client accepting application/json...
    expect(literal.answer.status).toBe(200);
    expect(variable.answer.status).toBe(200);
    // ...and 400 to one accepting GraphQL over HTTP's own media type.
    const strict = { accept: 'application/graphql-response+json' };
    for (const answer of [
      await harness.call(harness.adminKey, thirtyLists('1000'), {}, strict, gatewayUrl),
      await harness.call(harness.adminKey, thirtyLists('$n', '($n: Int)'), { n: 1000 }, strict, gatewayUrl),
    ]) {
      expect(answer.status).toBe(400);
      expect(answer.errors?.[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
    }
  });

  it('serves the same query when the variable asks for few', async () => {
    const { answer, reached } = await reachedProbe(thirtyLists('$n', '($n: Int)'), { n: 100 });
    expect(answer.errors).toBeUndefined();
    expect(answer).toMatchObject({ status: 200, data: { a0: [], a29: [] } });
    expect(reached).toBe(true);
  });

  it("counts a variable's default when it is absent, and the estimate when it has none", async () => {
    const defaulted = await call(thirtyLists('$n', '($n: Int = 1000)'));
    expect(defaulted.errors?.[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
    expect((await call(thirtyLists('$n', '($n: Int = 1000)'), { n: 5 })).errors).toBeUndefined();
    // No value and no default: ten elements assumed, 30 × 11.
    expect((await call(thirtyLists('$n', '($n: Int)'))).errors).toBeUndefined();
  });
});
