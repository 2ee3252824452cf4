import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { accessStreamId, type AccessEvent } from '@shuzhi/policy';
import { EventStream, waitUntil } from '@shuzhi/testing';
import { BUILT_IN_SUBGRAPHS } from '@shuzhi/governance-events';
import { bootstrapCatalog, readBuiltInCatalog } from '../../governance/src/bootstrap/built-in-datasets.js';
import { metrics } from '@shuzhi/observability';
import { GatewayHarness, TEST_ENFORCEMENT } from './gateway-harness.js';

/**
 * A subscriber that reads nothing until told: its socket is left unread, as a consumer stuck in
 * its own work leaves it, so the gateway's writes back up into its feed's buffer.
 */
const slowReader = (url: string, apiKey: string, query: string): Promise<{ readAll(): Promise<unknown[]> }> =>
  new Promise((resolve, reject) => {
    const body = JSON.stringify({ query });
    const request = http.request(
      `${url}/graphql`,
      { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${apiKey}`, 'content-length': Buffer.byteLength(body) } },
      (response) => {
        response.pause();
        resolve({
          readAll: () =>
            new Promise((done, failed) => {
              let text = '';
              response.setEncoding('utf8');
              response.on('data', (chunk: string) => (text += chunk));
              response.on('error', failed);
              response.on('end', () =>
                done(
                  text
                    .split('\n\n')
                    .filter((block) => block.startsWith('event: next'))
                    .map((block) => JSON.parse(block.slice(block.indexOf('data:') + 5))),
                ),
              );
              response.resume();
            }),
        });
      },
    );
    request.on('error', reject);
    request.end(body);
  });

const REGISTER_RESIDENT = 'mutation ($input: RegisterResidentInput!) { registerResident(input: $input) { id } }';
const SUSPEND = 'mutation ($id: ID!) { suspendSharingContract(id: $id, reason: "数据核查") { status } }';
const GRANT = 'mutation ($input: GrantConsentInput!) { grantConsent(input: $input) { id } }';
const WITHDRAW = 'mutation ($id: ID!) { withdrawConsent(id: $id) { status } }';
const REVOKE_KEY = 'mutation ($clientId: ID!) { revokeClientKey(clientId: $clientId) }';
const REGISTER_HOUSEHOLD = 'mutation ($input: RegisterHouseholdInput!) { registerHousehold(input: $input) { id } }';
const MOVE = 'mutation ($input: MoveResidentInput!) { moveResident(input: $input) { id } }';
const FEED = 'subscription ($after: String) { residentChanges(after: $after) { cursor kind resident { id name birthDate } } }';
const NAMES = 'subscription ($after: String) { residentChanges(after: $after) { cursor kind resident { id name } } }';

const SUBSIDY = 'SUBSIDY_ELIGIBILITY';
const HOUSING = 'HOUSING_ALLOWANCE';
const ELDERLY = 'ELDERLY_ALLOWANCE';
const EMPLOYMENT = 'EMPLOYMENT_SERVICE';
const PENSION = 'PENSION';
const RELIEF = 'DISASTER_RELIEF';
const MEDICAL = 'MEDICAL_ASSISTANCE';

const withCheck = (first17: string) => {
  const sum = [...first17].reduce((total, digit, i) => total + Number(digit) * (2 ** (17 - i) % 11), 0);
  return first17 + '10X98765432'[sum % 11];
};
let sequence = 101;
const newResident = (name: string) => {
  sequence += 2;
  const idNumber = withCheck(`33010619900307${String(sequence).padStart(3, '0')}`);
  return { idNumber, name, gender: 'MALE', birthDate: '1990-03-07' };
};

/** The n-th of many residents: a birth date of its own, a name in Chinese numerals. */
const member = (n: number) => {
  const birthDate = new Date(Date.UTC(1960, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
  const numerals = [...String(n)].map((d) => '零一二三四五六七八九'[Number(d)]).join('');
  return { idNumber: withCheck(`330106${birthDate.replaceAll('-', '')}001`), name: `成员${numerals}`, gender: 'MALE', birthDate };
};

type Change = { cursor: string; kind: string; resident: { id: string; name: string; birthDate: string } | null };
const changeOf = (data: unknown): Change => (data as { data: { residentChanges: Change } }).data.residentChanges;

/**
 * Change feeds through the real gateway over the real governance and population subgraphs, on
 * real PostgreSQL: each change decided, masked and recorded at delivery like a read.
 */
describe('change feeds through the gateway (GraphQL over SSE)', () => {
  let harness: GatewayHarness;
  let plainGateway: string;
  let hr: { apiKey: string; clientId: string };
  let steward: string;
  let citizenApp: string;

  const issue = (departmentCode: string, roles: string[]) => harness.issueKey(departmentCode, roles, [harness.gatewayUrl, plainGateway]);
  const register = async (name: string) => {
    const answer = await harness.call(steward, REGISTER_RESIDENT, { input: newResident(name) }, {}, plainGateway);
    if (answer.errors) throw new Error(JSON.stringify(answer.errors));
    return answer.data!.registerResident.id as string;
  };
  const open = async (apiKey: string, headers: Record<string, string>, variables: object = {}, query = FEED, url = harness.gatewayUrl) => {
    const stream = await harness.subscribe(apiKey, query, variables, headers, url);
    if (!(stream instanceof EventStream)) throw new Error(`no stream: ${JSON.stringify(stream)}`);
    return stream;
  };
  const recordsOf = async (correlationId: string): Promise<AccessEvent[]> =>
    (await harness.store.readStream(accessStreamId(new Date())))
      .filter((e) => e.metadata.correlationId === correlationId)
      .map((e) => ({ type: e.type, data: e.data }) as AccessEvent);
  const contract = async (input: Record<string, unknown> & { fields: string[] }) => {
    const id = await harness.approvedResidentContract(hr.apiKey, steward, input);
    await applies(input.purpose as string, 'the approved contract');
    return id;
  };
  /** Waits until a contract of HR's for `purpose` applies at the gateway (a consent it asks for may still be missing). */
  const applies = (purpose: string, what: string) =>
    waitUntil(
      async () => {
        const { errors } = await harness.call(hr.apiKey, 'query ($id: ID!) { resident(id: $id) { id } }', { id: probe }, { 'x-purpose': purpose });
        return !errors || errors[0].extensions.code === 'CONSENT_REQUIRED';
      },
      { what: `${what} to apply` },
    );
  let probe: string;

  beforeAll(async () => {
    harness = await GatewayHarness.start('gateway_feeds', { population: true });
    plainGateway = await harness.startGateway({ enforcement: false });
    await bootstrapCatalog(harness.governance, await readBuiltInCatalog('schemas', BUILT_IN_SUBGRAPHS));
    for (const [code, name] of [['human-resources', '人社局'], ['citizen-app', '浙里办']]) {
      await harness.ok(harness.adminKey, 'mutation ($code: String!, $name: String!) { registerDepartment(input: { code: $code, name: $name }) { code } }', { code, name });
    }
    for (const code of [SUBSIDY, HOUSING, ELDERLY, EMPLOYMENT, PENSION, RELIEF, MEDICAL]) {
      await harness.ok(harness.adminKey, 'mutation ($code: String!) { registerPurpose(input: { code: $code, name: $code }) { code } }', { code });
    }
    hr = await issue('human-resources', ['CONSUMER']);
    steward = (await issue('public-security', ['STEWARD'])).apiKey;
    citizenApp = (await issue('citizen-app', ['CITIZEN_CHANNEL'])).apiKey;
    probe = await register('探针');
    const home = (n: number) => ({
      address: `杭州市西湖区文三路${n}号`,
      districtCode: '330106', districtName: '西湖区', streetCode: '330106007', streetName: '翠苑街道', communityCode: '330106007003', communityName: '文华社区',
    });
    for (const n of [1, 2]) homes.push((await harness.call(steward, REGISTER_HOUSEHOLD, { input: home(n) }, {}, plainGateway)).data!.registerHousehold.id);
  });
  const homes: string[] = [];
  const moves = new Map<string, number>();
  /** A change of the resident: moved to the other household. */
  const move = async (residentId: string) => {
    const n = moves.get(residentId) ?? 0;
    moves.set(residentId, n + 1);
    const answer = await harness.call(steward, MOVE, { input: { residentId, householdId: homes[n % 2] } }, {}, plainGateway);
    if (answer.errors) throw new Error(JSON.stringify(answer.errors));
  };

  afterAll(async () => {
    await harness?.stop();
  });

  it('refuses a feed without a key (401), without a purpose (PURPOSE_REQUIRED) and without a contract (CONTRACT_REQUIRED)', async () => {
    expect(await harness.subscribe(null, FEED)).toMatchObject({ status: 401, body: { errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] } });
    const [noPurpose] = await (await open(hr.apiKey, {})).rest();
    expect(noPurpose).toMatchObject({ errors: [{ extensions: { code: 'PURPOSE_REQUIRED' } }] });
    const [noContract] = await (await open(hr.apiKey, { 'x-purpose': HOUSING })).rest();
    expect(noContract).toMatchObject({ errors: [{ extensions: { code: 'CONTRACT_REQUIRED', fields: expect.arrayContaining(['Resident.name']) } }] });
  });

  it('delivers each change a contract allows, masked, and records each before it is sent', async () => {
    await contract({ fields: ['name', 'birthDate'], purpose: SUBSIDY, masking: [{ field: 'name', rule: 'MASK' }] });
    const correlationId = `feed-${randomUUID()}`;
    const stream = await open(hr.apiKey, { 'x-purpose': SUBSIDY, 'x-correlation-id': correlationId });
    // The entity alone, without the change's own fields, is a feed too.
    const entityOnly = await open(hr.apiKey, { 'x-purpose': SUBSIDY }, {}, 'subscription { residentChanges { resident { name } } }');
    try {
      const id = await register('王小明');
      const event = await stream.next();
      expect(event?.event).toBe('next');
      const change = changeOf(event!.data);
      expect(change).toMatchObject({ kind: 'CREATED', resident: { id, birthDate: '1990-03-07' } });
      expect(change.resident!.name).not.toBe('王小明');
      expect(change.resident!.name).toMatch(/\*/);
      const [record] = (await recordsOf(correlationId)).filter((r) => r.type === 'AccessRecorded');
      expect(record).toMatchObject({ data: { purpose: SUBSIDY, subjects: [{ type: 'Resident', id }], maskedFields: [{ field: 'Resident.name', rule: 'MASK' }] } });
      expect((await entityOnly.next())!.data).toEqual({ data: { residentChanges: { resident: { name: change.resident!.name } } } });
    } finally {
      stream.close();
      entityOnly.close();
    }
  });

  it('delivers a consent-bound change only for a subject who consented, and stops at once when the consent is withdrawn', async () => {
    const [consenting, silent, other] = [await register('赵一'), await register('钱二'), await register('孙三')];
    await contract({ fields: ['name', 'birthDate'], purpose: HOUSING, consentRequired: true });
    const consentIds: string[] = [];
    for (const subjectId of [consenting, other]) {
      const { grantConsent } = await harness.ok(citizenApp, GRANT, {
        input: { subjectId, consumerDepartmentCode: 'human-resources', purpose: HOUSING, datasetCode: 'population.resident', fields: ['id', 'name', 'birthDate'], expiresAt: new Date(Date.now() + 86_400_000).toISOString() },
      });
      consentIds.push(grantConsent.id);
    }
    await waitUntil(async () => !(await harness.call(hr.apiKey, 'query ($id: ID!) { resident(id: $id) { name } }', { id: other }, { 'x-purpose': HOUSING })).errors, { what: 'the consents to apply' });
    const stream = await open(hr.apiKey, { 'x-purpose': HOUSING });
    try {
      await move(silent);
      await move(consenting);
      const first = changeOf((await stream.next())!.data);
      // The silent subject's change was passed over, not sent, and not named.
      expect(first).toMatchObject({ kind: 'UPDATED', resident: { id: consenting, name: '赵一' } });

      await harness.ok(citizenApp, WITHDRAW, { id: consentIds[0] });
      await move(consenting);
      await move(other);
      // The withdrawal came before the change in the log: the change is decided after it.
      expect(changeOf((await stream.next())!.data)).toMatchObject({ resident: { id: other } });
    } finally {
      stream.close();
    }
  });

  it('ends a feed within a second when its contract is suspended, without waiting for a change', async () => {
    const id = await contract({ fields: ['name'], purpose: ELDERLY });
    const stream = await open(hr.apiKey, { 'x-purpose': ELDERLY }, {}, NAMES);
    try {
      await move(probe);
      expect(changeOf((await stream.next())!.data)).toMatchObject({ resident: { id: probe } });
      await harness.ok(steward, SUSPEND, { id });
      const ended = await stream.next(1_000);
      expect(ended?.data).toMatchObject({ errors: [{ extensions: { code: 'CONTRACT_REQUIRED' } }] });
      expect((await stream.next())?.event).toBe('complete');
    } finally {
      stream.close();
    }
  });

  it('ends a feed with UNAUTHENTICATED when its key is revoked', async () => {
    await contract({ fields: ['name'], purpose: EMPLOYMENT });
    const second = await issue('human-resources', ['CONSUMER']);
    const stream = await open(second.apiKey, { 'x-purpose': EMPLOYMENT }, {}, NAMES);
    try {
      await harness.ok(harness.adminKey, REVOKE_KEY, { clientId: second.clientId });
      const ended = await stream.next(1_000);
      expect(ended?.data).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
    } finally {
      stream.close();
    }
  });

  it('resumed after a cursor on a new connection, delivers every later change exactly once, as the log has them', async () => {
    await contract({ fields: ['name'], purpose: PENSION });
    const residents = [await register('周四'), await register('吴五')];
    const first = await open(hr.apiKey, { 'x-purpose': PENSION }, {}, NAMES);
    let cursor: string;
    try {
      await move(residents[0]);
      cursor = changeOf((await first.next())!.data).cursor;
    } finally {
      // The connection dies mid-stream; what comes next is not lost.
      first.close();
    }
    for (const id of [...residents, ...residents]) await move(id);
    const resumed = await open(hr.apiKey, { 'x-purpose': PENSION }, { after: cursor }, NAMES);
    try {
      const got = [];
      for (let i = 0; i < 4; i++) got.push(changeOf((await resumed.next())!.data));
      const log = (await harness.store.readAll({ after: cursor as never, limit: 1_000, streamPrefix: 'resident-' })).events;
      expect(got.map((c) => c.cursor)).toEqual(log.map((e) => e.checkpoint));
      expect(got.map((c) => c.resident?.id)).toEqual([...residents, ...residents]);
    } finally {
      resumed.close();
    }
  });

  it('passes over the history a contract never shared: a feed read from the beginning starts at the contract\'s start', async () => {
    const before = await register('郑六');
    await move(before);
    const validFrom = new Date(Date.now() + 1_000);
    await contract({ fields: ['name'], purpose: MEDICAL, validFrom: validFrom.toISOString() });
    await waitUntil(async () => Date.now() > validFrom.getTime() + 50, { what: 'the contract to start' });
    await applies(MEDICAL, 'the contract');
    const stream = await open(hr.apiKey, { 'x-purpose': MEDICAL }, { after: '0' }, NAMES);
    try {
      await move(before);
      // Every change of the log before the contract's start is passed over: the first one sent is this move.
      expect(changeOf((await stream.next())!.data)).toMatchObject({ kind: 'UPDATED', resident: { id: before } });
    } finally {
      stream.close();
    }
  });

  it('ends a feed at the first change after its contract ran out, though nothing was written to say so', async () => {
    // Long enough for the contract to be approved and applied on a loaded machine before it runs out.
    const validTo = new Date(Date.now() + 10_000);
    await contract({ fields: ['name'], purpose: RELIEF, validTo: validTo.toISOString() });
    const stream = await open(hr.apiKey, { 'x-purpose': RELIEF }, {}, NAMES);
    try {
      const before = await register('钱塘');
      expect(changeOf((await stream.next())!.data)).toMatchObject({ resident: { id: before } });
      await waitUntil(async () => Date.now() > validTo.getTime() + 50, { what: 'the contract to run out' });
      await register('余杭');
      expect(await stream.rest()).toMatchObject([{ errors: [{ extensions: { code: 'CONTRACT_REQUIRED' } }] }]);
    } finally {
      stream.close();
    }
  });

  it('serves a contract scoped to a division only the subjects within it, in reads and in its feed alike', async () => {
    // 翠苑街道's office gets its standing 回流 grant; one household lies in its street, one in 拱墅区.
    const register = 'mutation ($input: RegisterDepartmentInput!) { registerDepartment(input: $input) { code } }';
    await harness.ok(harness.adminKey, register, { input: { code: 'cuiyuan-street', name: '翠苑街道办事处', divisionCode: '330106007' } });
    const street = await issue('cuiyuan-street', ['CONSUMER']);
    const elsewhere = (await harness.call(steward, REGISTER_HOUSEHOLD, {
      input: { address: '杭州市拱墅区湖墅南路1号', districtCode: '330105', districtName: '拱墅区', streetCode: '330105001', streetName: '湖墅街道', communityCode: '330105001001', communityName: '湖墅社区' },
    }, {}, plainGateway)).data!.registerHousehold.id as string;
    await harness.ok(harness.adminKey, 'mutation ($input: GrantReturnFlowContractInput!) { grantReturnFlowContract(input: $input) { id } }', {
      input: { departmentCode: 'cuiyuan-street', datasetCode: 'population.resident', fields: ['id', 'name'], purpose: ELDERLY, legalBasis: '《政务数据共享条例》 数据回流', validTo: new Date(Date.now() + 86_400_000).toISOString() },
    });
    const registerIn = async (name: string, householdId: string) => {
      const answer = await harness.call(steward, REGISTER_RESIDENT, { input: { ...newResident(name), householdId } }, {}, plainGateway);
      if (answer.errors) throw new Error(JSON.stringify(answer.errors));
      return answer.data!.registerResident.id as string;
    };
    const READ = 'query ($id: ID!) { resident(id: $id) { id name } }';
    const purpose = { 'x-purpose': ELDERLY };
    const near = await registerIn('翠苑居民', homes[0]);
    await waitUntil(async () => !(await harness.call(street.apiKey, READ, { id: near }, purpose)).errors, { what: 'the 回流 grant to apply' });

    const stream = await open(street.apiKey, purpose, {}, NAMES);
    try {
      const far = await registerIn('湖墅居民', elsewhere);
      const nearAgain = await registerIn('翠苑新居民', homes[1]);
      // Read: the resident elsewhere answers exactly as somebody who does not exist.
      expect((await harness.call(street.apiKey, READ, { id: near }, purpose)).data).toEqual({ resident: { id: near, name: '翠苑居民' } });
      const outside = await harness.call(street.apiKey, READ, { id: far }, purpose);
      const unknown = await harness.call(street.apiKey, READ, { id: randomUUID() }, purpose);
      expect(outside).toMatchObject({ data: { resident: null }, errors: [{ extensions: { code: 'CONTRACT_REQUIRED' } }] });
      expect(unknown.data).toEqual(outside.data);
      expect(unknown.errors!.map((e) => [e.message, e.extensions])).toEqual(outside.errors!.map((e) => [e.message, e.extensions]));
      // Feed: the change in 拱墅区 is passed over; the next one delivered is the street's own.
      expect(changeOf((await stream.next())!.data)).toMatchObject({ kind: 'CREATED', resident: { id: nearAgain } });
      // Moving out of the street: the change is the resident's new place, which the office is not served.
      await harness.call(steward, MOVE, { input: { residentId: nearAgain, householdId: elsewhere } }, {}, plainGateway);
      await harness.call(steward, MOVE, { input: { residentId: near, householdId: homes[1] } }, {}, plainGateway);
      expect(changeOf((await stream.next())!.data)).toMatchObject({ kind: 'UPDATED', resident: { id: near } });
    } finally {
      stream.close();
    }
  });

  it('holds a client to its number of open feeds, and frees a place when one closes', async () => {
    const capped = await harness.startGateway({ enforcement: { ...TEST_ENFORCEMENT, maxFeedsPerClient: 2 } });
    const first = await open(steward, {}, {}, NAMES, capped);
    const second = await open(steward, {}, {}, NAMES, capped);
    try {
      const [third] = await (await open(steward, {}, {}, NAMES, capped)).rest();
      expect(third).toMatchObject({ errors: [{ extensions: { code: 'QUOTA_EXCEEDED' } }] });
      // Another client is not held to this one's count.
      const other = await open(hr.apiKey, { 'x-purpose': SUBSIDY }, {}, NAMES, capped);
      other.close();
      first.close();
      await waitUntil(
        async () => {
          const again = await harness.subscribe(steward, NAMES, {}, {}, capped);
          if (!(again instanceof EventStream)) return false;
          const opened = await again.next(1_000).catch(() => undefined);
          again.close();
          return opened === undefined;
        },
        { what: 'a place to free when a feed closes' },
      );
    } finally {
      first.close();
      second.close();
    }
  });

  it('cuts a reader that lets its buffer fill, with the cursor to resume from, while another reader keeps up', async () => {
    // Public security reads its own register's feed, each change with the whole household the
    // resident joined: a reader that reads nothing fills its socket's buffers within a few hundred.
    const small = await harness.startGateway({ enforcement: { ...TEST_ENFORCEMENT, feedBufferSize: 10 } });
    const MEMBERS = 'subscription ($after: String) { residentChanges(after: $after) { cursor resident { id household { members { id name idNumber gender birthDate status streamId version } } } } }';
    const cursorOf = (data: unknown) => changeOf(data).cursor;
    const cuts = async () => (await metrics().feedEnds.get()).values.find((v) => v.labels.code === 'QUOTA_EXCEEDED')?.value ?? 0;
    const cutsBefore = await cuts();
    const slow = await slowReader(small, steward, MEMBERS);
    const fast = await open(steward, {}, {}, MEMBERS, small);
    const fastGot: string[] = [];
    const fastReader = (async () => {
      for (let event = await fast.next(60_000); event && event.event !== 'complete'; event = await fast.next(60_000)) fastGot.push(cursorOf(event.data));
    })();
    let written = 0;
    while ((await cuts()) === cutsBefore && written < 2_000) {
      written += 1;
      const answer = await harness.call(steward, REGISTER_RESIDENT, { input: { ...member(written), householdId: homes[0] } }, {}, plainGateway);
      if (answer.errors) throw new Error(JSON.stringify(answer.errors));
    }
    expect(await cuts()).toBe(cutsBefore + 1);
    await waitUntil(async () => fastGot.length === written, { timeoutMs: 60_000, what: 'the fast reader to have every change' });

    // The slow reader reads at last: what it was given, then the cut with the cursor of the last of it.
    const events = await slow.readAll();
    const last = events.pop() as { errors: Array<{ extensions: { code: string; cursor: string } }> };
    const slowGot = events.map(cursorOf);
    expect(last.errors[0].extensions).toMatchObject({ code: 'QUOTA_EXCEEDED', cursor: slowGot[slowGot.length - 1] });
    let resumed = await open(steward, {}, { after: last.errors[0].extensions.cursor }, MEMBERS, small);
    try {
      while (slowGot.length < written) {
        const { data } = (await resumed.next())! as { data: { errors?: Array<{ extensions: { code: string; cursor: string } }> } };
        if (!data.errors) {
          slowGot.push(cursorOf(data));
          continue;
        }
        // Catching up through a buffer of 10 on a loaded machine may be cut again: resumed as told, still nothing lost.
        expect(data.errors[0].extensions).toMatchObject({ code: 'QUOTA_EXCEEDED', cursor: slowGot[slowGot.length - 1] });
        resumed.close();
        resumed = await open(steward, {}, { after: data.errors[0].extensions.cursor }, MEMBERS, small);
      }
      // Together, exactly what the fast reader had: every change once, in order.
      expect(slowGot).toEqual(fastGot);
    } finally {
      resumed.close();
      fast.close();
      // Its read in flight ends with the connection.
      await fastReader.catch(() => undefined);
    }
  }, 180_000);
});
