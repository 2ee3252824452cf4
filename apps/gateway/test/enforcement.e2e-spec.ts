import { createHmac, randomUUID } from 'node:crypto';
import pg from 'pg';
import { accessStreamId, type AccessEvent } from '@shuzhi/policy';
import { waitUntil } from '@shuzhi/testing';
import { chinaDay } from '../src/enforcement/daily-quota.js';
import { BUILT_IN_SUBGRAPHS } from '@shuzhi/governance-events';
import { bootstrapCatalog, readBuiltInCatalog } from '../../governance/src/bootstrap/built-in-datasets.js';
import { GatewayHarness, TEST_HASH_KEY, type Answer } from './gateway-harness.js';

const REGISTER_RESIDENT = 'mutation ($input: RegisterResidentInput!) { registerResident(input: $input) { id } }';
// The contracts here ask for the ID number without consent: the reviewer finds the statutory basis.
const SUSPEND = 'mutation ($id: ID!) { suspendSharingContract(id: $id, reason: "数据核查") { status } }';
const RESUME = 'mutation ($id: ID!) { resumeSharingContract(id: $id) { status } }';
const REVOKE = 'mutation ($id: ID!) { revokeSharingContract(id: $id, reason: "项目结束") { status } }';
const GRANT = 'mutation ($input: GrantConsentInput!) { grantConsent(input: $input) { id } }';
const WITHDRAW = 'mutation ($id: ID!) { withdrawConsent(id: $id) { status } }';
const READ = 'query ($id: ID!) { resident(id: $id) { name birthDate idNumber } }';

const SUBSIDY = 'SUBSIDY_ELIGIBILITY';
const HOUSING = 'HOUSING_ALLOWANCE';

// GB 11643: weights 2^(17-i) mod 11 of the first 17 digits, the sum mod 11 picks the check character.
const withCheck = (first17: string) => {
  const sum = [...first17].reduce((total, digit, i) => total + Number(digit) * (2 ** (17 - i) % 11), 0);
  return first17 + '10X98765432'[sum % 11];
};
const hmac = (text: string) => `hmac-sha256:${createHmac('sha256', TEST_HASH_KEY).update(text, 'utf8').digest('hex')}`;
const codeOf = (answer: Answer) => answer.errors?.[0]?.extensions.code;

/**
 * Contract and consent enforcement and access records, through the real gateway over the real
 * governance and population subgraphs, on real PostgreSQL.
 */
