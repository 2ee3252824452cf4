import { randomBytes, randomUUID } from 'node:crypto';
import { request } from 'node:http';
import WebSocket from 'ws';
import { accessStreamId, type AccessEvent } from '@shuzhi/policy';
import { BUILT_IN_SUBGRAPHS } from '@shuzhi/governance-events';
import { EventStream, GraphqlSocket, idNumberOf, waitUntil, type SocketOperation } from '@shuzhi/testing';
import { bootstrapCatalog, readBuiltInCatalog } from '../../governance/src/bootstrap/built-in-datasets.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../src/gateway.config.js';
import { GatewayHarness, TEST_ENFORCEMENT } from './gateway-harness.js';

const REGISTER_RESIDENT = 'mutation ($input: RegisterResidentInput!) { registerResident(input: $input) { id } }';
const SUBMIT = 'mutation ($input: SubmitSharingContractInput!) { submitSharingContract(input: $input) { id } }';
const REVIEW = 'mutation ($id: ID!) { completeComplianceReview(id: $id, approved: true, statutoryBasis: true) { id status } }';
const APPROVE = 'mutation ($id: ID!) { approveSharingContract(id: $id) { id status version } }';
const REVOKE_KEY = 'mutation ($clientId: ID!) { revokeClientKey(clientId: $clientId) }';
const FEED = 'subscription ($after: String) { residentChanges(after: $after) { cursor kind resident { id name birthDate } } }';
const RESIDENT = 'query ($id: ID!) { resident(id: $id) { id name birthDate } }';
const PURPOSES = '{ purposes { code } }';

const SUBSIDY = 'SUBSIDY_ELIGIBILITY';
const HOUSING = 'HOUSING_ALLOWANCE';

// Even sequence numbers: women's.
let sequence = 300;
const newResident = (name: string) => {
  sequence += 2;
  return { idNumber: idNumberOf(`33010619850512${sequence}`), name, gender: 'FEMALE', birthDate: '1985-05-12' };
};

type Change = { cursor: string; kind: string; resident: { id: string; name: string; birthDate: string } | null };
const changeOf = (data: unknown): Change => (data as { data: { residentChanges: Change } }).data.residentChanges;

/**
 * graphql-ws (`graphql-transport-ws`) on the real gateway's `/graphql`, over the real governance
 * and population subgraphs on real PostgreSQL: a socket's caller is admitted as an HTTP request's
 * is, and each operation on it is decided, shaped and recorded as over HTTP.
 */
