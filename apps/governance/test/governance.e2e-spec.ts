import { createPublicKey, verify } from 'node:crypto';
import { GovernanceHarness, type Actor } from './governance-harness.js';
import { registerEnterprise, registerHousehold, registerResident } from './register-subjects.js';

const bureau: Actor = { clientId: 'bureau-admin', department: 'data-bureau', roles: ['PLATFORM'] };
const psSteward: Actor = { clientId: 'ps-steward', department: 'public-security', roles: ['STEWARD'] };
const mrSteward: Actor = { clientId: 'mr-steward', department: 'market-regulation', roles: ['STEWARD'] };
const hrSystem: Actor = { clientId: 'hr-subsidy', department: 'human-resources', roles: ['CONSUMER'] };
const citizenApp: Actor = { clientId: 'zlb-app', department: 'citizen-app', roles: ['CITIZEN_CHANNEL'] };
const auditor: Actor = { clientId: 'auditor', department: 'audit-office', roles: ['AUDITOR'] };

const residentSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: {
    idNumber: { type: 'string', pattern: '^[0-9]{17}[0-9X]$' },
    name: { type: 'string', maxLength: 50 },
    gender: { type: 'string', enum: ['MALE', 'FEMALE'] },
    birthDate: { type: 'string', format: 'date' },
  },
  required: ['idNumber', 'name'],
  // A closed record: a new optional field is then a backward-compatible change.
  additionalProperties: false,
};
const residentFields = [
  { name: 'idNumber', classification: 'SENSITIVE_PERSONAL' },
  { name: 'name', classification: 'PERSONAL' },
  { name: 'gender', classification: 'PERSONAL' },
  { name: 'birthDate', classification: 'PERSONAL' },
];

/** The departments' subgraphs, as the data bureau registers them: who owns which fields. */
const SUBGRAPHS = [
  {
    name: 'population',
    departmentCode: 'public-security',
    sdl: `type Query { resident(id: ID!): Resident, criminalRecord(id: ID!): CriminalRecord, household(id: ID!): Household, gridCell(code: ID!): GridCell }
          type Resident @key(fields: "id") { id: ID! idNumber: String! name: String! gender: String birthDate: String nationality: String religion: String income: Float divisionCode: String }
          type CriminalRecord { summary: String }
          type Household @key(fields: "id") { id: ID! address: String }
          type GridCell @key(fields: "code") { code: ID! name: String }`,
  },
  {
    name: 'enterprise',
    departmentCode: 'market-regulation',
    sdl: 'type Query { enterprise(creditCode: String!): Enterprise } type Enterprise @key(fields: "creditCode") { creditCode: String! name: String! }',
  },
];

const CONTRACT_FIELDS = `id status version streamId datasetCode fields purpose legalBasis validFrom validTo dailyQuota consentRequired
  reviewStage reviewDeadline reviewOverdue consumer { code name } provider { code name } masking { field rule }`;
const SUBMIT = `mutation ($input: SubmitSharingContractInput!) { submitSharingContract(input: $input) { ${CONTRACT_FIELDS} } }`;
const REVIEW = `mutation ($id: ID!, $approved: Boolean!, $reason: String) { completeComplianceReview(id: $id, approved: $approved, reason: $reason) { id status reviewStage reviewDeadline } }`;
const APPROVE = `mutation ($id: ID!, $reason: String) { approveSharingContract(id: $id, reason: $reason) { id status version } }`;
const REJECT = `mutation ($id: ID!, $reason: String!) { rejectSharingContract(id: $id, reason: $reason) { id status } }`;
const CONTRACT = `query ($id: ID!) { sharingContract(id: $id) { ${CONTRACT_FIELDS} history { version type status at reason stage deadline by { clientId department role } } } }`;

const request = (overrides: Record<string, unknown> = {}) => ({
  input: {
    datasetCode: 'population.resident',
    fields: ['name', 'birthDate'],
    purpose: 'SUBSIDY_ELIGIBILITY',
    legalBasis: '《就业促进法》第十八条',
    scenario: '创业补贴资格核验',
    validFrom: '2026-12-01T00:00:00+08:00',
    validTo: '2027-12-01T00:00:00+08:00',
    dailyQuota: 500,
    masking: [{ field: 'name', rule: 'MASK' }],
    ...overrides,
  },
});