describe('gateway enforcement (contracts, masking, consent, access records)', () => {
  let harness: GatewayHarness;
  let plainGateway: string;
  let hr: string;
  let hrClientId: string;
  let steward: string;
  let citizenApp: string;
  const residents: Array<{ id: string; idNumber: string }> = [];
  let contractId: string;

  /** As HR's system, with a purpose and a fresh correlation id by which its record is found. */
  const read = async (query: string, variables: object, headers: Record<string, string> = { 'x-purpose': SUBSIDY }) => {
    const correlationId = `t-${randomUUID()}`;
    const answer = await harness.call(hr, query, variables, { 'x-correlation-id': correlationId, ...headers });
    return { answer, correlationId };
  };
  const recordsOf = async (correlationId: string): Promise<AccessEvent[]> =>
    (await harness.store.readStream(accessStreamId(new Date())))
      .filter((e) => e.metadata.correlationId === correlationId)
      .map((e) => ({ type: e.type, data: e.data }) as AccessEvent);

  const issue = (departmentCode: string, roles: string[]) => harness.issueKey(departmentCode, roles, [harness.gatewayUrl, plainGateway]);

  beforeAll(async () => {
    harness = await GatewayHarness.start('gateway_enforcement', { population: true });
    // The provider registers its residents through a gateway without enforcement: whether a
    // steward reads back its own department's rows without a contract is not settled here.
    plainGateway = await harness.startGateway({ enforcement: false });
    await bootstrapCatalog(harness.governance, await readBuiltInCatalog('schemas', BUILT_IN_SUBGRAPHS));
    for (const [code, name] of [['human-resources', '人社局'], ['citizen-app', '浙里办']]) {
      await harness.ok(harness.adminKey, 'mutation ($code: String!, $name: String!) { registerDepartment(input: { code: $code, name: $name }) { code } }', { code, name });
    }
    for (const code of [SUBSIDY, HOUSING]) {
      await harness.ok(harness.adminKey, 'mutation ($code: String!) { registerPurpose(input: { code: $code, name: $code }) { code } }', { code });
    }
    ({ apiKey: hr, clientId: hrClientId } = await issue('human-resources', ['CONSUMER']));
    steward = (await issue('public-security', ['STEWARD'])).apiKey;
    citizenApp = (await issue('citizen-app', ['CITIZEN_CHANNEL'])).apiKey;
    for (const [name, sequence] of [['张三', '013'], ['欧阳娜娜', '024']]) {
      const idNumber = withCheck(`33010619900307${sequence}`.slice(0, 17));
      const gender = Number(idNumber[16]) % 2 === 1 ? 'MALE' : 'FEMALE';
      const answer = await harness.call(steward, REGISTER_RESIDENT, { input: { idNumber, name, gender, birthDate: '1990-03-07' } }, {}, plainGateway);
      if (answer.errors) throw new Error(JSON.stringify(answer.errors));
      residents.push({ id: answer.data!.registerResident.id, idNumber });
    }
  });

  afterAll(async () => {
    await harness?.stop();
  });

  /** A contract of HR's on residents, approved; `id` is always among its fields: resident(id:) reads it. */
  const contract = (input: Record<string, unknown> & { fields: string[] }) => harness.approvedResidentContract(hr, steward, input);

  it('refuses a consumer without a contract with CONTRACT_REQUIRED naming the fields, and records the refusal', async () => {
    const { answer, correlationId } = await read(READ, { id: residents[0].id });

    expect(answer.data ?? null).toBeNull();
    expect(answer.errors).toHaveLength(1);
    expect(answer.errors![0].extensions).toMatchObject({
      code: 'CONTRACT_REQUIRED',
      // The lookup reads the key it looks the resident up by: a grant of Resident.id is needed too.
      fields: ['Resident.name', 'Resident.birthDate', 'Resident.idNumber', 'Resident.id'],
      arguments: ['Query.resident(id)'],
      reason: 'no contract grants Resident.name, Resident.birthDate, Resident.idNumber, Query.resident(id)',
    });
    expect(await recordsOf(correlationId)).toEqual([
      {
        type: 'AccessRefused',
        data: expect.objectContaining({
          clientId: hrClientId,
          department: 'human-resources',
          purpose: SUBSIDY,
          code: 'CONTRACT_REQUIRED',
          deniedFields: ['Resident.name', 'Resident.birthDate', 'Resident.idNumber'],
          operationHash: expect.stringMatching(/^[0-9a-f]{64}$/),
          // Who was looked up is recorded though nothing was served.
          lookups: [{ via: 'Query.resident(id)', field: 'Resident.id', value: residents[0].id, contractId: null, allowed: false }],
        }),
      },
    ]);
  });

  it('after submission, compliance review and approval serves exactly the granted fields, masked, and records the read once', async () => {
    contractId = await contract({
      fields: ['name', 'birthDate', 'idNumber'],
      purpose: SUBSIDY,
      masking: [
        { field: 'name', rule: 'MASK' },
        { field: 'idNumber', rule: 'HASH' },
      ],
    });
    await waitUntil(async () => !(await read(READ, { id: residents[0].id })).answer.errors, { what: 'the approved contract to apply' });

    const { answer, correlationId } = await read(READ, { id: residents[0].id });

    expect(answer.errors).toBeUndefined();
    // The gateway asked for the id to know whose row this is, and did not pass it on.
    expect(answer.data).toEqual({ resident: { name: '张*', birthDate: '1990-03-07', idNumber: hmac(residents[0].idNumber) } });
    const records = await recordsOf(correlationId);
    expect(records).toEqual([
      {
        type: 'AccessRecorded',
        data: expect.objectContaining({
          clientId: hrClientId,
          department: 'human-resources',
          purpose: SUBSIDY,
          outcome: 'ALLOW',
          contracts: [{ id: contractId, version: expect.any(Number) }],
          fields: ['Query.resident', 'Resident.name', 'Resident.birthDate', 'Resident.idNumber'],
          maskedFields: [
            { field: 'Resident.name', rule: 'MASK' },
            { field: 'Resident.idNumber', rule: 'HASH' },
          ],
          deniedFields: [],
          subjects: [{ type: 'Resident', id: residents[0].id }],
          withheldSubjects: [],
          snapshotCheckpoint: expect.any(String),
          operationHash: expect.stringMatching(/^[0-9a-f]{64}$/),
          lookups: [{ via: 'Query.resident(id)', field: 'Resident.id', value: residents[0].id, contractId, allowed: true }],
        }),
      },
    ]);
  });

  it('refuses a field outside the contract, naming it and the contract in force', async () => {
    const { answer, correlationId } = await read('query ($id: ID!) { resident(id: $id) { name gender } }', { id: residents[0].id });

    expect(answer.data ?? null).toBeNull();
    expect(answer.errors![0].extensions).toMatchObject({ code: 'CONTRACT_REQUIRED', fields: ['Resident.gender'], contractIds: [contractId] });
    expect((await recordsOf(correlationId)).map((r) => r.type)).toEqual(['AccessRefused']);
  });

  it('refuses another purpose, and asks for a purpose when none is declared', async () => {
    const other = await read(READ, { id: residents[0].id }, { 'x-purpose': HOUSING });
    expect(codeOf(other.answer)).toBe('CONTRACT_REQUIRED');

    const none = await read(READ, { id: residents[0].id }, {});
    expect(none.answer.errors![0].extensions).toMatchObject({
      code: 'PURPOSE_REQUIRED',
      fields: ['Resident.name', 'Resident.birthDate', 'Resident.idNumber', 'Resident.id'],
    });
    expect((await recordsOf(none.correlationId)).map((r) => r.type)).toEqual(['AccessRefused']);
  });

  it('with X-Partial: allow serves the granted part and puts an error on each denied path', async () => {
    const { answer, correlationId } = await read(
      'query ($a: ID!, $b: ID!) { first: resident(id: $a) { name gender } second: resident(id: $b) { birthDate } }',
      { a: residents[0].id, b: residents[1].id },
      { 'x-purpose': SUBSIDY, 'x-partial': 'allow' },
    );

    expect(answer.data).toEqual({ first: { name: '张*' }, second: { birthDate: '1990-03-07' } });
    expect(answer.errors).toEqual([expect.objectContaining({ path: ['first', 'gender'], extensions: expect.objectContaining({ code: 'CONTRACT_REQUIRED', fields: ['Resident.gender'] }) })]);
    const [record] = await recordsOf(correlationId);
    expect(record).toMatchObject({
      type: 'AccessRecorded',
      data: {
        outcome: 'PARTIAL',
        deniedFields: ['Resident.gender'],
        subjects: [
          { type: 'Resident', id: residents[0].id },
          { type: 'Resident', id: residents[1].id },
        ],
      },
    });
  });

  it('refuses within a second of a suspension, and serves again after the resumption', async () => {
    await harness.ok(steward, SUSPEND, { id: contractId });
    const suspendedAt = Date.now();
    await waitUntil(async () => codeOf((await read(READ, { id: residents[0].id })).answer) === 'CONTRACT_REQUIRED', {
      timeoutMs: 1_000,
      what: 'the suspension to apply',
    });
    expect(Date.now() - suspendedAt).toBeLessThan(1_000);

    await harness.ok(steward, RESUME, { id: contractId });
    await waitUntil(async () => (await read(READ, { id: residents[0].id })).answer.errors === undefined, {
      timeoutMs: 1_000,
      what: 'the resumption to apply',
    });
  });

  it('under a consent-required contract serves only consenting subjects, and stops a row within a second of withdrawal', async () => {
    await contract({ fields: ['name'], purpose: HOUSING, consentRequired: true, masking: [] });
    const { grantConsent } = await harness.ok(citizenApp, GRANT, {
      input: {
        subjectId: residents[0].id,
        consumerDepartmentCode: 'human-resources',
        purpose: HOUSING,
        datasetCode: 'population.resident',
        fields: ['name'],
        expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      },
    });
    const both = 'query ($a: ID!, $b: ID!) { first: resident(id: $a) { name } second: resident(id: $b) { name } }';
    const ids = { a: residents[0].id, b: residents[1].id };
    // A refusal has no data at all: wait for the consenting row itself, not for "not null".
    await waitUntil(async () => (await read(both, ids, { 'x-purpose': HOUSING })).answer.data?.first?.name === '张三', {
      what: 'the contract and consent to apply',
    });

    const { answer, correlationId } = await read(both, ids, { 'x-purpose': HOUSING });
    expect(answer.data).toEqual({ first: { name: '张三' }, second: null });
    expect(answer.errors).toEqual([expect.objectContaining({ path: ['second'], extensions: expect.objectContaining({ code: 'CONSENT_REQUIRED' }) })]);
    const [record] = await recordsOf(correlationId);
    expect(record).toMatchObject({
      type: 'AccessRecorded',
      data: {
        outcome: 'PARTIAL',
        subjects: [{ type: 'Resident', id: residents[0].id }],
        withheldSubjects: [{ type: 'Resident', id: residents[1].id, missingFields: ['name'] }],
      },
    });

    await harness.ok(citizenApp, WITHDRAW, { id: grantConsent.id });
    await waitUntil(async () => (await read(both, ids, { 'x-purpose': HOUSING })).answer.data?.first === null, {
      timeoutMs: 1_000,
      what: 'the withdrawal to apply',
    });
  });

  it('refuses within a second of a revocation, and for good', async () => {
    const genderContract = await contract({ fields: ['gender'], purpose: SUBSIDY, consentRequired: false, masking: [] });
    const GENDER = 'query ($id: ID!) { resident(id: $id) { gender } }';
    await waitUntil(async () => (await read(GENDER, { id: residents[0].id })).answer.errors === undefined, {
      what: 'the gender contract to apply',
    });

    expect((await harness.ok(hr, REVOKE, { id: genderContract })).revokeSharingContract.status).toBe('REVOKED');
    const revokedAt = Date.now();
    await waitUntil(async () => codeOf((await read(GENDER, { id: residents[0].id })).answer) === 'CONTRACT_REQUIRED', {
      timeoutMs: 1_000,
      what: 'the revocation to apply',
    });
    expect(Date.now() - revokedAt).toBeLessThan(1_000);

    // Unlike a suspension, nothing brings it back: the steward's resume is refused, and so is the read.
    expect(codeOf(await harness.call(steward, RESUME, { id: genderContract }))).toBe('INVALID_TRANSITION');
    const { answer } = await read(GENDER, { id: residents[0].id });
    expect(answer.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'CONTRACT_REQUIRED', fields: ['Resident.gender'] }) })]);
  });

  it('records platform reads too, with the arguments they were given; introspection alone is not recorded', async () => {
    const correlationId = `t-${randomUUID()}`;
    await harness.ok(hr, '{ purposes { code } }', {}, { 'x-correlation-id': correlationId });
    expect(await recordsOf(correlationId)).toEqual([
      { type: 'AccessRecorded', data: expect.objectContaining({ outcome: 'ALLOW', contracts: [], fields: ['Query.purposes', 'Purpose.code'], lookups: [] }) },
    ]);
    const read = `t-${randomUUID()}`;
    await harness.call(citizenApp, 'query ($s: ID!) { consents(subjectId: $s) { id } }', { s: residents[0].id }, { 'x-correlation-id': read });
    expect((await recordsOf(read))[0].data).toMatchObject({ lookups: [{ via: 'Query.consents(subjectId)', field: null, value: residents[0].id, allowed: true }] });
    const schema = `t-${randomUUID()}`;
    await harness.ok(hr, '{ __schema { queryType { name } } }', {}, { 'x-correlation-id': schema });
    expect(await recordsOf(schema)).toEqual([]);
  });

  it('refuses an unknown X-Purpose before anything is looked up, and does not store it', async () => {
    const { answer, correlationId } = await read(READ, { id: residents[0].id }, { 'x-purpose': 'NOT_A_PURPOSE' });
    expect(answer.errors![0].extensions).toMatchObject({ code: 'PURPOSE_REQUIRED' });
    const [record] = await recordsOf(correlationId);
    expect(record).toMatchObject({ type: 'AccessRefused', data: { purpose: null } });
    expect(JSON.stringify(record)).not.toContain('NOT_A_PURPOSE');
  });

  it('with X-Partial: allow, never executes a denied field: a root field whose selection is wholly denied is refused whole', async () => {
    // For housing HR may read names but not the ID number: a lookup by ID number answers the
    // same whether the resident exists or not, and is recorded with the number looked up.
    const byIdNumber = 'query ($n: String!) { residentByIdNumber(idNumber: $n) { name } }';
    const known = await read(byIdNumber, { n: residents[0].idNumber }, { 'x-purpose': HOUSING, 'x-partial': 'allow' });
    const unknown = await read(byIdNumber, { n: withCheck('11010119800101999') }, { 'x-purpose': HOUSING, 'x-partial': 'allow' });
    expect(known.answer).toEqual(unknown.answer);
    expect(codeOf(known.answer)).toBe('CONTRACT_REQUIRED');
    expect((await recordsOf(known.correlationId))[0].data).toMatchObject({ lookups: [expect.objectContaining({ value: residents[0].idNumber, allowed: false })] });

    const wholly = 'query ($a: ID!, $b: ID!) { a: resident(id: $a) { gender } b: resident(id: $b) { name } }';
    const partly = await read(wholly, { a: residents[0].id, b: residents[1].id }, { 'x-purpose': SUBSIDY, 'x-partial': 'allow' });
    expect(partly.answer.data).toEqual({ b: { name: '欧阳**' } });
    expect(partly.answer.errors).toEqual([expect.objectContaining({ path: ['a', 'gender'], extensions: expect.objectContaining({ code: 'CONTRACT_REQUIRED' }) })]);
  });

  describe('daily row quota', () => {
    const QUOTA_A = 'QUOTA_TEST_A';
    const QUOTA_B = 'QUOTA_TEST_B';
    const NAMES = 'query ($a: ID!, $b: ID!) { first: resident(id: $a) { name } second: resident(id: $b) { name } }';
    const NAME = 'query ($id: ID!) { resident(id: $id) { name } }';
    let replica: string;

    /** Today's count of a contract as every replica sees it. */
    const usedToday = async (id: string): Promise<number | null> => {
      const client = new pg.Client({ connectionString: harness.database.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ rows: string }>('select rows from gateway.quota_usage where contract_id = $1 and day = $2', [
          id,
          chinaDay(new Date().toISOString()),
        ]);
        return rows.length > 0 ? Number(rows[0].rows) : null;
      } finally {
        await client.end();
      }
    };

    /** A contract on `name` with a quota, in force at both replicas; waiting on it serves no row. */
    const quotaContract = async (purpose: string, dailyQuota: number) => {
      await harness.ok(harness.adminKey, 'mutation ($code: String!) { registerPurpose(input: { code: $code, name: $code }) { code } }', { code: purpose });
      const id = await contract({ fields: ['name'], purpose, dailyQuota, masking: [] });
      for (const url of [harness.gatewayUrl, replica]) {
        await waitUntil(
          async () => {
            const answer = await harness.call(hr, NAME, { id: randomUUID() }, { 'x-purpose': purpose }, url);
            return answer.errors === undefined && answer.data?.resident === null;
          },
          { what: 'the quota contract to apply' },
        );
      }
      return id;
    };

    beforeAll(async () => {
      replica = await harness.startGateway({});
    });

    it('serves up to the quota over several requests, then refuses the whole operation, counts nothing for it and records the refusal', async () => {
      const quotaA = await quotaContract(QUOTA_A, 3);
      const both = { a: residents[0].id, b: residents[1].id };

      expect((await read(NAMES, both, { 'x-purpose': QUOTA_A })).answer).toEqual({ status: 200, data: { first: { name: '张三' }, second: { name: '欧阳娜娜' } } });
      expect(await usedToday(quotaA)).toBe(2);
      expect((await read(NAME, { id: residents[0].id }, { 'x-purpose': QUOTA_A })).answer.data).toEqual({ resident: { name: '张三' } });
      expect(await usedToday(quotaA)).toBe(3);

      const { answer, correlationId } = await read(NAME, { id: residents[1].id }, { 'x-purpose': QUOTA_A });

      expect(answer.data ?? null).toBeNull();
      expect(answer.errors).toHaveLength(1);
      expect(answer.errors![0].extensions).toMatchObject({ code: 'QUOTA_EXCEEDED', contractIds: [quotaA] });
      expect(answer.errors![0].extensions.reason).toBe(
        `contract ${quotaA} allows 3 rows a day (China time); 3 already served today, and this operation would serve 1 more`,
      );
      expect(await usedToday(quotaA)).toBe(3);
      expect(await recordsOf(correlationId)).toEqual([
        {
          type: 'AccessRefused',
          data: expect.objectContaining({ code: 'QUOTA_EXCEEDED', deniedFields: ['Resident.name'], contracts: [{ id: quotaA, version: expect.any(Number) }] }),
        },
      ]);
      // A read that serves no row takes nothing from the quota and is still answered.
      expect((await read(NAME, { id: randomUUID() }, { 'x-purpose': QUOTA_A })).answer.errors).toBeUndefined();
    });

    it('across two replicas, concurrent requests whose rows together exceed the quota serve exactly what it allows; another contract is counted apart', async () => {
      const quotaB = await quotaContract(QUOTA_B, 3);
      const both = { a: residents[0].id, b: residents[1].id };
      const headers = { 'x-purpose': QUOTA_B };

      const answers = await Promise.all([
        harness.call(hr, NAMES, both, headers, harness.gatewayUrl),
        harness.call(hr, NAMES, both, headers, replica),
      ]);

      const served = answers.filter((a) => a.errors === undefined);
      const refused = answers.filter((a) => codeOf(a) === 'QUOTA_EXCEEDED');
      expect(served).toHaveLength(1);
      expect(served[0].data).toEqual({ first: { name: '张三' }, second: { name: '欧阳娜娜' } });
      expect(refused).toHaveLength(1);
      expect(refused[0].errors![0].extensions).toMatchObject({ contractIds: [quotaB] });
      expect(await usedToday(quotaB)).toBe(2);

      // The third row of B's quota is still there, whatever A has used (A is at its limit).
      expect((await harness.call(hr, NAME, { id: residents[0].id }, headers, replica)).data).toEqual({ resident: { name: '张三' } });
      expect(await usedToday(quotaB)).toBe(3);
      expect(codeOf(await harness.call(hr, NAME, { id: residents[0].id }, headers))).toBe('QUOTA_EXCEEDED');
    });
  });
});
