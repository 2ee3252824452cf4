import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { composeServices } from '@theguild/federation-composition';
import { parse } from 'graphql';
import { validateSchema } from '@shuzhi/schema-registry';
import { checkCharacter } from '../src/domain/id-number/id-number.js';
import { PopulationHarness, type Actor } from './population-harness.js';

const psSteward: Actor = { clientId: 'ps-steward', department: 'public-security', roles: ['STEWARD'] };
const psConsumer: Actor = { clientId: 'ps-police-app', department: 'public-security', roles: ['CONSUMER'] };
const civilSteward: Actor = { clientId: 'ca-steward', department: 'civil-affairs', roles: ['STEWARD'] };
const bureau: Actor = { clientId: 'bureau-admin', department: 'data-bureau', roles: ['PLATFORM'] };

const withCheck = (first17: string) => `${first17}${checkCharacter(first17)}`;
/** A new, valid ID number for each test: Xihu district, the given birth date, sequence n. */
let sequence = 100;
const idNumberFor = (birthDate: string, gender: 'MALE' | 'FEMALE') => {
  sequence += sequence % 2 === (gender === 'MALE' ? 1 : 0) ? 2 : 1;
  return withCheck(`330106${birthDate.replaceAll('-', '')}${String(sequence).padStart(3, '0')}`);
};

const RESIDENT_FIELDS = 'id streamId version idNumber name gender birthDate status dateOfDeath household { id address communityName }';
const REGISTER_RESIDENT = `mutation ($input: RegisterResidentInput!) { registerResident(input: $input) { ${RESIDENT_FIELDS} } }`;
const REGISTER_HOUSEHOLD = `mutation ($input: RegisterHouseholdInput!) { registerHousehold(input: $input) {
  id streamId version address districtCode districtName streetCode streetName communityCode communityName } }`;
const MOVE = `mutation ($input: MoveResidentInput!) { moveResident(input: $input) { id version status household { id } } }`;
const DEATH = `mutation ($input: RecordDeathInput!) { recordDeath(input: $input) { id version status dateOfDeath } }`;
const HOUSEHOLD = `query ($id: ID!) { household(id: $id) { id address members { id name birthDate } } }`;

const household = (overrides: Record<string, string> = {}) => ({
  input: {
    address: '杭州市西湖区文二西路128号3幢2单元501室',
    districtCode: '330106',
    districtName: '西湖区',
    streetCode: '330106007',
    streetName: '翠苑街道',
    communityCode: '330106007003',
    communityName: '文华社区',
    ...overrides,
  },
});

const codeOf = (answer: { errors?: Array<{ extensions: { code: string } }> }) => answer.errors?.[0]?.extensions.code;