describe('governance subgraph (GraphQL over HTTP, real PostgreSQL)', () => {
  let gov: GovernanceHarness;

  beforeAll(async () => {
    gov = await GovernanceHarness.start('governance_e2e');
    for (const [code, name] of [
      ['public-security', '公安局'],
      ['human-resources', '人力资源和社会保障局'],
      ['market-regulation', '市场监督管理局'],
      ['citizen-app', '浙里办'],
    ]) {
      await gov.ok(bureau, `mutation ($input: RegisterDepartmentInput!) { registerDepartment(input: $input) { code } }`, { input: { code, name } });
    }
    await gov.ok(bureau, `mutation { registerPurpose(input: { code: "SUBSIDY_ELIGIBILITY", name: "补贴资格核验" }) { code } }`);
    await gov.ok(bureau, `mutation { registerPurpose(input: { code: "ENTERPRISE_SUPERVISION", name: "企业监管" }) { code } }`);
    for (const input of SUBGRAPHS) {
      await gov.ok(bureau, 'mutation ($input: RegisterSubgraphInput!) { registerSubgraph(input: $input) { name } }', { input });
    }
    await gov.ok(
      psSteward,
      `mutation ($input: PublishDatasetInput!) { publishDataset(input: $input) { code version } }`,
      {
        input: {
          code: 'population.resident',
          name: '人口基础信息',
          sharingType: 'CONDITIONAL',
          updateCycle: 'DAILY',
          graphqlType: 'Resident',
          fields: residentFields,
          schema: residentSchema,
        },
      },
    );
  });
  afterAll(() => gov?.stop());
  beforeEach(() => gov.clock.set('2026-11-27T02:00:00.000Z'));

  describe('the sharing contract lifecycle', () => {
    it('submit → compliance review → provider approval → active, with every transition in the history', async () => {
      const submitted = await gov.ok(hrSystem, SUBMIT, request());
      const contract = submitted.submitSharingContract;
      expect(contract).toMatchObject({
        status: 'COMPLIANCE_REVIEW',
        reviewStage: 'COMPLIANCE',
        reviewDeadline: '2026-12-01T02:00:00.000Z',
        consumer: { code: 'human-resources', name: '人力资源和社会保障局' },
        provider: { code: 'public-security', name: '公安局' },
        fields: ['name', 'birthDate'],
        masking: [{ field: 'name', rule: 'MASK' }],
        streamId: `contract-${contract.id}`,
      });

      const reviewed = await gov.ok(bureau, REVIEW, { id: contract.id, approved: true, reason: '法律依据充分' });
      expect(reviewed.completeComplianceReview).toMatchObject({ status: 'PROVIDER_REVIEW', reviewStage: 'PROVIDER' });
      const approved = await gov.ok(psSteward, APPROVE, { id: contract.id, reason: '同意共享' });
      expect(approved.approveSharingContract).toMatchObject({ status: 'ACTIVE' });

      const { sharingContract } = await gov.ok(hrSystem, CONTRACT, { id: contract.id });
      expect(sharingContract.status).toBe('ACTIVE');
      expect(sharingContract.history.map((h: { type: string }) => h.type)).toEqual([
        'ContractSubmitted',
        'ReviewOpened',
        'ComplianceReviewPassed',
        'ReviewOpened',
        'ContractApproved',
        'ContractActivated',
      ]);
      // Each entry says where the contract stood after it: what a timeline of states is drawn from.
      expect(sharingContract.history.map((h: { status: string }) => h.status)).toEqual([
        'SUBMITTED',
        'COMPLIANCE_REVIEW',
        'COMPLIANCE_REVIEW',
        'PROVIDER_REVIEW',
        'PROVIDER_REVIEW',
        'ACTIVE',
      ]);
      expect(sharingContract.history[2]).toMatchObject({
        reason: '法律依据充分',
        at: '2026-11-27T02:00:00.000Z',
        by: { clientId: 'bureau-admin', department: 'data-bureau', role: 'PLATFORM' },
      });
      expect(sharingContract.history[4]).toMatchObject({ reason: '同意共享', by: { clientId: 'ps-steward', role: 'STEWARD' } });

      // suspend, resume, revoke, each recorded with its reason
      const transition = (name: string, actor: Actor, reason: string) =>
        gov.ok(actor, `mutation ($id: ID!, $reason: String!) { ${name}(id: $id, reason: $reason) { status } }`, { id: contract.id, reason });
      expect((await transition('suspendSharingContract', psSteward, '数据核查中')).suspendSharingContract.status).toBe('SUSPENDED');
      expect((await transition('resumeSharingContract', bureau, '核查完毕')).resumeSharingContract.status).toBe('ACTIVE');
      expect((await transition('revokeSharingContract', hrSystem, '项目结束')).revokeSharingContract.status).toBe('REVOKED');
      const after = await gov.ok(bureau, CONTRACT, { id: contract.id });
      expect(after.sharingContract.history.slice(-3).map((h: { type: string; reason: string }) => [h.type, h.reason])).toEqual([
        ['ContractSuspended', '数据核查中'],
        ['ContractResumed', '核查完毕'],
        ['ContractRevoked', '项目结束'],
      ]);
    });

    it('lists contracts by filter, each department seeing only its own', async () => {
      const { submitSharingContract: mine } = await gov.ok(hrSystem, SUBMIT, request());
      await gov.settled();
      const list = `query ($filter: SharingContractFilter) { sharingContracts(filter: $filter) { id status consumer { code } } }`;
      const forHr = await gov.ok(hrSystem, list, { filter: { status: 'COMPLIANCE_REVIEW' } });
      expect(forHr.sharingContracts.map((c: { id: string }) => c.id)).toContain(mine.id);
      const forMr = await gov.ok(mrSteward, list, {});
      expect(forMr.sharingContracts).toEqual([]);
      const forBureau = await gov.ok(bureau, list, { filter: { consumer: 'human-resources' } });
      expect(forBureau.sharingContracts.length).toBeGreaterThanOrEqual(2);
      const asProvider = await gov.ok(psSteward, list, { filter: { status: 'COMPLIANCE_REVIEW' } });
      expect(asProvider.sharingContracts.map((c: { id: string }) => c.id)).toContain(mine.id);
    });

    it('activates an UNCONDITIONAL dataset right after compliance review', async () => {
      await gov.ok(mrSteward, `mutation ($input: PublishDatasetInput!) { publishDataset(input: $input) { code } }`, {
        input: {
          code: 'enterprise.registration',
          name: '企业登记信息',
          sharingType: 'UNCONDITIONAL',
          graphqlType: 'Enterprise',
          fields: [
            { name: 'creditCode', classification: 'PUBLIC' },
            { name: 'name', classification: 'PUBLIC' },
          ],
          schema: { type: 'object', properties: { creditCode: { type: 'string' }, name: { type: 'string' } } },
        },
      });
      const { submitSharingContract: c } = await gov.ok(hrSystem, SUBMIT, request({ datasetCode: 'enterprise.registration', fields: ['name'], masking: [] }));
      const reviewed = await gov.ok(bureau, REVIEW, { id: c.id, approved: true });
      expect(reviewed.completeComplianceReview.status).toBe('ACTIVE');
    });
  });

  describe('refusals', () => {
    const codeOf = (answer: { errors?: Array<{ extensions: { code: string } }> }) => answer.errors?.[0]?.extensions.code;

    it('who may do what: own approval, another department, the wrong role', async () => {
      const { submitSharingContract: c } = await gov.ok(hrSystem, SUBMIT, request());
      await gov.ok(bureau, REVIEW, { id: c.id, approved: true });

      const own = await gov.call({ ...hrSystem, roles: ['CONSUMER', 'STEWARD'] }, APPROVE, { id: c.id });
      expect(own.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'a consumer cannot approve its own request' });
      expect(codeOf(await gov.call(mrSteward, APPROVE, { id: c.id }))).toBe('FORBIDDEN');
      expect(codeOf(await gov.call(psSteward, REVIEW, { id: c.id, approved: true }))).toBe('FORBIDDEN');
      expect(codeOf(await gov.call(citizenApp, SUBMIT, request()))).toBe('FORBIDDEN');
      expect(codeOf(await gov.call(hrSystem, `mutation { registerDepartment(input: { code: "x-dept", name: "X" }) { code } }`))).toBe('FORBIDDEN');
      expect(codeOf(await gov.call(hrSystem, `query { overdueReviews { id } }`))).toBe('FORBIDDEN');
      const grant = `mutation { grantConsent(input: { subjectId: "s", consumerDepartmentCode: "human-resources", purpose: "SUBSIDY_ELIGIBILITY", datasetCode: "population.resident", expiresAt: "2027-01-01T00:00:00Z" }) { id } }`;
      expect(codeOf(await gov.call(hrSystem, grant))).toBe('FORBIDDEN');
      // nothing of the refused attempts was written
      const { sharingContract } = await gov.ok(bureau, CONTRACT, { id: c.id });
      expect(sharingContract.history.map((h: { type: string }) => h.type)).not.toContain('ContractApproved');
      expect(await gov.store.readStream('department-x-dept')).toEqual([]);
    });

    it('tells each key who it is, as the gateway vouched for it', async () => {
      expect(await gov.ok(psSteward, '{ whoAmI { clientId department roles } }')).toEqual({
        whoAmI: { clientId: 'ps-steward', department: 'public-security', roles: ['STEWARD'] },
      });
      expect((await gov.ok(citizenApp, '{ whoAmI { roles } }')).whoAmI.roles).toEqual(['CITIZEN_CHANNEL']);
    });

    it('bad requests say what is wrong, with the API.md code', async () => {
      const unknownField = await gov.call(hrSystem, SUBMIT, request({ fields: ['name', 'income'] }));
      expect(unknownField.errors?.[0].extensions).toMatchObject({
        code: 'VALIDATION_FAILED',
        fields: ['population.resident.income'],
      });
      expect(codeOf(await gov.call(hrSystem, SUBMIT, request({ purpose: 'CURIOSITY' })))).toBe('VALIDATION_FAILED');
      expect(codeOf(await gov.call(hrSystem, SUBMIT, request({ datasetCode: 'no.such' })))).toBe('NOT_FOUND');
      expect(codeOf(await gov.call(hrSystem, SUBMIT, request({ validTo: '2026-12-01T00:00:00+08:00' })))).toBe('VALIDATION_FAILED');
      expect(codeOf(await gov.call(hrSystem, SUBMIT, { input: { datasetCode: 'population.resident' } }))).toBe('VALIDATION_FAILED');
      expect(codeOf(await gov.call(hrSystem, `query { nonsense }`))).toBe('VALIDATION_FAILED');
      expect(codeOf(await gov.call(bureau, APPROVE, { id: 'missing' }))).toBe('NOT_FOUND');
      expect(codeOf(await gov.call(bureau, REJECT, { id: 'missing', reason: '' }))).toBe('NOT_FOUND');

      await gov.ok(psSteward, `mutation ($input: PublishDatasetInput!) { publishDataset(input: $input) { code } }`, {
        input: {
          code: 'population.criminal-record',
          name: '违法犯罪记录',
          sharingType: 'NOT_SHARED',
          graphqlType: 'CriminalRecord',
          fields: [{ name: 'summary', classification: 'SENSITIVE_PERSONAL' }],
          schema: { type: 'object', properties: { summary: { type: 'string' } } },
        },
      });
      const notShared = await gov.call(hrSystem, SUBMIT, request({ datasetCode: 'population.criminal-record', fields: ['summary'], masking: [] }));
      expect(notShared.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: expect.stringContaining('NOT_SHARED') });
    });

    it('refuses a request without the gateway\'s signed context, or with a forged one', async () => {
      const unsigned = await gov.call(null, `query { purposes { code } }`);
      expect(unsigned.status).toBe(401);
      expect(unsigned.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
      expect(unsigned.errors?.[0].extensions.stacktrace).toBeUndefined();

      const forged = await fetch(gov.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-shuzhi-context': 'v1.e30.AAAA' },
        body: JSON.stringify({ query: '{ purposes { code } }' }),
      });
      expect(forged.status).toBe(401);
    });
  });

  describe('departments and their areas', () => {
    const REGISTER = `mutation ($input: RegisterDepartmentInput!) { registerDepartment(input: $input) { code name level divisionCode } }`;

    it('registers a district\'s and a street\'s office with their divisions, lists them, and names them wherever the audit names a department', async () => {
      expect((await gov.ok(bureau, REGISTER, { input: { code: 'xihu-district', name: '西湖区人民政府', divisionCode: '330106' } })).registerDepartment).toEqual({
        code: 'xihu-district',
        name: '西湖区人民政府',
        level: 'DISTRICT',
        divisionCode: '330106',
      });
      await gov.ok(bureau, REGISTER, { input: { code: 'wenxin-street', name: '文新街道办事处', level: 'STREET', divisionCode: '330106001' } });
      await gov.settled();
      const { departments } = await gov.ok(auditor, '{ departments { code level divisionCode } }');
      expect(departments).toEqual(
        expect.arrayContaining([
          { code: 'xihu-district', level: 'DISTRICT', divisionCode: '330106' },
          { code: 'wenxin-street', level: 'STREET', divisionCode: '330106001' },
          // Registered without one: the whole platform's area.
          { code: 'public-security', level: null, divisionCode: null },
        ]),
      );
      // The audit subgraph names departments by code; the gateway asks governance for the rest.
      const entities = await gov.ok(
        auditor,
        `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Department { code name level divisionCode } } }`,
        { representations: [{ __typename: 'Department', code: 'wenxin-street' }, { __typename: 'Department', code: 'never-registered' }] },
      );
      expect(entities._entities).toEqual([
        { code: 'wenxin-street', name: '文新街道办事处', level: 'STREET', divisionCode: '330106001' },
        { code: 'never-registered', name: 'never-registered', level: null, divisionCode: null },
      ]);
    });

    it('refuses an area that is not one, writing nothing', async () => {
      for (const [input, reason] of [
        [{ code: 'bad-level', name: 'X', level: 'DISTRICT' }, /give its divisionCode/],
        [{ code: 'bad-level', name: 'X', level: 'CITY', divisionCode: '330106' }, /code of a DISTRICT, not of a CITY/],
        [{ code: 'bad-level', name: 'X', divisionCode: '330106001001' }, /community's code/],
        [{ code: 'bad-level', name: 'X', divisionCode: '3301060' }, /6 \(province, city, district\), 9 \(street\) or 12 \(community\) digits/],
      ] as const) {
        const answer = await gov.call(bureau, REGISTER, { input });
        expect(answer.errors?.[0].extensions).toMatchObject({ code: 'VALIDATION_FAILED', reason: expect.stringMatching(reason) });
      }
      expect(await gov.store.readStream('department-bad-level')).toEqual([]);
    });
  });

  describe('division scopes and 回流 grants', () => {
    const districtSystem: Actor = { clientId: 'gongshu-system', department: 'gongshu-district', roles: ['CONSUMER'] };
    const streetSystem: Actor = { clientId: 'hushu-system', department: 'hushu-street', roles: ['CONSUMER'] };
    const GRANT = `mutation ($input: GrantReturnFlowContractInput!) { grantReturnFlowContract(input: $input) {
      ${CONTRACT_FIELDS} divisionScope returnFlow history { type status reason by { department role } } } }`;
    const area = (overrides: Record<string, unknown> = {}) => request(overrides);
    const grantInput = (overrides: Record<string, unknown> = {}) => ({
      input: {
        departmentCode: 'hushu-street',
        datasetCode: 'population.resident',
        fields: ['name', 'birthDate'],
        purpose: 'SUBSIDY_ELIGIBILITY',
        legalBasis: '《政务数据共享条例》 数据回流',
        validTo: '2031-12-01T00:00:00+08:00',
        reason: '街道基层治理',
        ...overrides,
      },
    });

    beforeAll(async () => {
      const register = `mutation ($input: RegisterDepartmentInput!) { registerDepartment(input: $input) { code } }`;
      await gov.ok(bureau, register, { input: { code: 'gongshu-district', name: '拱墅区人民政府', divisionCode: '330105' } });
      await gov.ok(bureau, register, { input: { code: 'hushu-street', name: '湖墅街道办事处', divisionCode: '330105001' } });
      // Households, as this test registered population's subgraph, do not say where they lie (Resident does).
      await gov.ok(psSteward, `mutation ($input: PublishDatasetInput!) { publishDataset(input: $input) { code } }`, {
        input: {
          code: 'population.household-address',
          name: '户地址',
          sharingType: 'CONDITIONAL',
          graphqlType: 'Household',
          fields: [{ name: 'address', classification: 'PERSONAL' }],
          schema: { type: 'object', additionalProperties: false, properties: { address: { type: 'string' } } },
        },
      });
    });

    it('a request is scoped as asked, or to its department\'s division, and shows its scope', async () => {
      const SCOPED = SUBMIT.replace('masking { field rule }', 'masking { field rule } divisionScope returnFlow');
      const { submitSharingContract: own } = await gov.ok(districtSystem, SCOPED, area());
      expect(own).toMatchObject({ consumer: { code: 'gongshu-district' }, divisionScope: '330105', returnFlow: false, status: 'COMPLIANCE_REVIEW' });
      expect((await gov.ok(districtSystem, CONTRACT.replace('masking { field rule }', 'divisionScope'), { id: own.id })).sharingContract.divisionScope).toBe('330105');
      const narrowed = { ...(await gov.ok(districtSystem, SCOPED, area({ divisionScope: '330105001' }))).submitSharingContract };
      expect(narrowed.divisionScope).toBe('330105001');
      // A department of the whole area scopes as it likes, by a city's leading digits too; or not at all.
      expect((await gov.ok(hrSystem, SCOPED, area({ divisionScope: '3301' }))).submitSharingContract.divisionScope).toBe('330100');
      expect((await gov.ok(hrSystem, SCOPED, area())).submitSharingContract.divisionScope).toBeNull();
      await gov.settled();
      const listed = await gov.ok(districtSystem, `query { sharingContracts(filter: { consumer: "gongshu-district" }) { id divisionScope } }`);
      expect(listed.sharingContracts).toEqual(expect.arrayContaining([{ id: own.id, divisionScope: '330105' }, { id: narrowed.id, divisionScope: '330105001' }]));
    });

    it('refuses a scope outside the department\'s division, a malformed one, and one on rows that say nothing of where they lie', async () => {
      const before = await gov.lastAppended();
      const outside = await gov.call(districtSystem, SUBMIT, area({ divisionScope: '330106' }));
      expect(outside.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: expect.stringContaining('gongshu-district serves division 330105') });
      const wider = await gov.call(streetSystem, SUBMIT, area({ divisionScope: '330105' }));
      expect(wider.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', field: 'divisionScope' });
      const malformed = await gov.call(hrSystem, SUBMIT, area({ divisionScope: '3301051' }));
      expect(malformed.errors?.[0].extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'divisionScope' });
      const unplaced = await gov.call(districtSystem, SUBMIT, request({ datasetCode: 'population.household-address', fields: ['address'], masking: [] }));
      expect(unplaced.errors?.[0].extensions).toMatchObject({
        code: 'VALIDATION_FAILED',
        reason: expect.stringContaining('population.household-address do not say which division'),
      });
      expect(await gov.lastAppended()).toBe(before);
    });

    it('the data bureau grants a street\'s office its own area: ACTIVE at once, scoped, a 回流 grant in its history', async () => {
      const { grantReturnFlowContract: granted } = await gov.ok(bureau, GRANT, grantInput());
      expect(granted).toMatchObject({
        status: 'ACTIVE',
        consumer: { code: 'hushu-street', name: '湖墅街道办事处' },
        provider: { code: 'public-security' },
        fields: ['name', 'birthDate'],
        validFrom: '2026-11-27T02:00:00.000Z',
        divisionScope: '330105001',
        returnFlow: true,
        version: 0,
        reviewStage: null,
      });
      const { sharingContract } = await gov.ok(streetSystem, `query ($id: ID!) { sharingContract(id: $id) { status divisionScope returnFlow history { type status reason by { department role } } } }`, {
        id: granted.id,
      });
      expect(sharingContract).toEqual({
        status: 'ACTIVE',
        divisionScope: '330105001',
        returnFlow: true,
        history: [{ type: 'ReturnFlowContractGranted', status: 'ACTIVE', reason: '街道基层治理', by: { department: 'data-bureau', role: 'PLATFORM' } }],
      });
      // From then on a contract like any other: its provider may suspend it.
      const suspended = await gov.ok(psSteward, `mutation ($id: ID!) { suspendSharingContract(id: $id, reason: "核查") { status divisionScope } }`, { id: granted.id });
      expect(suspended.suspendSharingContract).toEqual({ status: 'SUSPENDED', divisionScope: '330105001' });
      await gov.settled();
      const listed = await gov.ok(streetSystem, `query { sharingContracts(filter: { consumer: "hushu-street" }) { id status returnFlow divisionScope } }`);
      expect(listed.sharingContracts).toEqual([{ id: granted.id, status: 'SUSPENDED', returnFlow: true, divisionScope: '330105001' }]);
    });

    it('refuses a grant to a department without a division, by anyone but the bureau, and writes nothing', async () => {
      const before = await gov.lastAppended();
      const wholeArea = await gov.call(bureau, GRANT, grantInput({ departmentCode: 'human-resources' }));
      expect(wholeArea.errors?.[0].extensions).toMatchObject({ code: 'VALIDATION_FAILED', reason: expect.stringContaining('human-resources has no division') });
      const unknown = await gov.call(bureau, GRANT, grantInput({ departmentCode: 'no-such-office' }));
      expect(unknown.errors?.[0].extensions.code).toBe('NOT_FOUND');
      const bySteward = await gov.call(psSteward, GRANT, grantInput());
      expect(bySteward.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: expect.stringContaining('PLATFORM') });
      const byItself = await gov.call(streetSystem, GRANT, grantInput());
      expect(byItself.errors?.[0].extensions.code).toBe('FORBIDDEN');
      const unplaced = await gov.call(bureau, GRANT, grantInput({ datasetCode: 'population.household-address', fields: ['address'] }));
      expect(unplaced.errors?.[0].extensions).toMatchObject({ code: 'VALIDATION_FAILED', reason: expect.stringContaining('do not say which division') });
      const sensitive = await gov.call(bureau, GRANT, grantInput({ fields: ['idNumber'] }));
      expect(sensitive.errors?.[0].extensions).toMatchObject({ code: 'VALIDATION_FAILED', reason: expect.stringContaining('idNumber is sensitive personal information') });
      expect(await gov.lastAppended()).toBe(before);
    });
  });

  describe('the schema registry', () => {
    const REGISTER = `mutation ($input: RegisterSchemaVersionInput!) { registerSchemaVersion(input: $input) { version schemaVersions { version } fields { name classification } } }`;

    it('registers a compatible version, classifying its new field', async () => {
      const schema = { ...residentSchema, properties: { ...residentSchema.properties, nationality: { type: 'string' } } };
      const answer = await gov.ok(psSteward, REGISTER, {
        input: { datasetCode: 'population.resident', schema, fields: [{ name: 'nationality', classification: 'PERSONAL' }] },
      });
      expect(answer.registerSchemaVersion.schemaVersions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
      expect(answer.registerSchemaVersion.fields).toContainEqual({ name: 'nationality', classification: 'PERSONAL' });
    });

    it('refuses a version that breaks BACKWARD compatibility, and an invalid schema', async () => {
      const schema = { ...residentSchema, properties: { ...residentSchema.properties, income: { type: 'number' } }, required: ['idNumber', 'name', 'income'] };
      const incompatible = await gov.call(psSteward, REGISTER, {
        input: { datasetCode: 'population.resident', schema, fields: [{ name: 'income', classification: 'SENSITIVE' }] },
      });
      expect(incompatible.errors?.[0].extensions.code).toBe('INCOMPATIBLE_SCHEMA');
      const invalid = await gov.call(psSteward, REGISTER, { input: { datasetCode: 'population.resident', schema: { type: 'objekt' } } });
      expect(invalid.errors?.[0].extensions.code).toBe('VALIDATION_FAILED');
      const unclassified = await gov.call(psSteward, REGISTER, {
        input: { datasetCode: 'population.resident', schema: { ...residentSchema, properties: { ...residentSchema.properties, nationality: { type: 'string' }, religion: { type: 'string' } } } },
      });
      expect(unclassified.errors?.[0].extensions).toMatchObject({ code: 'VALIDATION_FAILED', fields: ['religion'] });
    });

    it('refuses a version that removes a field an active contract grants, naming the contract', async () => {
      const { submitSharingContract: c } = await gov.ok(hrSystem, SUBMIT, request({ fields: ['birthDate'], masking: [] }));
      await gov.ok(bureau, REVIEW, { id: c.id, approved: true });
      await gov.ok(psSteward, APPROVE, { id: c.id });
      await gov.settled();
      const { dataset } = await gov.ok(psSteward, `query { dataset(code: "population.resident") { schema } }`);
      const current = dataset.schema as typeof residentSchema & { properties: Record<string, unknown> };
      const { birthDate: _gone, ...kept } = current.properties;
      const input = { datasetCode: 'population.resident', schema: { ...current, properties: kept } };
      // The dry run gives the verdict first, registering nothing.
      const CHECK = `query ($input: RegisterSchemaVersionInput!) { checkSchemaVersion(input: $input) { accepted version code reason contractIds fields } }`;
      const { checkSchemaVersion: verdict } = await gov.ok(psSteward, CHECK, { input });
      expect(verdict).toMatchObject({ accepted: false, version: null, code: 'INCOMPATIBLE_SCHEMA', fields: ['Resident.birthDate'] });
      expect(verdict.contractIds).toContain(c.id);
      const { dataset: unchanged } = await gov.ok(psSteward, `query { dataset(code: "population.resident") { schemaVersions { version } } }`);
      const versions = unchanged.schemaVersions.length;
      const { checkSchemaVersion: compatible } = await gov.ok(psSteward, CHECK, { input: { datasetCode: 'population.resident', schema: current } });
      expect(compatible).toMatchObject({ accepted: true, version: versions + 1, code: null, contractIds: [] });
      expect((await gov.ok(psSteward, `query { dataset(code: "population.resident") { schemaVersions { version } } }`)).dataset.schemaVersions).toHaveLength(versions);

      const answer = await gov.call(psSteward, REGISTER, { input });
      expect(answer.errors?.[0].extensions).toMatchObject({ code: 'INCOMPATIBLE_SCHEMA', fields: ['Resident.birthDate'] });
      expect(answer.errors?.[0].extensions.contractIds).toContain(c.id);
      expect(answer.errors?.[0].extensions.reason).toContain(`contract ${c.id}`);
      // The same refusals as the registration: another department's steward may not check either.
      expect((await gov.ok(mrSteward, CHECK, { input })).checkSchemaVersion).toMatchObject({ accepted: false, code: 'FORBIDDEN' });
    });
  });

  describe('time acting alone', () => {
    it('expires a contract at validTo and marks a review overdue after 2 working days', async () => {
      const { submitSharingContract: pending } = await gov.ok(hrSystem, SUBMIT, request());
      const { submitSharingContract: active } = await gov.ok(hrSystem, SUBMIT, request({ validTo: '2027-01-01T00:00:00Z' }));
      await gov.ok(bureau, REVIEW, { id: active.id, approved: true });
      await gov.ok(psSteward, APPROVE, { id: active.id });
      await gov.settled();

      gov.clock.set('2026-12-01T01:59:00.000Z'); // Tuesday, a minute before the deadline
      expect((await gov.tick()).overdueReviews).not.toContain(pending.id);
      gov.clock.set('2026-12-01T02:01:00.000Z');
      expect((await gov.tick()).overdueReviews).toContain(pending.id);
      await gov.settled();
      const { overdueReviews } = await gov.ok(bureau, `query { overdueReviews { id reviewOverdue } }`);
      expect(overdueReviews).toContainEqual({ id: pending.id, reviewOverdue: true });
      expect((await gov.tick()).overdueReviews).not.toContain(pending.id);

      gov.clock.set('2027-01-01T00:00:00.000Z');
      expect((await gov.tick()).expiredContracts).toContain(active.id);
      const { sharingContract } = await gov.ok(bureau, CONTRACT, { id: active.id });
      expect(sharingContract.status).toBe('EXPIRED');
    });
  });

  describe('consent', () => {
    const GRANT = `mutation ($input: GrantConsentInput!) { grantConsent(input: $input) { id status subjectId fields expiresAt consumer { code } receipt { payload signature } } }`;
    const WITHDRAW = `mutation ($id: ID!) { withdrawConsent(id: $id) { status } }`;
    const LIST = `query ($subjectId: ID!) { consents(subjectId: $subjectId) { id status } }`;
    const grantFor = (subjectId: string, input: Record<string, unknown> = {}) => ({
      input: {
        subjectId,
        consumerDepartmentCode: 'human-resources',
        purpose: 'SUBSIDY_ELIGIBILITY',
        datasetCode: 'population.resident',
        expiresAt: '2027-06-01T00:00:00+08:00',
        ...input,
      },
    });
    const answerOf = (answer: { errors?: Array<{ extensions: Record<string, unknown> }> }) => answer.errors?.[0]?.extensions;
    /** A resident registered in the population register, as its published event says. */
    const resident = '330106199003071234';

    beforeAll(async () => {
      await registerResident(gov.store, resident);
    });

    it('grants with a receipt that verifies offline with node:crypto alone, lists, withdraws and expires', async () => {
      const { grantConsent: consent } = await gov.ok(citizenApp, GRANT, {
        input: {
          subjectId: '330106199003071234',
          consumerDepartmentCode: 'human-resources',
          purpose: 'SUBSIDY_ELIGIBILITY',
          datasetCode: 'population.resident',
          fields: ['birthDate'],
          expiresAt: '2027-06-01T00:00:00+08:00',
        },
      });
      expect(consent).toMatchObject({ status: 'ACTIVE', fields: ['birthDate'], consumer: { code: 'human-resources' } });

      // What a citizen's app does with the receipt and the published key, and nothing else.
      const { consentReceiptPublicKey } = await gov.ok(citizenApp, `query { consentReceiptPublicKey }`);
      const key = createPublicKey(consentReceiptPublicKey);
      const { payload, signature } = consent.receipt;
      expect(verify(null, Buffer.from(payload, 'utf8'), key, Buffer.from(signature, 'base64'))).toBe(true);
      expect(verify(null, Buffer.from(payload.replace('birthDate', 'idNumber'), 'utf8'), key, Buffer.from(signature, 'base64'))).toBe(false);
      expect(JSON.parse(payload)).toMatchObject({ consentId: consent.id, subjectId: '330106199003071234', fields: ['birthDate'] });

      await gov.settled();
      const listed = await gov.ok(bureau, `query { consents(subjectId: "330106199003071234") { id status } }`);
      expect(listed.consents).toEqual([{ id: consent.id, status: 'ACTIVE' }]);
      expect((await gov.call(hrSystem, `query { consents(subjectId: "330106199003071234") { id } }`)).errors?.[0].extensions.code).toBe('FORBIDDEN');

      const withdrawn = await gov.ok(citizenApp, `mutation ($id: ID!) { withdrawConsent(id: $id) { status } }`, { id: consent.id });
      expect(withdrawn.withdrawConsent.status).toBe('WITHDRAWN');
      const again = await gov.call(citizenApp, `mutation ($id: ID!) { withdrawConsent(id: $id) { status } }`, { id: consent.id });
      expect(again.errors?.[0].extensions.code).toBe('INVALID_TRANSITION');

      const { grantConsent: lapsing } = await gov.ok(citizenApp, GRANT, {
        input: { subjectId: '330106199003071234', consumerDepartmentCode: 'human-resources', purpose: 'SUBSIDY_ELIGIBILITY', datasetCode: 'population.resident', expiresAt: '2026-12-01T00:00:00Z' },
      });
      expect(lapsing.fields).toEqual(['idNumber', 'name', 'gender', 'birthDate', 'nationality']);
      await gov.settled();
      gov.clock.set('2026-12-01T00:00:00.000Z');
      expect((await gov.tick()).expiredConsents).toEqual([lapsing.id]);
    });

    it('grants only for a subject its register knows, by the dataset\'s type, the moment the register has written it', async () => {
      const publish = (steward: Actor, input: Record<string, unknown>) =>
        gov.ok(steward, `mutation ($input: PublishDatasetInput!) { publishDataset(input: $input) { code } }`, {
          input: { sharingType: 'CONDITIONAL', ...input },
        });
      const ofOne = (field: string) => ({ schema: { type: 'object', properties: { [field]: { type: 'string' } } } });
      await publish(psSteward, { code: 'population.household', name: '户籍', graphqlType: 'Household', fields: [{ name: 'address', classification: 'PERSONAL' }], ...ofOne('address') });
      await publish(psSteward, { code: 'population.grid', name: '网格', graphqlType: 'GridCell', fields: [{ name: 'name', classification: 'PUBLIC' }], ...ofOne('name') });
      await publish(mrSteward, { code: 'enterprise.profile', name: '企业概况', graphqlType: 'Enterprise', fields: [{ name: 'name', classification: 'PUBLIC' }], ...ofOne('name') });
      // Each registered just now, as the demo seed registers residents and consents for them at once.
      const household = await registerHousehold(gov.store);
      const enterprise = await registerEnterprise(gov.store, '91330106MA2KXXXX0A');
      const newcomer = await registerResident(gov.store);

      const granted = async (subjectId: string, datasetCode: string) =>
        (await gov.ok(citizenApp, GRANT, grantFor(subjectId, { datasetCode }))).grantConsent;
      expect(await granted(newcomer, 'population.resident')).toMatchObject({ status: 'ACTIVE', subjectId: newcomer });
      expect(await granted(household, 'population.household')).toMatchObject({ status: 'ACTIVE', subjectId: household });
      expect(await granted(enterprise, 'enterprise.profile')).toMatchObject({ status: 'ACTIVE', subjectId: enterprise });

      const before = await gov.lastAppended();
      const refused = async (subjectId: string, datasetCode: string) => answerOf(await gov.call(citizenApp, GRANT, grantFor(subjectId, { datasetCode })));
      // The steward's attack: a consent for an id the register never issued.
      const invented = 'r-330106199901011111';
      expect(await refused(invented, 'population.resident')).toEqual({
        code: 'NOT_FOUND',
        reason: 'the register knows no Resident with this id',
        field: 'subjectId',
      });
      // The type is the dataset's: a household's id is no resident, a resident's no household or enterprise.
      expect(await refused(household, 'population.resident')).toMatchObject({ code: 'NOT_FOUND', reason: 'the register knows no Resident with this id' });
      expect(await refused(newcomer, 'population.household')).toMatchObject({ code: 'NOT_FOUND', reason: 'the register knows no Household with this id' });
      expect(await refused(newcomer, 'enterprise.profile')).toMatchObject({ code: 'NOT_FOUND', reason: 'the register knows no Enterprise with this id' });
      // A dataset over a type no register governance follows keeps: nobody of it can be checked, so nobody consents.
      expect(await refused(newcomer, 'population.grid')).toMatchObject({ code: 'VALIDATION_FAILED', field: 'datasetCode' });
      expect(await gov.lastAppended()).toEqual(before);
    });

    it('a channel lists and withdraws only the consents given through it; the bureau and auditors list all, and withdraw none', async () => {
      const subject = await registerResident(gov.store);
      const otherChannel: Actor = { clientId: 'wx-mini', department: 'wechat-channel', roles: ['CITIZEN_CHANNEL'] };
      const rotatedKey: Actor = { ...citizenApp, clientId: 'zlb-app-2' };
      const { grantConsent: ours } = await gov.ok(citizenApp, GRANT, grantFor(subject));
      const { grantConsent: theirs } = await gov.ok(otherChannel, GRANT, grantFor(subject));
      await gov.settled();

      // Granted at the same instant of the test's clock: compared in no particular order.
      const listed = async (actor: Actor) => ((await gov.ok(actor, LIST, { subjectId: subject })).consents as Array<{ id: string }>).map((c) => c.id).sort();
      expect(await listed(citizenApp)).toEqual([ours.id]);
      expect(await listed(rotatedKey)).toEqual([ours.id]);
      expect(await listed(otherChannel)).toEqual([theirs.id]);
      expect(await listed(bureau)).toEqual([ours.id, theirs.id].sort());
      expect(await listed(auditor)).toEqual([ours.id, theirs.id].sort());
      for (const actor of [hrSystem, psSteward]) expect(answerOf(await gov.call(actor, LIST, { subjectId: subject }))?.code).toBe('FORBIDDEN');

      const before = await gov.lastAppended();
      expect(answerOf(await gov.call(otherChannel, WITHDRAW, { id: ours.id }))).toMatchObject({
        code: 'FORBIDDEN',
        reason: 'a consent is withdrawn through the citizen channel it was given through',
      });
      for (const actor of [bureau, auditor, psSteward]) expect(answerOf(await gov.call(actor, WITHDRAW, { id: ours.id }))?.code).toBe('FORBIDDEN');
      expect(await gov.lastAppended()).toEqual(before);

      // Another key of the same channel withdraws it, and the event says which key acted.
      expect((await gov.ok(rotatedKey, WITHDRAW, { id: ours.id })).withdrawConsent.status).toBe('WITHDRAWN');
      const [, withdrawn] = await gov.store.readStream(`consent-${ours.id}`);
      expect(withdrawn).toMatchObject({
        type: 'ConsentWithdrawn',
        data: { by: { clientId: 'zlb-app-2', department: 'citizen-app', role: 'CITIZEN_CHANNEL' } },
      });
      await gov.settled();
      expect((await gov.ok(bureau, LIST, { subjectId: subject })).consents).toEqual(
        expect.arrayContaining([
          { id: ours.id, status: 'WITHDRAWN' },
          { id: theirs.id, status: 'ACTIVE' },
        ]),
      );
    });
  });

  describe('client keys', () => {
    const ISSUE = `mutation ($input: IssueClientKeyInput!) { issueClientKey(input: $input) { clientId apiKey } }`;
    const REVOKE = `mutation ($clientId: ID!) { revokeClientKey(clientId: $clientId, reason: "轮换") }`;
    const keyFor = (departmentCode: string, roles: string[]) => ({ input: { departmentCode, name: `${departmentCode} ${roles.join('+')}`, roles } });
    const codeOf = (answer: { errors?: Array<{ extensions: { code: string } }> }) => answer.errors?.[0]?.extensions.code;

    it('a steward issues and revokes its own department\'s CONSUMER and STEWARD keys, and no others', async () => {
      const { issueClientKey: consumer } = await gov.ok(mrSteward, ISSUE, keyFor('market-regulation', ['CONSUMER']));
      const { issueClientKey: deputy } = await gov.ok(mrSteward, ISSUE, keyFor('market-regulation', ['STEWARD', 'CONSUMER']));
      expect(await gov.ok(mrSteward, REVOKE, { clientId: consumer.clientId })).toEqual({ revokeClientKey: true });

      const before = await gov.lastAppended();
      // The attack: market regulation's steward keys itself as a citizen channel.
      const asChannel = await gov.call(mrSteward, ISSUE, keyFor('market-regulation', ['CITIZEN_CHANNEL']));
      expect(asChannel.errors?.[0].extensions).toMatchObject({
        code: 'FORBIDDEN',
        reason: 'only the data bureau (PLATFORM role), or a steward of market-regulation for its own CONSUMER and STEWARD keys, may do this',
      });
      for (const roles of [['PLATFORM'], ['AUDITOR'], ['CONSUMER', 'CITIZEN_CHANNEL']]) {
        expect(codeOf(await gov.call(mrSteward, ISSUE, keyFor('market-regulation', roles)))).toBe('FORBIDDEN');
      }
      expect(codeOf(await gov.call(mrSteward, ISSUE, keyFor('public-security', ['CONSUMER'])))).toBe('FORBIDDEN');
      expect(codeOf(await gov.call(psSteward, REVOKE, { clientId: deputy.clientId }))).toBe('FORBIDDEN');
      for (const actor of [hrSystem, citizenApp, auditor]) expect(codeOf(await gov.call(actor, ISSUE, keyFor(actor.department, ['CONSUMER'])))).toBe('FORBIDDEN');
      expect(await gov.lastAppended()).toEqual(before);
    });

    it('the data bureau alone issues and revokes citizen channel, auditor and platform keys, in any department', async () => {
      for (const roles of [['CITIZEN_CHANNEL'], ['AUDITOR'], ['PLATFORM']]) {
        const { issueClientKey: key } = await gov.ok(bureau, ISSUE, keyFor('market-regulation', roles));
        // Not even its own department's steward takes it back.
        const before = await gov.lastAppended();
        expect(codeOf(await gov.call(mrSteward, REVOKE, { clientId: key.clientId }))).toBe('FORBIDDEN');
        expect(await gov.lastAppended()).toEqual(before);
        expect(await gov.ok(bureau, REVOKE, { clientId: key.clientId })).toEqual({ revokeClientKey: true });
      }
      await gov.settled();
      const { clients } = await gov.ok(bureau, `query { clients(departmentCode: "market-regulation") { roles status } }`);
      expect(clients.filter((c: { roles: string[] }) => c.roles.includes('CITIZEN_CHANNEL'))).toEqual([{ roles: ['CITIZEN_CHANNEL'], status: 'REVOKED' }]);
    });
  });

  it('two stewards deciding the same contract at once: exactly one decision lands', async () => {
    const otherPsSteward: Actor = { clientId: 'ps-steward-2', department: 'public-security', roles: ['STEWARD'] };
    for (let round = 0; round < 5; round++) {
      const { submitSharingContract: c } = await gov.ok(hrSystem, SUBMIT, request());
      await gov.ok(bureau, REVIEW, { id: c.id, approved: true });
      const [approve, reject] = await Promise.all([
        gov.call(psSteward, APPROVE, { id: c.id }),
        gov.call(otherPsSteward, REJECT, { id: c.id, reason: '不同意' }),
      ]);
      const outcomes = [approve, reject].map((a) => a.errors?.[0]?.extensions.code ?? 'OK');
      expect(outcomes.filter((o) => o === 'OK')).toHaveLength(1);
      for (const o of outcomes.filter((o) => o !== 'OK')) expect(['CONCURRENCY_CONFLICT', 'INVALID_TRANSITION']).toContain(o);
      const { sharingContract } = await gov.ok(bureau, CONTRACT, { id: c.id });
      const decisions = sharingContract.history.filter((h: { type: string }) => ['ContractApproved', 'ContractRejected'].includes(h.type));
      expect(decisions).toHaveLength(1);
    }
  });
});
