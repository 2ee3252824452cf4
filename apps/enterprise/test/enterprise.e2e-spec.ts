import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { Kind, parse, print, type ObjectTypeDefinitionNode } from 'graphql';
import { validateSchema } from '@shuzhi/schema-registry';
import { EventStream } from '@shuzhi/testing';
import { creditCodeCheck, issueCreditCode } from '../src/domain/credit-code.js';
import { EnterpriseProjections } from '../src/projections/enterprise-projections.js';
import { EnterpriseHarness, type Actor } from './enterprise-harness.js';

const mrSteward: Actor = { clientId: 'mr-steward', department: 'market-regulation', roles: ['STEWARD'] };
const psSteward: Actor = { clientId: 'ps-steward', department: 'public-security', roles: ['STEWARD'] };
const hrSystem: Actor = { clientId: 'hr-subsidy', department: 'human-resources', roles: ['CONSUMER'] };

const FIELDS = `creditCode name industryCode registeredCapital employees status registeredAt streamId version legalRepresentative { __typename id }`;
const HISTORY = `history { version type status at reason by { clientId department role } }`;
const REGISTER = `mutation ($input: RegisterEnterpriseInput!) { registerEnterprise(input: $input) { ${FIELDS} } }`;
const ENTERPRISE = `query ($creditCode: String!) { enterprise(creditCode: $creditCode) { ${FIELDS} ${HISTORY} } }`;
const LIST = `query ($filter: EnterpriseFilter, $first: Int, $after: String) { enterprises(filter: $filter, first: $first, after: $after) { creditCode status industryCode } }`;

/** A fresh valid code for each call: tests share one database and must not collide. */
let issued = 0;
const nextCode = (division = '330106') =>
  issueCreditCode({ entityType: '1', division, organisationBody: `MA${String(++issued).padStart(6, '0')}` });

const input = (overrides: Record<string, unknown> = {}) => ({
  input: {
    creditCode: nextCode(),
    name: '杭州恒达科技有限公司',
    legalRepresentativeId: 'r-zhang',
    industryCode: 'I6513',
    registeredCapital: 500,
    employees: 36,
    ...overrides,
  },
});

const codeOf = (answer: { errors?: Array<{ extensions: { code: string } }> }) => answer.errors?.[0]?.extensions.code;