describe('population subgraph (GraphQL over HTTP, real PostgreSQL)', () => {
  let pop: PopulationHarness;
  let homeId: string;

  const resident = (overrides: Record<string, unknown> = {}) => {
    const birthDate = (overrides.birthDate as string) ?? '1990-03-07';
    const gender = (overrides.gender as 'MALE' | 'FEMALE') ?? 'MALE';
    return { input: { idNumber: idNumberFor(birthDate, gender), name: '张伟', gender, birthDate, householdId: homeId, ...overrides } };
  };

  beforeAll(async () => {
    pop = await PopulationHarness.start('population_e2e');
    homeId = (await pop.ok(psSteward, REGISTER_HOUSEHOLD, household())).registerHousehold.id;
  });
  afterAll(() => pop?.stop());
  beforeEach(() => pop.clock.set('2026-11-27T02:00:00.000Z'));

  describe('the register', () => {
    it('registers a household and its residents, and reads them back by id, by ID number and as members', async () => {
      const { registerHousehold: home } = await pop.ok(psSteward, REGISTER_HOUSEHOLD, household({ address: ' 杭州市西湖区学院路77号1幢101室 ' }));
      expect(home).toMatchObject({
        address: '杭州市西湖区学院路77号1幢101室',
        districtCode: '330106',
        streetName: '翠苑街道',
        communityCode: '330106007003',
        streamId: `household-${home.id}`,
        version: 0,
      });

      const father = resident({ name: '王建国', birthDate: '1968-05-01', householdId: home.id });
      const daughter = resident({ name: '王诗涵', gender: 'FEMALE', birthDate: '1996-10-12', householdId: home.id });
      const { registerResident: registered } = await pop.ok(psSteward, REGISTER_RESIDENT, father);
      expect(registered).toEqual({
        id: expect.any(String),
        streamId: `resident-${registered.id}`,
        version: 0,
        idNumber: father.input.idNumber,
        name: '王建国',
        gender: 'MALE',
        birthDate: '1968-05-01',
        status: 'LIVING',
        dateOfDeath: null,
        household: { id: home.id, address: '杭州市西湖区学院路77号1幢101室', communityName: '文华社区' },
      });
      const { registerResident: second } = await pop.ok(psSteward, REGISTER_RESIDENT, daughter);

      const byId = await pop.ok(psConsumer, `query ($id: ID!) { resident(id: $id) { ${RESIDENT_FIELDS} } }`, { id: registered.id });
      expect(byId.resident).toEqual(registered);
      const byNumber = await pop.ok(psConsumer, `query ($n: String!) { residentByIdNumber(idNumber: $n) { id name } }`, {
        n: ` ${father.input.idNumber.toLowerCase()} `,
      });
      expect(byNumber.residentByIdNumber).toEqual({ id: registered.id, name: '王建国' });

      await pop.settled();
      const { household: listed } = await pop.ok(psConsumer, HOUSEHOLD, { id: home.id });
      expect(listed.members).toEqual([
        { id: registered.id, name: '王建国', birthDate: '1968-05-01' },
        { id: second.id, name: '王诗涵', birthDate: '1996-10-12' },
      ]);
    });

    it('answers null for a resident or household that does not exist, and refuses a malformed ID number lookup', async () => {
      expect((await pop.ok(psConsumer, `query { resident(id: "nobody") { id } }`)).resident).toBeNull();
      expect((await pop.ok(psConsumer, `query { household(id: "nowhere") { id } }`)).household).toBeNull();
      const unknown = withCheck('33010619800101555');
      expect((await pop.ok(psConsumer, `query ($n: String!) { residentByIdNumber(idNumber: $n) { id } }`, { n: unknown })).residentByIdNumber).toBeNull();
      const typo = await pop.call(psConsumer, `query { residentByIdNumber(idNumber: "110105194912310021") { id } }`);
      expect(typo.errors?.[0].extensions).toMatchObject({ code: 'VALIDATION_FAILED', reason: expect.stringContaining('check character') });
    });

    it('registers a resident without a household', async () => {
      const answer = await pop.ok(psSteward, REGISTER_RESIDENT, resident({ householdId: null }));
      expect(answer.registerResident.household).toBeNull();
    });
  });

  describe('refusals, each with its API.md code and a reason, and nothing written', () => {
    const refusedWith = async (actor: Actor, query: string, variables: object, code: string, reason?: RegExp) => {
      const before = await pop.count();
      const answer = await pop.call(actor, query, variables);
      expect(answer.status).toBe(200);
      expect(answer.data).toBeNull();
      expect(answer.errors?.[0].extensions.code).toBe(code);
      if (reason) expect(answer.errors?.[0].extensions.reason).toMatch(reason);
      expect(await pop.count()).toBe(before);
    };

    it.each([
      ['a wrong check digit', { idNumber: '330106199003071230' }, /check character is 0, but the first 17 digits give 6/],
      ['an impossible date (19990230)', { idNumber: withCheck('33010619990230123'), birthDate: '1999-02-30' }, /19990230 is not a calendar date/],
      ['a birth date in the future', { idNumber: withCheck('33010620300101123'), birthDate: '2030-01-01' }, /2030-01-01 is in the future/],
      ['a birth date contradicting the ID number', { idNumber: withCheck('33010619900307123'), birthDate: '1990-07-03' }, /contradicts the ID number, which carries 1990-03-07/],
      ['a gender contradicting the sequence parity', { idNumber: withCheck('33010619900307123'), birthDate: '1990-03-07', gender: 'FEMALE' }, /sequence number is odd \(male\)/],
      ['a name that is no name', { name: 'Robert\'); DROP TABLE' }, /Chinese characters/],
    ])('registerResident: %s → VALIDATION_FAILED', async (_, overrides, reason) => {
      await refusedWith(psSteward, REGISTER_RESIDENT, resident(overrides), 'VALIDATION_FAILED', reason);
    });

    it('registerResident: a date that is not YYYY-MM-DD → VALIDATION_FAILED', async () => {
      const input = { ...resident().input, idNumber: withCheck('33010619900307123'), birthDate: '07/03/1990' };
      await refusedWith(psSteward, REGISTER_RESIDENT, { input }, 'VALIDATION_FAILED', /YYYY-MM-DD/);
    });

    it('registerResident: an unknown household → NOT_FOUND', async () => {
      await refusedWith(psSteward, REGISTER_RESIDENT, resident({ householdId: randomUUID() }), 'NOT_FOUND', /no household/);
    });

    it('registerResident and registerHousehold: anyone but a public-security steward → FORBIDDEN', async () => {
      for (const actor of [psConsumer, civilSteward, bureau]) {
        await refusedWith(actor, REGISTER_RESIDENT, resident(), 'FORBIDDEN', /steward of public-security/);
        await refusedWith(actor, REGISTER_HOUSEHOLD, household(), 'FORBIDDEN');
      }
    });

    it('registerHousehold: a grid that does not nest → VALIDATION_FAILED', async () => {
      await refusedWith(psSteward, REGISTER_HOUSEHOLD, household({ streetCode: '330105007' }), 'VALIDATION_FAILED', /does not lie under 330106/);
      await refusedWith(psSteward, REGISTER_HOUSEHOLD, household({ address: '' }), 'VALIDATION_FAILED', /address/);
    });

    it('registerResident: a duplicate ID number → VALIDATION_FAILED, whatever else differs', async () => {
      const first = resident();
      const { registerResident: original } = await pop.ok(psSteward, REGISTER_RESIDENT, first);
      await refusedWith(
        psSteward,
        REGISTER_RESIDENT,
        { input: { ...first.input, name: '张薇', idNumber: first.input.idNumber.toLowerCase(), householdId: null } },
        'VALIDATION_FAILED',
        new RegExp(`already registered, to resident ${original.id}`),
      );
    });

    it('moveResident and recordDeath: unknown resident or household → NOT_FOUND; a dead resident → INVALID_TRANSITION', async () => {
      const { registerResident: r } = await pop.ok(psSteward, REGISTER_RESIDENT, resident({ birthDate: '1931-01-15' }));
      await refusedWith(psSteward, MOVE, { input: { residentId: randomUUID(), householdId: homeId } }, 'NOT_FOUND', /no resident/);
      await refusedWith(psSteward, MOVE, { input: { residentId: r.id, householdId: randomUUID() } }, 'NOT_FOUND', /no household/);
      await refusedWith(psSteward, MOVE, { input: { residentId: r.id, householdId: homeId } }, 'VALIDATION_FAILED', /already belongs/);
      await refusedWith(psSteward, DEATH, { input: { residentId: randomUUID(), dateOfDeath: '2026-11-01' } }, 'NOT_FOUND');
      await refusedWith(psSteward, DEATH, { input: { residentId: r.id, dateOfDeath: '2026-12-01' } }, 'VALIDATION_FAILED', /in the future/);
      await refusedWith(civilSteward, DEATH, { input: { residentId: r.id, dateOfDeath: '2026-11-01' } }, 'FORBIDDEN');

      const { recordDeath } = await pop.ok(psSteward, DEATH, { input: { residentId: r.id, dateOfDeath: '2026-11-01' } });
      expect(recordDeath).toEqual({ id: r.id, version: 1, status: 'DECEASED', dateOfDeath: '2026-11-01' });
      const elsewhere = (await pop.ok(psSteward, REGISTER_HOUSEHOLD, household())).registerHousehold.id;
      await refusedWith(psSteward, MOVE, { input: { residentId: r.id, householdId: elsewhere } }, 'INVALID_TRANSITION', /deceased resident does not move/);
      await refusedWith(psSteward, DEATH, { input: { residentId: r.id, dateOfDeath: '2026-11-02' } }, 'INVALID_TRANSITION', /recorded already/);
    });

    it('refuses a request without the gateway\'s signed context', async () => {
      const unsigned = await pop.call(null, `query { household(id: "x") { id } }`);
      expect(unsigned.status).toBe(401);
      expect(codeOf(unsigned)).toBe('UNAUTHENTICATED');
    });
  });

  describe('moves and deaths in the members list', () => {
    it('a move takes a resident from one household\'s members to the other\'s; a death takes them off', async () => {
      const from = (await pop.ok(psSteward, REGISTER_HOUSEHOLD, household())).registerHousehold.id;
      const to = (await pop.ok(psSteward, REGISTER_HOUSEHOLD, household({ communityCode: '330106007004', communityName: '嘉绿苑社区' }))).registerHousehold.id;
      const { registerResident: mover } = await pop.ok(psSteward, REGISTER_RESIDENT, resident({ name: '陈雨', gender: 'FEMALE', birthDate: '1988-08-08', householdId: from }));
      const { registerResident: stays } = await pop.ok(psSteward, REGISTER_RESIDENT, resident({ name: '陈立', birthDate: '1960-01-20', householdId: from }));

      const { moveResident } = await pop.ok(psSteward, MOVE, { input: { residentId: mover.id, householdId: to } });
      expect(moveResident).toEqual({ id: mover.id, version: 1, status: 'LIVING', household: { id: to } });
      await pop.settled();
      expect((await pop.ok(psConsumer, HOUSEHOLD, { id: from })).household.members).toEqual([{ id: stays.id, name: '陈立', birthDate: '1960-01-20' }]);
      expect((await pop.ok(psConsumer, HOUSEHOLD, { id: to })).household.members).toEqual([{ id: mover.id, name: '陈雨', birthDate: '1988-08-08' }]);

      await pop.ok(psSteward, DEATH, { input: { residentId: stays.id, dateOfDeath: '2026-11-26' } });
      await pop.settled();
      expect((await pop.ok(psConsumer, HOUSEHOLD, { id: from })).household.members).toEqual([]);
      const { resident: dead } = await pop.ok(psConsumer, `query ($id: ID!) { resident(id: $id) { status dateOfDeath household { id } } }`, { id: stays.id });
      expect(dead).toEqual({ status: 'DECEASED', dateOfDeath: '2026-11-26', household: { id: from } });
    });
  });

  describe('one ID number, one resident, across two streams', () => {
    it('of registrations of one number at the same time, exactly one lands', async () => {
      for (let round = 0; round < 5; round++) {
        const registration = resident();
        const answers = await Promise.all(
          ['李明', '李鸣', '黎明', '李铭'].map((name) => pop.call(psSteward, REGISTER_RESIDENT, { input: { ...registration.input, name } })),
        );
        const outcomes = answers.map((a) => codeOf(a) ?? 'OK');
        expect(outcomes.filter((o) => o === 'OK')).toHaveLength(1);
        expect(outcomes.filter((o) => o !== 'OK')).toEqual(['VALIDATION_FAILED', 'VALIDATION_FAILED', 'VALIDATION_FAILED']);
        const { rows } = await pop.store.pool.query(
          `select count(*)::int as n from event_store.events where type = 'ResidentRegistered' and data->>'idNumber' = $1`,
          [registration.input.idNumber],
        );
        expect(rows[0].n).toBe(1);
      }
    });

    it('a reservation whose registration never completed (a crash between the two appends) blocks no one', async () => {
      const registration = resident({ name: '周洁', gender: 'FEMALE', birthDate: '1979-04-30' });
      const orphan = randomUUID();
      await pop.store.appendToStream(
        `id-number-${registration.input.idNumber}`,
        [{ type: 'IdNumberReserved', data: { idNumber: registration.input.idNumber, residentId: orphan, at: '2026-11-27T01:00:00.000Z' } }],
        { expectedVersion: 'no-stream' },
      );
      const lookup = `query ($n: String!) { residentByIdNumber(idNumber: $n) { id } }`;
      expect((await pop.ok(psConsumer, lookup, { n: registration.input.idNumber })).residentByIdNumber).toBeNull();

      const { registerResident } = await pop.ok(psSteward, REGISTER_RESIDENT, registration);
      expect(registerResident).toMatchObject({ id: orphan, streamId: `resident-${orphan}`, name: '周洁' });
      expect((await pop.ok(psConsumer, lookup, { n: registration.input.idNumber })).residentByIdNumber).toEqual({ id: orphan });
      expect(codeOf(await pop.call(psSteward, REGISTER_RESIDENT, registration))).toBe('VALIDATION_FAILED');
    });
  });

  describe('the division a row lies in', () => {
    it('a household lies in its community, and so do its residents; a resident without a household lies in none', async () => {
      const { registerHousehold: home } = await pop.ok(psSteward, REGISTER_HOUSEHOLD, household({ streetCode: '330106101', communityCode: '330106101002' }));
      const { registerResident: member } = await pop.ok(psSteward, REGISTER_RESIDENT, resident({ householdId: home.id }));
      const { registerResident: alone } = await pop.ok(psSteward, REGISTER_RESIDENT, resident({ householdId: null }));
      const { _entities } = await pop.ok(
        bureau,
        `query ($representations: [_Any!]!) { _entities(representations: $representations) {
          ... on Resident { id divisionCode household { divisionCode } } ... on Household { id divisionCode communityCode } } }`,
        {
          representations: [
            { __typename: 'Resident', id: member.id },
            { __typename: 'Resident', id: alone.id },
            { __typename: 'Household', id: home.id },
          ],
        },
      );
      expect(_entities).toEqual([
        { id: member.id, divisionCode: '330106101002', household: { divisionCode: '330106101002' } },
        { id: alone.id, divisionCode: null, household: null },
        { id: home.id, divisionCode: '330106101002', communityCode: '330106101002' },
      ]);
      // A move takes the resident into the other household's community; the members list says so too.
      await pop.ok(psSteward, MOVE, { input: { residentId: alone.id, householdId: homeId } });
      const { resident: moved } = await pop.ok(psSteward, `query ($id: ID!) { resident(id: $id) { divisionCode } }`, { id: alone.id });
      expect(moved.divisionCode).toBe('330106007003');
      await pop.settled();
      const { household: listed } = await pop.ok(psSteward, `query ($id: ID!) { household(id: $id) { members { id divisionCode } } }`, { id: home.id });
      expect(listed.members).toEqual([{ id: member.id, divisionCode: '330106101002' }]);
    });
  });

  describe('federation', () => {
    it('declares Resident and Household as entities keyed by id, and resolves references to them', async () => {
      const { _service } = await pop.ok(bureau, `{ _service { sdl } }`);
      expect(_service.sdl).toMatch(/type Resident @key\(fields: "id"\)/);
      expect(_service.sdl).toMatch(/type Household @key\(fields: "id"\)/);

      const { registerResident: r } = await pop.ok(psSteward, REGISTER_RESIDENT, resident());
      const { _entities } = await pop.ok(
        bureau,
        `query ($representations: [_Any!]!) { _entities(representations: $representations) {
          ... on Resident { id name household { id } } ... on Household { id communityName } } }`,
        {
          representations: [
            { __typename: 'Resident', id: r.id },
            { __typename: 'Household', id: homeId },
            { __typename: 'Resident', id: randomUUID() },
          ],
        },
      );
      expect(_entities).toEqual([{ id: r.id, name: '张伟', household: { id: homeId } }, { id: homeId, communityName: '文华社区' }, null]);
    });

    it('composes into a supergraph with a subgraph that extends Resident, as the enterprise register does', async () => {
      const { _service } = await pop.ok(bureau, `{ _service { sdl } }`);
      const enterprise = parse(`
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
        type Resident @key(fields: "id") { id: ID! enterprises: [Enterprise!]! }
        type Enterprise { creditCode: String! legalRepresentative: Resident }
        type Query { enterprise(creditCode: String!): Enterprise }`);
      const composed = composeServices([
        { name: 'population', typeDefs: parse(_service.sdl), url: pop.url },
        { name: 'enterprise', typeDefs: enterprise, url: 'http://127.0.0.1:1/graphql' },
      ]);
      expect(composed.errors ?? []).toEqual([]);
      expect(composed.publicSdl).toMatch(/type Resident \{[^}]*enterprises: \[Enterprise!\]![^}]*household: Household[^}]*\}/s);
    });
  });

  describe('the catalog entries in schemas/population', () => {
    const read = (file: string) => JSON.parse(readFileSync(new URL(`../../../schemas/population/${file}`, import.meta.url), 'utf8'));

    it.each([
      ['resident', 'Resident', 'population.resident'],
      ['household', 'Household', 'population.household'],
    ])('%s: a valid closed 2020-12 schema, every field classified, and every GraphQL field bound', async (file, type, code) => {
      const schema = read(`${file}.schema.json`);
      const dataset = read(`${file}.dataset.json`);
      expect(validateSchema(schema)).toEqual({ valid: true });
      expect(schema.additionalProperties).toBe(false);
      expect(dataset).toMatchObject({ code, graphqlType: type, sharingType: 'CONDITIONAL', providerDepartment: { code: 'public-security' }, schema: `${file}.schema.json` });
      const classified = dataset.fields.map((f: { name: string }) => f.name);
      expect(classified).toEqual(Object.keys(schema.properties));

      // The gateway denies a field no dataset binds: the served type must not have any.
      const { _service } = await pop.ok(bureau, `{ _service { sdl } }`);
      const body = new RegExp(`type ${type} @key\\(fields: "id"\\) \\{([^}]*)\\}`).exec(_service.sdl)![1];
      const served = [...body.matchAll(/^\s*(\w+)(?:\(.*\))?:/gm)].map((m) => m[1]);
      expect(served.length).toBeGreaterThan(5);
      expect(served.filter((field) => !classified.includes(field))).toEqual([]);
    });

    it('classifies the ID number SENSITIVE_PERSONAL and the name, gender and birth date PERSONAL', () => {
      const fields = Object.fromEntries(read('resident.dataset.json').fields.map((f: { name: string; classification: string }) => [f.name, f.classification]));
      expect(fields).toMatchObject({ idNumber: 'SENSITIVE_PERSONAL', name: 'PERSONAL', gender: 'PERSONAL', birthDate: 'PERSONAL', household: 'INTERNAL' });
    });
  });

  it('answers GET /health with 200 once its read models are there', async () => {
    const response = await fetch(pop.url.replace('/graphql', '/health'));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });
});
