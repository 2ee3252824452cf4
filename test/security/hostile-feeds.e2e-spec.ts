import { randomUUID } from 'node:crypto';
import { EventStream, openEventStream, waitUntil } from '@shuzhi/testing';
import { DEMO_CONSENTING_RESIDENTS, ELDERLY_ALLOWANCE, EMPLOYMENT_SERVICE, MINIMUM_LIVING, SOCIAL_INSURANCE, SUBSIDY_ELIGIBILITY } from '../../apps/platform/src/demo/demo-plan.js';
import { demoResidents, type DemoResident } from '../../apps/platform/src/demo/demo-residents.js';
import type { CallOptions } from '../../apps/platform/src/demo/platform-api.js';
import { HostilePlatform } from './hostile-platform.js';

const START_MS = 330_000;

const FEED = 'subscription ($after: String) { residentChanges(after: $after) { cursor kind occurredAt resident { id name } } }';
const ISSUE_KEY = 'mutation ($input: IssueClientKeyInput!) { issueClientKey(input: $input) { clientId apiKey } }';
const REVOKE_KEY = 'mutation ($clientId: ID!) { revokeClientKey(clientId: $clientId, reason: "停用") }';
const MOVE = 'mutation ($input: MoveResidentInput!) { moveResident(input: $input) { id } }';
const REGISTER_HOUSEHOLD = 'mutation ($input: RegisterHouseholdInput!) { registerHousehold(input: $input) { id } }';