describe('graphql-ws through the gateway', () => {
  let harness: GatewayHarness;
  let hr: { apiKey: string; clientId: string };
  let steward: string;
  let probe: string;
  let config: GatewayConfig;
  const sockets: GraphqlSocket[] = [];

  /** A socket to the gateway with these connection parameters, closed after the test. */
  const connect = (params: Record<string, string>, url = harness.gatewayUrl, localAddress?: string) => {
    const socket = new GraphqlSocket(url, params, { localAddress });
    sockets.push(socket);
    return socket;
  };
  const keyed = (apiKey: string, params: Record<string, string> = {}) => connect({ authorization: `Bearer ${apiKey}`, ...params });
  const openFeeds = () => config.feeds!.size;
  /** A feed subscribed on `socket`, once the gateway holds it open (so that it sees every later change). */
  const subscribeFeed = async (socket: GraphqlSocket, before: number): Promise<SocketOperation> => {
    const feed = socket.operate(FEED);
    await waitUntil(async () => openFeeds() === before + 1, { what: 'the gateway to hold the feed open' });
    return feed;
  };
  const register = async (name: string) => (await harness.ok(steward, REGISTER_RESIDENT, { input: newResident(name) })).registerResident.id as string;
  const recordsOf = async (correlationId: string): Promise<AccessEvent[]> =>
    (await harness.store.readStream(accessStreamId(new Date())))
      .filter((e) => e.metadata.correlationId === correlationId)
      .map((e) => ({ type: e.type, data: e.data }) as AccessEvent);

  beforeAll(async () => {
    harness = await GatewayHarness.start('gateway_graphql_ws', { population: true });
    config = harness.gateway.get<GatewayConfig>(GATEWAY_CONFIG);
    await bootstrapCatalog(harness.governance, await readBuiltInCatalog('schemas', BUILT_IN_SUBGRAPHS));
    await harness.ok(harness.adminKey, 'mutation { registerDepartment(input: { code: "human-resources", name: "人社局" }) { code } }');
    for (const code of [SUBSIDY, HOUSING]) {
      await harness.ok(harness.adminKey, 'mutation ($code: String!) { registerPurpose(input: { code: $code, name: $code }) { code } }', { code });
    }
    hr = await harness.issueKey('human-resources', ['CONSUMER']);
    steward = (await harness.issueKey('public-security', ['STEWARD'])).apiKey;
    probe = await register('探针');
    const now = Date.now();
    const { submitSharingContract } = await harness.ok(hr.apiKey, SUBMIT, {
      input: {
        datasetCode: 'population.resident',
        fields: ['id', 'name', 'birthDate'],
        purpose: SUBSIDY,
        legalBasis: '《社会救助暂行办法》第十一条',
        validFrom: new Date(now - 3_600_000).toISOString(),
        validTo: new Date(now + 365 * 86_400_000).toISOString(),
        masking: [{ field: 'name', rule: 'MASK' }],
      },
    });
    await harness.ok(harness.adminKey, REVIEW, { id: submitSharingContract.id });
    await harness.ok(steward, APPROVE, { id: submitSharingContract.id });
    await waitUntil(async () => !(await harness.call(hr.apiKey, RESIDENT, { id: probe }, { 'x-purpose': SUBSIDY })).errors, { what: 'the contract to apply' });
  });

  afterEach(async () => {
    await Promise.all(sockets.splice(0).map((socket) => socket.close()));
    // Every feed of a closed socket is let go, whoever closed it.
    await waitUntil(async () => openFeeds() === 0, { what: 'the feeds of closed sockets to be let go' });
  });

  afterAll(async () => {
    await harness?.stop();
  });

  it('refuses a socket at connection_init without a key, or with a wrong one (4403), and acknowledges a valid key', async () => {
    expect(await connect({}).opened()).toMatchObject({ closed: { code: 4403, reason: expect.stringMatching(/connection parameter authorization/) } });
    expect(await keyed(randomBytes(32).toString('base64')).opened()).toMatchObject({ closed: { code: 4403 } });
    expect(await keyed(hr.apiKey).opened()).toEqual({ acknowledged: true });
  });

  it('refuses a feed without a purpose (PURPOSE_REQUIRED) and without a contract (CONTRACT_REQUIRED), as over SSE', async () => {
    const socket = keyed(hr.apiKey);
    const [noPurpose] = await socket.operate(FEED).rest();
    expect(noPurpose).toMatchObject({ errors: [{ extensions: { code: 'PURPOSE_REQUIRED' } }] });
    const [noContract] = await keyed(hr.apiKey, { purpose: HOUSING }).operate(FEED).rest();
    expect(noContract).toMatchObject({ errors: [{ extensions: { code: 'CONTRACT_REQUIRED', fields: expect.arrayContaining(['Resident.name']) } }] });
    // Refused operations leave the socket open for the next.
    expect(await socket.operate(PURPOSES).rest()).toMatchObject([{ data: { purposes: expect.arrayContaining([{ code: SUBSIDY }]) } }]);
  });

  it('delivers each change a contract allows, masked, and records it before it is sent', async () => {
    const correlationId = `ws-${randomUUID()}`;
    const feed = await subscribeFeed(keyed(hr.apiKey, { purpose: SUBSIDY, 'x-correlation-id': correlationId }), 0);
    const id = await register('王小红');
    const message = await feed.next();
    expect(message?.event).toBe('next');
    const change = changeOf(message!.data);
    expect(change).toMatchObject({ kind: 'CREATED', resident: { id, birthDate: '1985-05-12' } });
    expect(change.resident!.name).not.toBe('王小红');
    expect(change.resident!.name).toMatch(/\*/);
    const [record] = (await recordsOf(correlationId)).filter((r) => r.type === 'AccessRecorded');
    expect(record).toMatchObject({
      data: { purpose: SUBSIDY, clientId: hr.clientId, subjects: [{ type: 'Resident', id }], maskedFields: [{ field: 'Resident.name', rule: 'MASK' }] },
    });
  });

  it('decides, shapes and records a query on the socket exactly as over HTTP', async () => {
    const [overHttp, overSocket] = [`http-${randomUUID()}`, `ws-${randomUUID()}`];
    const socket = keyed(hr.apiKey, { purpose: SUBSIDY, 'x-correlation-id': overSocket });
    const http = await harness.call(hr.apiKey, RESIDENT, { id: probe }, { 'x-purpose': SUBSIDY, 'x-correlation-id': overHttp });
    const [answer] = await socket.operate(RESIDENT, { id: probe }).rest();
    expect(answer).toEqual({ data: http.data });
    expect(http.data!.resident.name).toMatch(/\*/);
    const recorded = async (correlationId: string) => {
      const [{ type, data }] = await recordsOf(correlationId);
      // All but what tells two accesses apart (their ids, their time, the snapshot then) is the same.
      const { decisionId: _decision, correlationId: _correlation, at: _at, snapshotCheckpoint: _checkpoint, ...same } = data as unknown as Record<string, unknown>;
      return { type, ...same };
    };
    expect(await recorded(overSocket)).toEqual(await recorded(overHttp));

    // Operations on one socket run at once, each decided and finished on its own.
    const apart = ['query ($id: ID!) { resident(id: $id) { id name } }', 'query ($id: ID!) { resident(id: $id) { birthDate } }'];
    const alone = await Promise.all(apart.map(async (query) => ({ data: (await harness.call(hr.apiKey, query, { id: probe }, { 'x-purpose': SUBSIDY })).data })));
    const together = await Promise.all([...apart, ...apart].map((query) => socket.operate(query, { id: probe }).rest()));
    expect(together).toEqual([...alone, ...alone].map((answer) => [answer]));

    // A field no contract grants: refused whole, with the same error, and the refusal recorded.
    const denied = 'query ($id: ID!) { resident(id: $id) { id idNumber } }';
    const refusedHttp = await harness.call(hr.apiKey, denied, { id: probe }, { 'x-purpose': SUBSIDY });
    expect(refusedHttp.errors).toMatchObject([{ extensions: { code: 'CONTRACT_REQUIRED', fields: ['Resident.idNumber'] } }]);
    const [refused] = await socket.operate(denied, { id: probe }).rest();
    expect(refused).toEqual({ data: refusedHttp.data, errors: refusedHttp.errors });
    // One record for each operation, as over HTTP.
    expect((await recordsOf(overSocket)).map((r) => r.type)).toEqual([...Array(5).fill('AccessRecorded'), 'AccessRefused']);

    // A query the schema does not have: the same VALIDATION_FAILED, whichever layer answered it.
    const invalid = '{ resident { nope } }';
    const invalidHttp = await harness.call(hr.apiKey, invalid);
    expect(invalidHttp.errors![0].extensions.code).toBe('VALIDATION_FAILED');
    expect(await socket.operate(invalid).rest()).toEqual([{ errors: invalidHttp.errors }]);
  });

  it('runs a mutation on the socket as over HTTP: the command is the subgraph\'s, its answer a recorded read', async () => {
    const correlationId = `ws-${randomUUID()}`;
    const input = newResident('李小梅');
    const [answer] = await keyed(steward, { 'x-correlation-id': correlationId }).operate(REGISTER_RESIDENT, { input }).rest();
    expect(answer).toMatchObject({ data: { registerResident: { id: expect.any(String) } } });
    const { id } = (answer as { data: { registerResident: { id: string } } }).data.registerResident;
    expect((await harness.ok(steward, 'query ($id: ID!) { resident(id: $id) { idNumber } }', { id })).resident).toEqual({ idNumber: input.idNumber });
    expect(await recordsOf(correlationId)).toMatchObject([{ type: 'AccessRecorded', data: { subjects: [{ type: 'Resident', id }] } }]);
  });

  it('ends a feed with UNAUTHENTICATED when its key is revoked, and serves nothing more on the socket', async () => {
    const second = await harness.issueKey('human-resources', ['CONSUMER']);
    const socket = keyed(second.apiKey, { purpose: SUBSIDY });
    const feed = await subscribeFeed(socket, 0);
    await harness.ok(harness.adminKey, REVOKE_KEY, { clientId: second.clientId });
    const ended = await feed.next();
    expect(ended).toMatchObject({ event: 'next', data: { errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] } });
    expect((await feed.next())?.event).toBe('complete');
    // The socket stays open, but each later operation is refused as an HTTP request with the key would be.
    let later: unknown[] = [];
    await waitUntil(
      async () => {
        later = await socket.operate(PURPOSES).rest();
        return !('data' in (later[0] as object));
      },
      { what: 'the revoked key to be refused' },
    );
    expect(later).toMatchObject([{ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] }]);
  });

  it('lets go of a feed when its socket closes', async () => {
    const socket = keyed(hr.apiKey, { purpose: SUBSIDY });
    await subscribeFeed(socket, 0);
    await socket.close();
    await waitUntil(async () => openFeeds() === 0, { what: 'the feed of the closed socket to be let go' });
  });

  describe('on a gateway with one feed per client and 16 KiB messages', () => {
    let capped: string;

    beforeAll(async () => {
      capped = await harness.startGateway({ enforcement: { ...TEST_ENFORCEMENT, maxFeedsPerClient: 1 }, maxBodyBytes: 16_384 });
    });

    it('counts the feeds a client holds open over SSE and graphql-ws together', async () => {
      const sse = await harness.subscribe(hr.apiKey, FEED, {}, { 'x-purpose': SUBSIDY }, capped);
      if (!(sse instanceof EventStream)) throw new Error(`no stream: ${JSON.stringify(sse)}`);
      try {
        const [second] = await connect({ authorization: `Bearer ${hr.apiKey}`, purpose: SUBSIDY }, capped).operate(FEED).rest();
        expect(second).toMatchObject({ errors: [{ extensions: { code: 'QUOTA_EXCEEDED' } }] });
      } finally {
        sse.close();
      }
    });

    it('closes a socket that sends a message over the size limit (1009) or says nothing within the initialisation timeout (4408)', async () => {
      const socket = connect({ authorization: `Bearer ${hr.apiKey}` }, capped);
      expect(await socket.opened()).toEqual({ acknowledged: true });
      const [closed] = await socket.operate(`{ ${'__typename '.repeat(2_000)}}`).rest();
      expect(closed).toMatchObject({ closed: { code: 1009 } });

      const silent = new WebSocket(new URL('/graphql', capped.replace(/^http/, 'ws')), 'graphql-transport-ws');
      const code = await new Promise<number>((resolve) => silent.once('close', resolve));
      expect(code).toBe(4408);
    });

    it('counts wrong keys at connection_init against the address, with those sent over HTTP', async () => {
      // A loopback address of its own; the admin key has not been verified on this gateway yet.
      const guesser = '127.0.0.3';
      for (let i = 0; i < 20; i++) {
        expect(await connect({ authorization: `Bearer ${randomBytes(32).toString('base64')}` }, capped, guesser).opened()).toMatchObject({ closed: { code: 4403 } });
      }
      expect(await connect({ authorization: `Bearer ${harness.adminKey}` }, capped, guesser).opened()).toMatchObject({
        closed: { code: 1013, reason: expect.stringMatching(/too many wrong API keys from this address/) },
      });
      expect(await statusFrom(guesser, capped, harness.adminKey)).toBe(429);
      // Another address is not held to the guesser's count.
      expect(await connect({ authorization: `Bearer ${harness.adminKey}` }, capped).opened()).toEqual({ acknowledged: true });
    });
  });
});

/** The HTTP status of a query sent from `localAddress`. */
const statusFrom = (localAddress: string, gatewayUrl: string, apiKey: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const sent = request(
      new URL('/graphql', gatewayUrl),
      { method: 'POST', localAddress, headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` } },
      (response) => {
        response.resume();
        resolve(response.statusCode!);
      },
    );
    sent.on('error', reject);
    sent.end(JSON.stringify({ query: PURPOSES }));
  });