describe('enterprise subgraph (GraphQL over HTTP, real PostgreSQL)', () => {
  let ent: EnterpriseHarness;

  beforeAll(async () => {
    ent = await EnterpriseHarness.start('enterprise_e2e');
    await ent.residentRegistered('r-zhang', '张伟');
    await ent.residentRegistered('r-li', '李娜');
    await ent.settled();
  });
  afterAll(() => ent?.stop());
  beforeEach(() => ent.clock.set('2026-11-27T02:00:00.000Z'));

  describe('registration', () => {
    it('registers an enterprise whose legal representative the population register published', async () => {
      const request = input({ creditCode: '91350100M000100Y43' });
      const { registerEnterprise } = await ent.ok(mrSteward, REGISTER, request);
      expect(registerEnterprise).toEqual({
        creditCode: '91350100M000100Y43',
        name: '杭州恒达科技有限公司',
        industryCode: 'I6513',
        registeredCapital: 500,
        employees: 36,
        status: 'ACTIVE',
        registeredAt: '2026-11-27T02:00:00.000Z',
        streamId: 'enterprise-91350100M000100Y43',
        version: 0,
        legalRepresentative: { __typename: 'Resident', id: 'r-zhang' },
      });
      const { enterprise } = await ent.ok(hrSystem, ENTERPRISE, { creditCode: '91350100M000100Y43' });
      expect(enterprise.history).toEqual([
        {
          version: 0,
          type: 'EnterpriseRegistered',
          status: 'ACTIVE',
          at: '2026-11-27T02:00:00.000Z',
          reason: null,
          by: { clientId: 'mr-steward', department: 'market-regulation', role: 'STEWARD' },
        },
      ]);
      const [event] = await ent.store.readStream('enterprise-91350100M000100Y43');
      expect(event.metadata.actor).toEqual({ department: 'market-regulation', client: 'mr-steward', role: 'STEWARD' });
    });

    it('places an enterprise at its registered address\'s street or community, else where its credit code was issued', async () => {
      const PLACED = `mutation ($input: RegisterEnterpriseInput!) { registerEnterprise(input: $input) { creditCode divisionCode } }`;
      const atAddress = input({ divisionCode: '330106001002' });
      expect((await ent.ok(mrSteward, PLACED, atAddress)).registerEnterprise.divisionCode).toBe('330106001002');
      const byCode = input({ creditCode: nextCode('330108') });
      expect((await ent.ok(mrSteward, PLACED, byCode)).registerEnterprise.divisionCode).toBe('330108');
      const { _entities } = await ent.ok(
        hrSystem,
        `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Enterprise { creditCode divisionCode } } }`,
        { representations: [atAddress, byCode].map(({ input: { creditCode } }) => ({ __typename: 'Enterprise', creditCode })) },
      );
      expect(_entities).toEqual([
        { creditCode: atAddress.input.creditCode, divisionCode: '330106001002' },
        { creditCode: byCode.input.creditCode, divisionCode: '330108' },
      ]);
      // The list reads the register's read model: it places them alike.
      await ent.settled();
      const { enterprises } = await ent.ok(hrSystem, `query { enterprises(first: 1000) { creditCode divisionCode } }`);
      expect(enterprises).toEqual(
        expect.arrayContaining([
          { creditCode: atAddress.input.creditCode, divisionCode: '330106001002' },
          { creditCode: byCode.input.creditCode, divisionCode: '330108' },
        ]),
      );

      for (const divisionCode of ['330106', '330106000', '3301060011']) {
        const refused = input({ divisionCode });
        const answer = await ent.call(mrSteward, PLACED, refused);
        expect(answer.errors?.[0].extensions).toMatchObject({ code: 'VALIDATION_FAILED', violations: [{ field: 'divisionCode', reason: expect.any(String) }] });
        expect(await ent.store.readStream(`enterprise-${refused.input.creditCode}`)).toEqual([]);
      }
    });

    it('answers null for a credit code nobody registered', async () => {
      expect((await ent.ok(hrSystem, ENTERPRISE, { creditCode: nextCode() })).enterprise).toBeNull();
    });

    it('refuses each bad registration with the API.md code and a reason, writing nothing', async () => {
      const first17 = '91330106MA9999995';
      const refusals: Array<[string, Record<string, unknown>, string, RegExp]> = [
        ['a wrong check character', { creditCode: '91350100M000100Y44' }, 'VALIDATION_FAILED', /GB 32100 gives '3'/],
        ['a wrong organisation code check digit', { creditCode: first17 + creditCodeCheck(first17) }, 'VALIDATION_FAILED', /organisation code MA999999-5 has a wrong check digit/],
        ['a forbidden letter', { creditCode: '91350100M000100O43' }, 'VALIDATION_FAILED', /I, O, Z, S and V are not used/],
        ['negative registered capital', { registeredCapital: -10 }, 'VALIDATION_FAILED', /registered capital must be an amount of at least 0/],
        ['negative employees', { employees: -1 }, 'VALIDATION_FAILED', /employees must be a whole number/],
        ['a malformed industry code', { industryCode: 'I6' }, 'VALIDATION_FAILED', /section letter A-T/],
        ['an unknown legal representative', { legalRepresentativeId: 'r-nobody' }, 'NOT_FOUND', /no resident r-nobody/],
      ];
      for (const [what, overrides, code, reason] of refusals) {
        const request = input(overrides);
        const answer = await ent.call(mrSteward, REGISTER, request);
        expect({ what, code: codeOf(answer) }).toEqual({ what, code });
        expect(answer.errors?.[0].extensions.reason).toMatch(reason);
        expect(await ent.store.readStream(`enterprise-${request.input.creditCode}`)).toEqual([]);
      }
    });

    it('refuses a duplicate credit code with VALIDATION_FAILED and keeps the first registration', async () => {
      const request = input();
      await ent.ok(mrSteward, REGISTER, request);
      const again = await ent.call(mrSteward, REGISTER, { input: { ...request.input, name: '另一家公司' } });
      expect(again.errors?.[0].extensions).toMatchObject({
        code: 'VALIDATION_FAILED',
        reason: expect.stringContaining('is registered already'),
        violations: [{ field: 'creditCode', reason: 'duplicate' }],
      });
      const stream = await ent.store.readStream(`enterprise-${request.input.creditCode}`);
      expect(stream.map((e) => e.type)).toEqual(['EnterpriseRegistered']);
    });

    it('two registrations of one code at once: one lands, the other is refused as a duplicate', async () => {
      for (let round = 0; round < 3; round++) {
        const request = input();
        const answers = await Promise.all([ent.call(mrSteward, REGISTER, request), ent.call(mrSteward, REGISTER, request)]);
        expect(answers.map((a) => codeOf(a) ?? 'OK').sort()).toEqual(['OK', 'VALIDATION_FAILED']);
        expect(await ent.store.readStream(`enterprise-${request.input.creditCode}`)).toHaveLength(1);
      }
    });

    it('is for market regulation stewards only, and only through the gateway', async () => {
      expect(codeOf(await ent.call(psSteward, REGISTER, input()))).toBe('FORBIDDEN');
      expect(codeOf(await ent.call(hrSystem, REGISTER, input()))).toBe('FORBIDDEN');
      const unsigned = await ent.call(null, ENTERPRISE, { creditCode: '91350100M000100Y43' });
      expect(unsigned.status).toBe(401);
      expect(codeOf(unsigned)).toBe('UNAUTHENTICATED');
    });

    it('knows a resident the moment population publishes them, even before its projection applies the event', async () => {
      const residents = ent.app.get(EnterpriseProjections).runners.find((r) => r.projection.name === 'enterprise.known-residents')!;
      await residents.stop();
      try {
        await ent.residentRegistered('r-wang', '王芳');
        const request = input({ legalRepresentativeId: 'r-wang' });
        const { registerEnterprise } = await ent.ok(mrSteward, REGISTER, request);
        expect(registerEnterprise.legalRepresentative).toEqual({ __typename: 'Resident', id: 'r-wang' });

        await ent.residentDied('r-wang');
        const afterDeath = await ent.call(mrSteward, REGISTER, input({ legalRepresentativeId: 'r-wang' }));
        expect(afterDeath.errors?.[0].extensions).toMatchObject({ code: 'VALIDATION_FAILED', reason: expect.stringContaining('deceased') });
      } finally {
        residents.start();
      }
      await ent.settled();
      const [row] = await ent.dataSource.query(`select "residentId", deceased from enterprise.known_residents where "residentId" = 'r-wang'`);
      expect(row).toEqual({ residentId: 'r-wang', deceased: true });
    });
  });

  describe('status and changes', () => {
    const transition = (name: string, creditCode: string, args: string, variables: object = {}) =>
      ent.call(mrSteward, `mutation ($creditCode: String!) { ${name}(creditCode: $creditCode${args}) { status employees version legalRepresentative { id } } }`, {
        creditCode,
        ...variables,
      });

    it('suspend → reactivate → employees → representative → deregister, each in the history with actor, reason and time', async () => {
      const { input: registered } = input();
      await ent.ok(mrSteward, REGISTER, { input: registered });
      const code = registered.creditCode;

      ent.clock.set('2027-03-01T01:00:00.000Z');
      expect((await transition('suspendEnterprise', code, ', reason: "通过登记的住所无法联系"')).data).toMatchObject({ suspendEnterprise: { status: 'SUSPENDED', version: 1 } });
      ent.clock.set('2027-04-01T01:00:00.000Z');
      expect((await transition('reactivateEnterprise', code, ', reason: "已补报年度报告"')).data).toMatchObject({ reactivateEnterprise: { status: 'ACTIVE' } });
      expect((await transition('updateEnterpriseEmployees', code, ', employees: 52, reason: "2026 年度报告"')).data).toMatchObject({
        updateEnterpriseEmployees: { employees: 52, version: 3 },
      });
      // The same number again writes nothing.
      expect((await transition('updateEnterpriseEmployees', code, ', employees: 52')).data).toMatchObject({ updateEnterpriseEmployees: { version: 3 } });
      expect((await transition('changeLegalRepresentative', code, ', legalRepresentativeId: "r-li", reason: "股东会选举"')).data).toMatchObject({
        changeLegalRepresentative: { legalRepresentative: { id: 'r-li' }, version: 4 },
      });
      ent.clock.set('2027-06-30T01:00:00.000Z');
      expect((await transition('deregisterEnterprise', code, ', reason: "股东会决议解散"')).data).toMatchObject({ deregisterEnterprise: { status: 'DEREGISTERED' } });

      const { enterprise } = await ent.ok(hrSystem, ENTERPRISE, { creditCode: code });
      expect(enterprise.history.map((h: any) => [h.type, h.status, h.reason, h.at])).toEqual([
        ['EnterpriseRegistered', 'ACTIVE', null, '2026-11-27T02:00:00.000Z'],
        ['EnterpriseSuspended', 'SUSPENDED', '通过登记的住所无法联系', '2027-03-01T01:00:00.000Z'],
        ['EnterpriseReactivated', 'ACTIVE', '已补报年度报告', '2027-04-01T01:00:00.000Z'],
        ['EnterpriseEmployeesUpdated', 'ACTIVE', '2026 年度报告', '2027-04-01T01:00:00.000Z'],
        ['LegalRepresentativeChanged', 'ACTIVE', '股东会选举', '2027-04-01T01:00:00.000Z'],
        ['EnterpriseDeregistered', 'DEREGISTERED', '股东会决议解散', '2027-06-30T01:00:00.000Z'],
      ]);
      expect(enterprise.history.every((h: any) => h.by.clientId === 'mr-steward' && h.by.role === 'STEWARD')).toBe(true);

      // Deregistration is final.
      for (const [name, args] of [
        ['reactivateEnterprise', ''],
        ['suspendEnterprise', ', reason: "x"'],
        ['deregisterEnterprise', ', reason: "x"'],
        ['updateEnterpriseEmployees', ', employees: 1'],
        ['changeLegalRepresentative', ', legalRepresentativeId: "r-zhang"'],
      ]) {
        const answer = await transition(name, code, args);
        expect({ name, code: codeOf(answer) }).toEqual({ name, code: 'INVALID_TRANSITION' });
      }
      expect(await ent.store.readStream(`enterprise-${code}`)).toHaveLength(6);
    });

    it('refuses transitions that do not fit the status, unknown enterprises and a missing reason', async () => {
      const { input: registered } = input();
      await ent.ok(mrSteward, REGISTER, { input: registered });
      expect(codeOf(await transition('reactivateEnterprise', registered.creditCode, ''))).toBe('INVALID_TRANSITION');
      expect(codeOf(await transition('suspendEnterprise', registered.creditCode, ', reason: " "'))).toBe('VALIDATION_FAILED');
      expect(codeOf(await transition('updateEnterpriseEmployees', registered.creditCode, ', employees: -2'))).toBe('VALIDATION_FAILED');
      expect(codeOf(await transition('changeLegalRepresentative', registered.creditCode, ', legalRepresentativeId: "r-ghost"'))).toBe('NOT_FOUND');
      expect(codeOf(await transition('suspendEnterprise', nextCode(), ', reason: "x"'))).toBe('NOT_FOUND');
      expect(codeOf(await ent.call(hrSystem, `mutation { suspendEnterprise(creditCode: "${registered.creditCode}", reason: "x") { status } }`))).toBe('FORBIDDEN');
      expect(await ent.store.readStream(`enterprise-${registered.creditCode}`)).toHaveLength(1);
    });
  });

  describe('lists', () => {
    it('filters by industry (at any level of the classification), status and legal representative, a page at a time', async () => {
      const software = input({ creditCode: nextCode('330771'), industryCode: 'I6513', legalRepresentativeId: 'r-li' });
      const chips = input({ creditCode: nextCode('330771'), industryCode: 'I6520', legalRepresentativeId: null });
      const restaurant = input({ creditCode: nextCode('330771'), industryCode: 'H6210', legalRepresentativeId: 'r-li' });
      for (const request of [software, chips, restaurant]) await ent.ok(mrSteward, REGISTER, request);
      await ent.ok(mrSteward, `mutation { suspendEnterprise(creditCode: "${chips.input.creditCode}", reason: "停业整顿") { status } }`);
      await ent.settled();

      const ours = [software, chips, restaurant].map((r) => r.input.creditCode);
      const listed = async (filter: object) =>
        ((await ent.ok(hrSystem, LIST, { filter, first: 1000 })).enterprises as Array<{ creditCode: string }>)
          .map((e) => e.creditCode)
          .filter((c) => ours.includes(c));

      expect(await listed({ industryCode: 'I65' })).toEqual([software.input.creditCode, chips.input.creditCode].sort());
      expect(await listed({ industryCode: 'I' })).toEqual([software.input.creditCode, chips.input.creditCode].sort());
      expect(await listed({ industryCode: 'H6210' })).toEqual([restaurant.input.creditCode]);
      expect(await listed({ industryCode: 'I65', status: 'ACTIVE' })).toEqual([software.input.creditCode]);
      expect(await listed({ legalRepresentativeId: 'r-li' })).toEqual([software.input.creditCode, restaurant.input.creditCode].sort());

      const all = (await ent.ok(hrSystem, LIST, { first: 1000 })).enterprises.map((e: { creditCode: string }) => e.creditCode);
      expect(all).toEqual([...all].sort());
      const pageOne = (await ent.ok(hrSystem, LIST, { first: 2 })).enterprises;
      const pageTwo = (await ent.ok(hrSystem, LIST, { first: 2, after: pageOne[1].creditCode })).enterprises;
      expect([...pageOne, ...pageTwo].map((e: { creditCode: string }) => e.creditCode)).toEqual(all.slice(0, 4));

      expect(codeOf(await ent.call(hrSystem, LIST, { filter: { industryCode: 'I%' } }))).toBe('VALIDATION_FAILED');
      expect(codeOf(await ent.call(hrSystem, LIST, { first: 5000 }))).toBe('VALIDATION_FAILED');
    });
  });

  describe('the change feed', () => {
    it('delivers each change of the register from now on: created, updated, removed, each with the enterprise right after it', async () => {
      const stream = await ent.subscribe(hrSystem, 'subscription { enterpriseChanges { cursor kind enterprise { creditCode status version } } }');
      if (!(stream instanceof EventStream)) throw new Error(`no stream: ${JSON.stringify(stream)}`);
      try {
        const { input: registered } = input();
        await ent.ok(mrSteward, REGISTER, { input: registered });
        const code = registered.creditCode;
        await ent.ok(mrSteward, `mutation { suspendEnterprise(creditCode: "${code}", reason: "无法联系") { status } }`);
        await ent.ok(mrSteward, `mutation { deregisterEnterprise(creditCode: "${code}", reason: "决议解散") { status } }`);
        const changes = [];
        for (let i = 0; i < 3; i++) changes.push(((await stream.next())!.data as any).data.enterpriseChanges);
        expect(changes.map((c) => [c.kind, c.enterprise])).toEqual([
          ['CREATED', { creditCode: code, status: 'ACTIVE', version: 0 }],
          ['UPDATED', { creditCode: code, status: 'SUSPENDED', version: 1 }],
          ['REMOVED', { creditCode: code, status: 'DEREGISTERED', version: 2 }],
        ]);
        expect(changes.map((c) => c.cursor)).toEqual((await ent.store.readStream(`enterprise-${code}`)).map((e) => e.checkpoint));
      } finally {
        stream.close();
      }
    });
  });

  describe('federation', () => {
    it('declares Enterprise by credit code and contributes enterprises to population\'s Resident', async () => {
      const { _service } = await ent.ok(hrSystem, `query { _service { sdl } }`);
      const definitions = parse(_service.sdl).definitions.filter((d): d is ObjectTypeDefinitionNode => d.kind === Kind.OBJECT_TYPE_DEFINITION);
      const shape = (name: string) => {
        const type = definitions.find((d) => d.name.value === name)!;
        return {
          keys: (type.directives ?? []).filter((d) => d.name.value === 'key').map((d) => print(d.arguments![0].value)),
          fields: (type.fields ?? []).map((f) => `${f.name.value}: ${print(f.type)}`).sort(),
        };
      };
      expect(shape('Resident')).toEqual({ keys: ['"id"'], fields: ['enterprises: [Enterprise!]!', 'id: ID!'] });
      expect(shape('Enterprise').keys).toEqual(['"creditCode"']);
      expect(shape('Enterprise').fields).toContain('legalRepresentative: Resident');
    });

    it('resolves Resident and Enterprise references the way the gateway asks for them', async () => {
      const mine = input({ legalRepresentativeId: 'r-zhang', creditCode: nextCode('330212') });
      await ent.ok(mrSteward, REGISTER, mine);
      await ent.settled();
      const { _entities } = await ent.ok(
        hrSystem,
        `query ($representations: [_Any!]!) { _entities(representations: $representations) {
           ... on Resident { id enterprises { creditCode name legalRepresentative { __typename id } } }
           ... on Enterprise { creditCode status legalRepresentative { id } }
         } }`,
        {
          representations: [
            { __typename: 'Resident', id: 'r-zhang' },
            { __typename: 'Enterprise', creditCode: mine.input.creditCode },
            { __typename: 'Enterprise', creditCode: nextCode() },
          ],
        },
      );
      const [resident, enterprise, unknown] = _entities;
      expect(resident.id).toBe('r-zhang');
      expect(resident.enterprises).toContainEqual({
        creditCode: mine.input.creditCode,
        name: '杭州恒达科技有限公司',
        legalRepresentative: { __typename: 'Resident', id: 'r-zhang' },
      });
      expect(resident.enterprises.every((e: any) => e.legalRepresentative.id === 'r-zhang')).toBe(true);
      expect(enterprise).toEqual({ creditCode: mine.input.creditCode, status: 'ACTIVE', legalRepresentative: { id: 'r-zhang' } });
      expect(unknown).toBeNull();
    });
  });

  describe('the catalog in schemas/enterprise', () => {
    const dir = join(import.meta.dirname, '../../../schemas/enterprise');
    const read = async (file: string) => JSON.parse(await readFile(join(dir, file), 'utf8'));
    const DATASETS = ['enterprise.dataset.json', 'operation.dataset.json', 'legal-representation.dataset.json'];

    it('binds every field this subgraph serves to exactly one dataset, with a valid closed schema of exactly those fields', async () => {
      const { __schema } = await ent.ok(hrSystem, `query { __schema { types { name fields { name } } } }`);
      const fieldsOf = (type: string) => __schema.types.find((t: { name: string }) => t.name === type).fields.map((f: { name: string }) => f.name);
      const served = [...fieldsOf('Enterprise').map((f: string) => `Enterprise.${f}`), 'Resident.enterprises'];
      const bound: string[] = [];
      for (const file of DATASETS) {
        const dataset = await read(file);
        const schema = await read(dataset.schema);
        expect({ file, validation: validateSchema(schema) }).toEqual({ file, validation: { valid: true } });
        expect(schema.additionalProperties).toBe(false);
        expect(Object.keys(schema.properties).sort()).toEqual(dataset.fields.map((f: { name: string }) => f.name).sort());
        expect(dataset.providerDepartment.code).toBe('market-regulation');
        bound.push(...dataset.fields.map((f: { name: string }) => `${dataset.graphqlType}.${f.name}`));
      }
      expect(bound.sort()).toEqual(served.sort());
    });

    it('shares only public fields unconditionally', async () => {
      for (const file of DATASETS) {
        const dataset = await read(file);
        if (dataset.sharingType !== 'UNCONDITIONAL') continue;
        expect({ file, classifications: [...new Set(dataset.fields.map((f: { classification: string }) => f.classification))] }).toEqual({
          file,
          classifications: ['PUBLIC'],
        });
      }
    });

    it('describes what the subgraph answers: its answers validate against the schemas', async () => {
      const request = input({ creditCode: nextCode('330109') });
      await ent.ok(mrSteward, REGISTER, request);
      await ent.ok(mrSteward, `mutation { suspendEnterprise(creditCode: "${request.input.creditCode}", reason: "停业") { status } }`);
      const { enterprise } = await ent.ok(hrSystem, ENTERPRISE.replace('streamId', 'streamId divisionCode'), { creditCode: request.input.creditCode });
      const { legalRepresentative, employees, history, ...registration } = enterprise;
      expect(registration.divisionCode).toBe('330109');
      const valid = async (file: string, value: unknown) => {
        const validate = new Ajv2020({ validateFormats: false }).compile(await read(file));
        return validate(value) ? [] : validate.errors;
      };
      expect(await valid('enterprise.schema.json', registration)).toEqual([]);
      expect(await valid('operation.schema.json', { legalRepresentative: { id: legalRepresentative.id }, employees, history })).toEqual([]);
      expect(await valid('legal-representation.schema.json', { enterprises: [{ creditCode: request.input.creditCode }] })).toEqual([]);
      expect(await valid('enterprise.schema.json', { ...registration, creditCode: '91350100M000100O43' })).not.toEqual([]);
      expect(await valid('enterprise.schema.json', { ...registration, divisionCode: '330106001002' })).toEqual([]);
      expect(await valid('enterprise.schema.json', { ...registration, divisionCode: '3301060' })).not.toEqual([]);
    });
  });

  it('answers /health with 200 while the database answers', async () => {
    const response = await fetch(ent.url.replace('/graphql', '/health'));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });
});