interface Change {
  cursor: string;
  kind?: string;
  occurredAt?: string;
  resident?: Record<string, unknown> | null;
  [responseName: string]: unknown;
}
interface Result {
  data?: { residentChanges?: Change } | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

const codeOf = (result: Result | undefined): unknown => result?.errors?.[0]?.extensions?.code;

/**
 * A department system with valid keys turned hostile against the change feeds of the platform as
 * `npm start` runs it (issue 19, API.md "Change feeds"): each attack reads around the decision a
 * feed makes per change, and each test says what the gateway answers and that nothing leaks.
 */
describe('a hostile department with valid keys, against the change feeds of npm start', () => {
  let p: HostilePlatform;
  let residents: DemoResident[];
  let consenting: DemoResident[];
  let notConsenting: DemoResident[];
  const homes: string[] = [];
  const moves = new Map<string, number>();

  /** A feed's stream, which must have opened (a refusal comes on it as its one result). */
  const open = async (apiKey: string, query: string, variables: object, options: CallOptions): Promise<EventStream> => {
    const stream = await p.subscribe(apiKey, query, variables, options);
    if (!(stream instanceof EventStream)) throw new Error(`no stream: ${JSON.stringify(stream)}`);
    return stream;
  };
  /** Everything a feed answered when it ended at once: a refusal's one result. */
  const refusal = async (apiKey: string, query: string, variables: object = {}, options: CallOptions = {}): Promise<Result[]> =>
    (await (await open(apiKey, query, variables, options)).rest()) as Result[];
  /** What the stream delivered up to the change at `cursor`, that one included; anything else than a change fails. */
  const readUntil = async (stream: EventStream, cursor: string, timeoutMs = 60_000): Promise<Change[]> => {
    const changes: Change[] = [];
    for (;;) {
      const event = await stream.next(timeoutMs);
      const result = event?.data as Result | undefined;
      const change = result?.data?.residentChanges;
      if (event?.event !== 'next' || !change) throw new Error(`the feed ended before ${cursor}: ${JSON.stringify(event)}`);
      changes.push(change);
      if (change.cursor === cursor) return changes;
    }
  };
  /** A change of the resident (moved to the other of two households); its cursor, as the log has it. */
  const touch = async (residentId: string): Promise<string> => {
    const n = moves.get(residentId) ?? 0;
    moves.set(residentId, n + 1);
    await p.api.ok(p.keys.populationSteward, MOVE, { input: { residentId, householdId: homes[n % 2] } });
    const events = await p.store.readStream(`resident-${residentId}`);
    return events[events.length - 1].checkpoint;
  };
  /** A new key of a department's, as its steward or the data bureau issues one, once the gateway takes it. */
  const newKey = async (departmentCode: string): Promise<{ clientId: string; apiKey: string }> => {
    const { issueClientKey } = await p.api.ok<{ issueClientKey: { clientId: string; apiKey: string } }>(p.keys.admin, ISSUE_KEY, {
      input: { departmentCode, name: `${departmentCode} feed system ${randomUUID().slice(0, 8)}`, roles: ['CONSUMER'] },
    });
    await p.api.untilKeyWorks(issueClientKey.apiKey, departmentCode);
    return issueClientKey;
  };
  /** The resident ids the gateway recorded as served under `correlationId`, in order. */
  const recordedSubjects = async (correlationId: string): Promise<string[]> =>
    (await p.recordsOf(correlationId)).flatMap((record) => (record.type === 'AccessRecorded' ? record.data.subjects.map((s) => s.id) : []));

  beforeAll(async () => {
    p = await HostilePlatform.start('security_feeds');
    residents = demoResidents();
    consenting = residents.slice(0, DEMO_CONSENTING_RESIDENTS);
    notConsenting = residents.slice(DEMO_CONSENTING_RESIDENTS);
    for (const n of [1, 2]) {
      const { registerHousehold } = await p.api.ok<{ registerHousehold: { id: string } }>(p.keys.populationSteward, REGISTER_HOUSEHOLD, {
        input: {
          address: `杭州市西湖区文三路${n}号`,
          districtCode: '330106', districtName: '西湖区', streetCode: '330106007', streetName: '翠苑街道', communityCode: '330106007003', communityName: '文华社区',
        },
      });
      homes.push(registerHousehold.id);
    }
  }, START_MS);

  afterAll(async () => {
    await p?.stop();
  }, 60_000);

  describe('selecting around the decision', () => {
    it('fields of another service through the entity are refused before any subgraph is asked, in partial mode too', async () => {
      const throughResident = 'subscription { residentChanges { cursor resident { id enterprises { creditCode name legalRepresentative { idNumber } } } } }';
      for (const partial of [false, true]) {
        const [answer, ...more] = await refusal(p.keys.civilAffairs, throughResident, {}, { purpose: MINIMUM_LIVING, partial });
        expect({ partial, code: codeOf(answer), data: answer.data ?? null, more }).toEqual({ partial, code: 'VALIDATION_FAILED', data: null, more: [] });
        expect(answer.errors![0].message).toMatch(/Resident\.enterprises/);
      }
      // The economic bureau reads enterprises' registration; their legal representatives' ID numbers are public security's.
      const [viaEnterprise] = await refusal(
        p.keys.subsidySteward,
        'subscription { enterpriseChanges { cursor enterprise { creditCode legalRepresentative { idNumber name } } } }',
        {},
        { purpose: SUBSIDY_ELIGIBILITY, partial: true },
      );
      expect(codeOf(viaEnterprise)).toBe('VALIDATION_FAILED');
      // Within the enterprise service, the representative's key is still the population register's: no grant, no feed.
      const [key] = await refusal(p.keys.subsidySteward, 'subscription { enterpriseChanges { cursor enterprise { creditCode legalRepresentative { id } } } }', {}, { purpose: SUBSIDY_ELIGIBILITY });
      expect(codeOf(key)).toBe('CONTRACT_REQUIRED');
      expect(key.errors![0].extensions?.fields).toContain('Resident.id');
    });

    it('fields not granted refuse the feed; in partial mode they are left out of every change, never delivered', async () => {
      const nosy = 'subscription { residentChanges { cursor kind resident { id name idNumber birthDate household { id address members { id idNumber name } } } } }';
      const [refused] = await refusal(p.keys.civilAffairs, nosy, {}, { purpose: MINIMUM_LIVING });
      expect(codeOf(refused)).toBe('CONTRACT_REQUIRED');
      expect(refused.errors![0].extensions?.fields).toEqual(expect.arrayContaining(['Resident.birthDate', 'Resident.household', 'Household.address']));

      const target = residents[10];
      const stream = await open(p.keys.civilAffairs, nosy, {}, { purpose: MINIMUM_LIVING, partial: true });
      try {
        const cursor = await touch(target.id);
        const [event] = await readUntil(stream, cursor);
        expect(event.resident).toEqual({ id: target.id, name: expect.stringMatching(/\*/), idNumber: expect.stringMatching(/^hmac-sha256:[0-9a-f]{64}$/) });
        const text = JSON.stringify(event);
        expect(text).not.toContain(target.idNumber);
        expect(text).not.toContain(target.birthDate);
        expect(text).not.toContain(homes[0]);
        expect(text).not.toContain('文三路');
      } finally {
        stream.close();
      }
    });

    it('the change alone (cursor, kind, time) without its entity is refused: nobody learns that someone changed', async () => {
      for (const query of [
        'subscription { residentChanges { cursor kind occurredAt } }',
        'subscription { residentChanges { __typename cursor } }',
        'subscription { householdChanges { cursor kind occurredAt } }',
      ]) {
        const [answer, ...more] = await refusal(p.keys.civilAffairs, query, {}, { purpose: MINIMUM_LIVING });
        expect({ query, code: codeOf(answer), data: answer.data ?? null, more }).toEqual({ query, code: 'VALIDATION_FAILED', data: null, more: [] });
      }
    });

    it('under consent, the change of a subject who did not consent is not sent, whatever little of the entity is selected', async () => {
      const silent = notConsenting[3];
      const feeds = [
        'subscription { residentChanges { cursor kind occurredAt resident { __typename } } }',
        'subscription { residentChanges { cursor kind occurredAt resident { id } } }',
        // The entity skipped at execution and again under an alias: still nothing to decide on for the first.
        'subscription { residentChanges { cursor kind a: resident @include(if: false) { id } b: resident { id } } }',
      ];
      const streams = await Promise.all(feeds.map((query) => open(p.keys.civilAffairs, query, {}, { purpose: ELDERLY_ALLOWANCE })));
      try {
        await touch(silent.id);
        const cursor = await touch(consenting[1].id);
        for (const [i, stream] of streams.entries()) {
          // Changes come in log order: had the silent subject's come, it would be the first.
          const got = await readUntil(stream, cursor);
          expect({ feed: feeds[i], got: got.length }).toEqual({ feed: feeds[i], got: 1 });
          expect(JSON.stringify(got)).not.toContain(silent.id);
        }
      } finally {
        for (const stream of streams) stream.close();
      }
    });
  });

  describe('the gateway\'s own response names, and aliases', () => {
    it('a feed may not use _shuzhiCursor, _shuzhiAt, _shuzhiKey or _shuzhiDivision, however it is written', async () => {
      for (const query of [
        'subscription { residentChanges { _shuzhiCursor: cursor resident { id } } }',
        'subscription { residentChanges { _shuzhiAt: occurredAt resident { id } } }',
        'subscription { residentChanges { _shuzhiAt: kind resident { id } } }',
        'subscription { residentChanges { _shuzhiCursor: __typename resident { id } } }',
        'subscription { residentChanges { ... on ResidentChange { _shuzhiAt: cursor } resident { id } } }',
        'subscription { residentChanges { ...F resident { id } } } fragment F on ResidentChange { _shuzhiCursor: kind }',
        'subscription { residentChanges { cursor resident { _shuzhiKey: name } } }',
        'subscription { residentChanges { cursor resident { id _shuzhiDivision: name } } }',
      ]) {
        const [answer, ...more] = await refusal(p.keys.civilAffairs, query, {}, { purpose: MINIMUM_LIVING });
        expect({ query, code: codeOf(answer), data: answer.data ?? null, more }).toEqual({ query, code: 'VALIDATION_FAILED', data: null, more: [] });
      }
    });

    it('two feeds in one subscription are refused', async () => {
      const [answer] = await refusal(p.keys.civilAffairs, 'subscription { a: residentChanges { cursor resident { id } } b: residentChanges { cursor resident { id } } }', {}, { purpose: MINIMUM_LIVING });
      expect(codeOf(answer)).toBe('VALIDATION_FAILED');
    });

    it('an alias carries the field it names, masked as that field: a name under "id", the ID number under "name"', async () => {
      const [denied] = await refusal(p.keys.civilAffairs, 'subscription { residentChanges { cursor resident { id born: birthDate } } }', {}, { purpose: MINIMUM_LIVING });
      expect(codeOf(denied)).toBe('CONTRACT_REQUIRED');
      const target = residents[11];
      const stream = await open(p.keys.civilAffairs, 'subscription { residentChanges { cursor resident { key: id id: name name: idNumber } } }', {}, { purpose: MINIMUM_LIVING });
      try {
        const cursor = await touch(target.id);
        const [change] = await readUntil(stream, cursor);
        expect(change.resident).toEqual({ key: target.id, id: expect.stringMatching(/\*/), name: expect.stringMatching(/^hmac-sha256:/) });
        expect(JSON.stringify(change)).not.toContain(target.name);
        expect(JSON.stringify(change)).not.toContain(target.idNumber);
      } finally {
        stream.close();
      }
    });
  });

  describe('cursors', () => {
    it('a malformed, negative or 10 KB cursor is refused (VALIDATION_FAILED), its text echoed only in part', async () => {
      const tenKilobytes = '9'.repeat(10_240);
      for (const after of ['abc', '-1', '-1:5', '1:-5', ' 1:1', '1e3:1', '1:1; DROP TABLE events', tenKilobytes]) {
        const answer = await refusal(p.keys.civilAffairs, FEED, { after }, { purpose: MINIMUM_LIVING });
        const shown = after.slice(0, 20);
        expect({ after: shown, code: codeOf(answer[0]), data: answer[0]?.data ?? null, more: answer.length }).toEqual({ after: shown, code: 'VALIDATION_FAILED', data: null, more: 1 });
        expect(JSON.stringify(answer).length).toBeLessThan(2_000);
      }
      const [notText] = await refusal(p.keys.civilAffairs, FEED, { after: 5 }, { purpose: MINIMUM_LIVING });
      expect(codeOf(notText)).toBe('VALIDATION_FAILED');
    });

    // Taken, a cursor past the head of the log would keep the feed silent until the log reached
    // it, passing over every change up to there without a word (issue 19: never a silent drop).
    it('a cursor ahead of the log, which no change carried, is refused rather than held silently (10 KB of digits too)', async () => {
      const head = (await p.store.head())!;
      const [transaction, position] = head.split(':').map(BigInt);
      for (const after of [`${transaction + 1_000_000n}:${position + 1_000_000n}`, '999999999999:1', `${'9'.repeat(10_240)}:1`]) {
        const stream = await open(p.keys.civilAffairs, FEED, { after }, { purpose: MINIMUM_LIVING });
        try {
          await touch(residents[12].id);
          // What the feed says next: the refusal (held, it would say nothing, not even this change).
          const first = await stream.next(5_000).catch(() => null);
          const shown = after.slice(0, 24);
          expect({ after: shown, first: codeOf(first?.data as Result) ?? first?.data ?? 'nothing within 5 s' }).toEqual({ after: shown, first: 'VALIDATION_FAILED' });
        } finally {
          stream.close();
        }
      }
    });

    it('a forged cursor from the past reads no more than the contract gives: masked, and recorded change by change', async () => {
      const correlationId = `feed-${randomUUID()}`;
      const stream = await open(p.keys.civilAffairs, FEED, { after: '1:1' }, { purpose: MINIMUM_LIVING, correlationId });
      try {
        const cursor = await touch(residents[13].id);
        const got = await readUntil(stream, cursor);
        expect(got.length).toBeGreaterThan(residents.length / 2);
        const byId = new Map(residents.map((r) => [r.id, r]));
        for (const change of got) {
          const resident = change.resident as { id: string; name: string };
          expect(resident.name).toMatch(/\*/);
          if (byId.has(resident.id)) expect(resident.name).not.toBe(byId.get(resident.id)!.name);
        }
        expect(await recordedSubjects(correlationId)).toEqual(got.map((c) => (c.resident as { id: string }).id));
      } finally {
        stream.close();
      }
    }, 240_000);
  });

  describe('history from before the grant', () => {
    it('after: "0" under a contract that started later passes over every change made before its start', async () => {
      const validFrom = new Date(Date.now() + 3_000);
      const { submitSharingContract } = await p.api.ok<{ submitSharingContract: { id: string } }>(
        p.keys.humanResources,
        'mutation ($input: SubmitSharingContractInput!) { submitSharingContract(input: $input) { id } }',
        {
          input: {
            datasetCode: 'population.resident',
            fields: ['id', 'name'],
            purpose: SOCIAL_INSURANCE,
            legalBasis: '《社会保险法》第五十八条',
            scenario: '参保登记：姓名核对',
            validFrom: validFrom.toISOString(),
            validTo: new Date(Date.now() + 86_400_000).toISOString(),
          },
        },
      );
      await p.api.ok(p.keys.admin, 'mutation ($id: ID!) { completeComplianceReview(id: $id, approved: true) { status } }', { id: submitSharingContract.id });
      await p.api.ok(p.keys.populationSteward, 'mutation ($id: ID!) { approveSharingContract(id: $id) { status } }', { id: submitSharingContract.id });
      await waitUntil(
        async () => Date.now() > validFrom.getTime() && !(await p.call(p.keys.humanResources, 'query ($id: ID!) { resident(id: $id) { name } }', { id: residents[0].id }, { purpose: SOCIAL_INSURANCE })).errors,
        { timeoutMs: 30_000, what: 'the contract to start and apply' },
      );

      const correlationId = `feed-${randomUUID()}`;
      const stream = await open(p.keys.humanResources, FEED, { after: '0' }, { purpose: SOCIAL_INSURANCE, correlationId });
      try {
        const cursor = await touch(residents[14].id);
        const got = await readUntil(stream, cursor, 120_000);
        expect(got.map((c) => c.occurredAt).filter((at) => Date.parse(at!) < validFrom.getTime())).toEqual([]);
        expect(got[got.length - 1]).toMatchObject({ kind: 'UPDATED', resident: { id: residents[14].id } });
        expect(await recordedSubjects(correlationId)).toEqual(got.map((c) => (c.resident as { id: string }).id));
      } finally {
        stream.close();
      }
    }, 240_000);
  });

  describe('purposes', () => {
    it('a feed without a purpose, with an unknown one, or with one the department holds no contract for, is refused', async () => {
      const [none] = await refusal(p.keys.civilAffairs, FEED);
      expect(codeOf(none)).toBe('PURPOSE_REQUIRED');

      const correlationId = randomUUID();
      const [unknown] = await refusal(p.keys.civilAffairs, FEED, {}, { purpose: 'CURIOSITY_<script>', correlationId });
      expect(codeOf(unknown)).toBe('PURPOSE_REQUIRED');
      const [listed] = await refusal(p.keys.civilAffairs, FEED, {}, { purpose: `${MINIMUM_LIVING}, ${ELDERLY_ALLOWANCE}` });
      expect(codeOf(listed)).toBe('PURPOSE_REQUIRED');
      const records = await p.recordsOf(correlationId);
      expect(records).toHaveLength(1);
      expect(JSON.stringify(records[0].recorded)).not.toContain('CURIOSITY');

      // The economic bureau's purpose, the population feed: civil affairs holds no contract for it.
      const [othersPurpose] = await refusal(p.keys.civilAffairs, FEED, {}, { purpose: SUBSIDY_ELIGIBILITY });
      expect(codeOf(othersPurpose)).toBe('CONTRACT_REQUIRED');
      const [othersFeed] = await refusal(p.keys.civilAffairs, 'subscription { enterpriseChanges { cursor enterprise { creditCode status } } }', {}, { purpose: SUBSIDY_ELIGIBILITY });
      expect(codeOf(othersFeed)).toBe('CONTRACT_REQUIRED');
      // Human resources' own contract for it is suspended.
      const [suspended] = await refusal(p.keys.humanResources, FEED, {}, { purpose: EMPLOYMENT_SERVICE });
      expect(codeOf(suspended)).toBe('CONTRACT_REQUIRED');
    });
  });

  describe('consent', () => {
    it('a consent-bound feed read from the beginning never names a subject who did not consent, and records what it sends', async () => {
      const correlationId = `feed-${randomUUID()}`;
      const stream = await open(p.keys.civilAffairs, 'subscription ($after: String) { residentChanges(after: $after) { cursor kind occurredAt resident { id name birthDate } } }', { after: '0' }, { purpose: ELDERLY_ALLOWANCE, correlationId });
      try {
        await touch(notConsenting[0].id);
        const cursor = await touch(consenting[2].id);
        const got = await readUntil(stream, cursor, 120_000);
        const allowed = new Set(consenting.map((r) => r.id));
        expect(got.map((c) => (c.resident as { id: string }).id).filter((id) => !allowed.has(id))).toEqual([]);
        const text = JSON.stringify(got);
        expect(notConsenting.filter((r) => text.includes(r.id)).map((r) => r.id)).toEqual([]);
        expect(await recordedSubjects(correlationId)).toEqual(got.map((c) => (c.resident as { id: string }).id));
        // Decided and withheld (recorded so, for the audit), not missed.
        const withheld = (await p.recordsOf(correlationId)).flatMap((r) => (r.type === 'AccessRecorded' ? r.data.withheldSubjects.map((s) => s.id) : []));
        expect(withheld).toContain(notConsenting[0].id);
      } finally {
        stream.close();
      }
    }, 240_000);

    // A contract's changes from before its start are passed over; a consent grants no more of the
    // past: a feed read from an old cursor does not deliver a subject's changes from before they consented.
    it('a consent-bound feed read from the beginning passes over a subject\'s changes from before their consent', async () => {
      const consentedAt = new Map<string, number>();
      for (const resident of consenting) {
        const { consents } = await p.api.ok<{ consents: Array<{ id: string; purpose: string; status: string }> }>(p.keys.auditor, 'query ($s: ID!) { consents(subjectId: $s) { id purpose status } }', { s: resident.id });
        const consent = consents.find((c) => c.purpose === ELDERLY_ALLOWANCE && c.status === 'ACTIVE')!;
        consentedAt.set(resident.id, (await p.store.readStream(`consent-${consent.id}`))[0].recordedAt.getTime());
      }
      const stream = await open(p.keys.civilAffairs, FEED, { after: '0' }, { purpose: ELDERLY_ALLOWANCE });
      try {
        const cursor = await touch(consenting[3].id);
        const got = await readUntil(stream, cursor, 120_000);
        const beforeConsent = got.filter((c) => Date.parse(c.occurredAt!) < consentedAt.get((c.resident as { id: string }).id)!);
        expect(beforeConsent.map((c) => ({ kind: c.kind, occurredAt: c.occurredAt }))).toEqual([]);
      } finally {
        stream.close();
      }
    }, 240_000);
  });

  describe('keys', () => {
    it('a revoked key ends its feeds with UNAUTHENTICATED, each having sent only what it was given', async () => {
      const key = await newKey('civil-affairs');
      const correlationId = `feed-${randomUUID()}`;
      const consentBound = await open(key.apiKey, FEED, {}, { purpose: ELDERLY_ALLOWANCE, correlationId });
      const skipped = await open(key.apiKey, 'subscription { residentChanges { cursor kind resident @include(if: false) { id } } }', {}, { purpose: MINIMUM_LIVING, correlationId });
      try {
        await touch(notConsenting[1].id);
        // Both feeds have decided that change (each records it, sent or withheld) before the key goes.
        await waitUntil(async () => (await p.recordsOf(correlationId)).length >= 2, { timeoutMs: 30_000, what: 'both feeds to decide the change' });
        await p.api.ok(p.keys.admin, REVOKE_KEY, { clientId: key.clientId });
        for (const stream of [consentBound, skipped]) {
          const rest = (await stream.rest(30_000)) as Result[];
          expect(rest.map(codeOf)).toEqual(['UNAUTHENTICATED']);
          expect(rest[0].data ?? null).toBeNull();
        }
        expect(await p.subscribe(key.apiKey, FEED, {}, { purpose: MINIMUM_LIVING })).toMatchObject({ status: 401, body: { errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] } });
      } finally {
        consentBound.close();
        skipped.close();
      }
    });
  });

  describe('many subscriptions', () => {
    it('a client holds at most 20 feeds on a gateway: the 21st is refused with QUOTA_EXCEEDED, other clients are not held to its count', async () => {
      const key = await newKey('civil-affairs');
      const streams: EventStream[] = [];
      try {
        for (let i = 0; i < 20; i++) streams.push(await open(key.apiKey, FEED, {}, { purpose: MINIMUM_LIVING }));
        const [over] = await refusal(key.apiKey, FEED, {}, { purpose: MINIMUM_LIVING });
        expect(codeOf(over)).toBe('QUOTA_EXCEEDED');
        expect(over.data ?? null).toBeNull();
        // The 20 are live: each gets the next change.
        const cursor = await touch(residents[15].id);
        for (const stream of streams) expect((await readUntil(stream, cursor)).map((c) => c.cursor)).toEqual([cursor]);
        const other = await open(p.keys.civilAffairs, FEED, {}, { purpose: MINIMUM_LIVING });
        other.close();
      } finally {
        for (const stream of streams) stream.close();
      }
    }, 240_000);
  });

  describe('other transports of the one door', () => {
    const get = (apiKey: string, query: string, headers: Record<string, string>) =>
      openEventStream(`${p.gatewayUrl}/graphql?query=${encodeURIComponent(query)}`, { method: 'GET', headers: { authorization: `Bearer ${apiKey}`, ...headers } });

    it('a subscription sent as a GET is decided as a POST: refused without a purpose or a grant, else masked and recorded', async () => {
      const noPurpose = await get(p.keys.civilAffairs, FEED, { accept: 'text/event-stream' });
      if (!(noPurpose instanceof EventStream)) throw new Error(JSON.stringify(noPurpose));
      expect(((await noPurpose.rest()) as Result[]).map(codeOf)).toEqual(['PURPOSE_REQUIRED']);
      const notGranted = 'subscription { residentChanges { cursor resident { id birthDate } } }';
      for (const accept of ['text/event-stream', 'application/json']) {
        const answer = await get(p.keys.civilAffairs, notGranted, { accept, 'x-purpose': MINIMUM_LIVING });
        const results = answer instanceof EventStream ? ((await answer.rest()) as Result[]) : [answer.body as Result];
        expect({ accept, codes: results.map(codeOf) }).toEqual({ accept, codes: ['CONTRACT_REQUIRED'] });
      }

      const correlationId = `feed-${randomUUID()}`;
      const allowed = await get(p.keys.civilAffairs, FEED, { accept: 'text/event-stream', 'x-purpose': MINIMUM_LIVING, 'x-correlation-id': correlationId });
      if (!(allowed instanceof EventStream)) throw new Error(JSON.stringify(allowed));
      try {
        const target = residents[16];
        const cursor = await touch(target.id);
        const [change] = await readUntil(allowed, cursor);
        expect(change.resident).toEqual({ id: target.id, name: expect.stringMatching(/\*/) });
        expect(await recordedSubjects(correlationId)).toEqual([target.id]);
      } finally {
        allowed.close();
      }
    });

    it('a subscription as plain JSON (no Accept: text/event-stream) is refused alike, or served as a governed stream', async () => {
      const post = (query: string, accept?: string) =>
        openEventStream(`${p.gatewayUrl}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${p.keys.civilAffairs}`, 'x-purpose': MINIMUM_LIVING, ...(accept ? { accept } : {}) },
          body: JSON.stringify({ query }),
        });
      for (const accept of [undefined, 'application/json', 'application/graphql-response+json']) {
        const answer = await post('subscription { residentChanges { cursor resident { id birthDate } } }', accept);
        const results = answer instanceof EventStream ? ((await answer.rest()) as Result[]) : [answer.body as Result];
        expect({ accept, codes: results.map(codeOf) }).toEqual({ accept, codes: ['CONTRACT_REQUIRED'] });
      }
      const target = residents[17];
      const served = await post(FEED, 'application/json');
      try {
        const cursor = await touch(target.id);
        if (served instanceof EventStream) {
          const [change] = await readUntil(served, cursor);
          expect(change.resident).toEqual({ id: target.id, name: expect.stringMatching(/\*/) });
        } else {
          // Not a stream the gateway can send: an answer without any change.
          expect(served.status).toBe(406);
          expect(JSON.stringify(served.body)).not.toContain(target.id);
        }
      } finally {
        if (served instanceof EventStream) served.close();
      }
    });

    // The gateway opens the feed (decided, registered, its subgraph stream started) before the
    // runtime finds it cannot answer in the format asked for and answers 406. Left open, each
    // would hold a subgraph connection and count against its client for good: 20 such requests
    // would lock a key out of feeds, and a steward, who issues its department's keys, could pin
    // any number of subgraph connections.
    it('a subscription answered 406 (an Accept it cannot stream) leaves no feed open behind it', async () => {
      const key = await newKey('civil-affairs');
      for (let i = 0; i < 20; i++) {
        const response = await fetch(`${p.gatewayUrl}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'multipart/mixed', authorization: `Bearer ${key.apiKey}`, 'x-purpose': MINIMUM_LIVING },
          body: JSON.stringify({ query: FEED }),
        });
        await response.arrayBuffer();
        expect(response.status).not.toBe(200);
      }
      const stream = await open(key.apiKey, FEED, {}, { purpose: MINIMUM_LIVING });
      try {
        const cursor = await touch(residents[18].id);
        const first = (await stream.next(30_000))?.data as Result;
        expect({ code: codeOf(first), cursor: first.data?.residentChanges?.cursor }).toEqual({ code: undefined, cursor });
      } finally {
        stream.close();
      }
    });
  });

  describe('every delivered change is recorded before it is sent', () => {
    it('the subjects recorded under the feed\'s correlation id are exactly the changes it delivered, in order', async () => {
      const correlationId = `feed-${randomUUID()}`;
      const stream = await open(p.keys.civilAffairs, FEED, {}, { purpose: ELDERLY_ALLOWANCE, correlationId });
      try {
        const touched = [consenting[0], notConsenting[2], consenting[4], consenting[0]];
        let cursor = '';
        for (const resident of touched) cursor = await touch(resident.id);
        const got = await readUntil(stream, cursor);
        expect(got.map((c) => (c.resident as { id: string }).id)).toEqual([consenting[0].id, consenting[4].id, consenting[0].id]);
        expect(await recordedSubjects(correlationId)).toEqual(got.map((c) => (c.resident as { id: string }).id));
        // The withheld change is recorded as withheld, for the audit; it was not sent.
        const withheld = (await p.recordsOf(correlationId)).flatMap((r) => (r.type === 'AccessRecorded' ? r.data.withheldSubjects.map((s) => s.id) : []));
        expect(withheld).toEqual([notConsenting[2].id]);
      } finally {
        stream.close();
      }
    });
  });
});
