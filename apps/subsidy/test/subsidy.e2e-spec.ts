import { waitUntil } from '@shuzhi/testing';
import { issueCreditCode } from '../../enterprise/src/domain/credit-code.js';
import { checkCharacter } from '../../population/src/domain/id-number/id-number.js';
import { ageOn } from '../src/domain/eligibility-rules.js';
import { applicationDate } from '../src/domain/subsidy-application.decider.js';
import { SubsidyPlatformHarness } from './subsidy-platform-harness.js';

const PURPOSE = 'SUBSIDY_ELIGIBILITY';
const SUBMIT_CONTRACT = 'mutation ($input: SubmitSharingContractInput!) { submitSharingContract(input: $input) { id status } }';
const COMPLIANCE = 'mutation ($id: ID!) { completeComplianceReview(id: $id, approved: true, reason: "依法履职所需") { id status } }';
const APPROVE_CONTRACT = 'mutation ($id: ID!) { approveSharingContract(id: $id, reason: "同意共享") { id status } }';
const REGISTER_ENTERPRISE = 'mutation ($input: RegisterEnterpriseInput!) { registerEnterprise(input: $input) { creditCode } }';
const REGISTER_HOUSEHOLD = 'mutation ($input: RegisterHouseholdInput!) { registerHousehold(input: $input) { id } }';
const REGISTER_RESIDENT = 'mutation ($input: RegisterResidentInput!) { registerResident(input: $input) { id } }';
const SUSPEND = 'mutation ($c: String!) { suspendEnterprise(creditCode: $c, reason: "经营异常") { status } }';
const PROGRAM_FIELDS = 'id name subject status budget amountPerGrant reserved rules { enterpriseActive industryIn minEmployees minAge livesInDistrict }';
const CREATE_PROGRAM = `mutation ($input: CreateSubsidyProgramInput!) { createSubsidyProgram(input: $input) { ${PROGRAM_FIELDS} } }`;
const RUN = 'mutation ($id: ID!) { runSubsidyBatch(programId: $id) { programId examined eligible submitted approved disbursed alreadyDisbursed stoppedBecause } }';
const APPLICATIONS = 'query ($id: ID!) { subsidyApplications(programId: $id) { id subjectId status channel amount } }';
const CHECK_FIELDS = 'lastCheck { outcome onDate deniedCode deniedReason deniedFields correlationId verdicts { verdict reason facts { status industryCode employees birthDate onDate age districtCode } } }';
const APPLY = `mutation ($input: ApplyForSubsidyInput!) { applyForSubsidy(input: $input) { id status ${CHECK_FIELDS} } }`;
const CHECK = `mutation ($id: ID!) { checkSubsidyApplication(id: $id) { id status ${CHECK_FIELDS} } }`;
const APPLICATION = `query ($id: ID!) { subsidyApplication(id: $id) { id status ${CHECK_FIELDS} history { type status reason by { department role } } } }`;

let issued = 0;
const creditCode = () => issueCreditCode({ entityType: '1', division: '330106', organisationBody: `MB${String(++issued).padStart(6, '0')}` });
const idNumber = (birth: string, sequence: number) => {
  const first17 = `330106${birth.replaceAll('-', '')}${String(sequence).padStart(3, '0')}`;
  return first17 + checkCharacter(first17);
};

describe('subsidy (real gateway in front of governance, population, enterprise and subsidy; real PostgreSQL)', () => {
  let platform: SubsidyPlatformHarness;
  let ebSteward: string;
  let mrSteward: string;
  let psSteward: string;
  let ebSystem: string;
  const enterprises: Record<string, string> = {};

  const contract = async (consumerKey: string, datasetCode: string, fields: string[], providerSteward = mrSteward) => {
    const validFrom = new Date(Date.now() - 60_000).toISOString();
    const validTo = new Date(Date.now() + 365 * 86_400_000).toISOString();
    const { submitSharingContract } = await platform.ok(consumerKey, SUBMIT_CONTRACT, {
      input: { datasetCode, fields, purpose: PURPOSE, legalBasis: '《优化营商环境条例》第五十四条', scenario: '惠企政策免申即享', validFrom, validTo },
    });
    const reviewed = (await platform.ok(platform.adminKey, COMPLIANCE, { id: submitSharingContract.id })).completeComplianceReview;
    if (reviewed.status === 'ACTIVE') return reviewed;
    return (await platform.ok(providerSteward, APPROVE_CONTRACT, { id: submitSharingContract.id })).approveSharingContract;
  };

  /** The gateway's policy snapshot follows approvals shortly after: wait until the bureau's system can read under them. */
  const readableBy = (apiKey: string, query: string) =>
    waitUntil(async () => !(await platform.call(apiKey, query, {}, { 'x-purpose': PURPOSE })).errors, { what: 'the new contracts to be enforced' });

  const subsidyEventCount = async () => {
    const { rows } = await platform.store.pool.query<{ n: number }>(
      `select count(*)::int as n from event_store.events where stream_id like 'subsidy-application-%' or stream_id like 'program-%'`,
    );
    return rows[0].n;
  };

  beforeAll(async () => {
    platform = await SubsidyPlatformHarness.start('subsidy_e2e');
    const admin = platform.adminKey;
    // The economic bureau is registered with its built-in datasets (schemas/subsidy/) by governance.
    await platform.ok(admin, `mutation { registerPurpose(input: { code: "${PURPOSE}", name: "惠企补贴资格核验" }) { code } }`);
    ebSteward = (await platform.issueKey('economic-bureau', ['STEWARD'])).apiKey;
    mrSteward = (await platform.issueKey('market-regulation', ['STEWARD'])).apiKey;
    psSteward = (await platform.issueKey('public-security', ['STEWARD'])).apiKey;
    ebSystem = (await platform.issueKey('economic-bureau', ['CONSUMER'])).apiKey;

    // The market register, seeded by its own steward through the gateway.
    const seed: Array<[string, string, number | null]> = [
      ['manufacturerBig', 'C3911', 120],
      ['manufacturerEdge', 'C1810', 10],
      ['manufacturerSmall', 'C1810', 9],
      ['softwareBig', 'I6513', 40],
      ['telecomBig', 'I6311', 300],
      ['retailBig', 'F5211', 80],
      ['manufacturerSuspended', 'C2610', 55],
      ['manufacturerUnreported', 'C2610', null],
    ];
    for (const [key, industryCode, employees] of seed) {
      enterprises[key] = creditCode();
      await platform.ok(mrSteward, REGISTER_ENTERPRISE, { input: { creditCode: enterprises[key], name: `${key} 有限公司`, industryCode, employees } });
    }
    await platform.ok(mrSteward, SUSPEND, { c: enterprises.manufacturerSuspended });

    // The bureau's contracts for exactly the fields its rules read, approved by the providers.
    expect(await contract(ebSystem, 'enterprise.registration', ['creditCode', 'status', 'industryCode'])).toMatchObject({ status: 'ACTIVE' });
    expect(await contract(ebSystem, 'enterprise.operation', ['employees'])).toMatchObject({ status: 'ACTIVE' });
    await readableBy(ebSystem, '{ enterprises(first: 1) { creditCode status industryCode employees } }');

    await platform.startSubsidy(ebSystem);
  });

  afterAll(() => platform?.stop());

  describe('a program batch (免申即享)', () => {
    const programId = 'stable-jobs-2026';
    const eligible = () => [enterprises.manufacturerBig, enterprises.manufacturerEdge, enterprises.softwareBig].sort();

    it('is created by a steward of the economic bureau, with its rules validated', async () => {
      const { createSubsidyProgram } = await platform.ok(ebSteward, CREATE_PROGRAM, {
        input: {
          id: programId,
          name: '制造业与软件业稳岗补贴',
          subject: 'ENTERPRISE',
          rules: [{ enterpriseActive: true }, { industryIn: ['C', 'I65'] }, { minEmployees: 10 }],
          budget: 100_000,
          amountPerGrant: 20_000,
        },
      });
      expect(createSubsidyProgram).toEqual({
        id: programId,
        name: '制造业与软件业稳岗补贴',
        subject: 'ENTERPRISE',
        status: 'OPEN',
        budget: 100_000,
        amountPerGrant: 20_000,
        reserved: 0,
        rules: [
          { enterpriseActive: true, industryIn: null, minEmployees: null, minAge: null, livesInDistrict: null },
          { enterpriseActive: null, industryIn: ['C', 'I65'], minEmployees: null, minAge: null, livesInDistrict: null },
          { enterpriseActive: null, industryIn: null, minEmployees: 10, minAge: null, livesInDistrict: null },
        ],
      });
    });

    it('refuses a program from anyone but the bureau’s stewards, and a malformed rule, with API.md codes', async () => {
      const input = { name: 'x', subject: 'ENTERPRISE', rules: [{ minEmployees: 1 }], budget: 10, amountPerGrant: 1 };
      // Another department does not get past the gateway: the programs are the bureau's datasets.
      const byMr = await platform.call(mrSteward, CREATE_PROGRAM, { input });
      expect(byMr.data ?? null).toBeNull();
      expect(['PURPOSE_REQUIRED', 'CONTRACT_REQUIRED']).toContain(byMr.errors?.[0].extensions.code);
      // The bureau's own system does, and the subsidy service refuses it: programs are for stewards.
      const bySystem = await platform.call((await platform.issueKey('economic-bureau', ['CONSUMER'])).apiKey, CREATE_PROGRAM, { input });
      expect(bySystem.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: expect.stringContaining('steward of economic-bureau') });
      const bad = await platform.call(ebSteward, CREATE_PROGRAM, { input: { ...input, rules: [{ minAge: 60 }, { industryIn: ['Z9'] }] } });
      expect(bad.errors?.[0].extensions).toMatchObject({ code: 'VALIDATION_FAILED', violations: [{ field: 'rules[0]' }, { field: 'rules[1]' }] });
    });

    it('pays exactly the eligible enterprises, read through the gateway', async () => {
      const { runSubsidyBatch } = await platform.ok(ebSteward, RUN, { id: programId });
      expect(runSubsidyBatch).toEqual({
        programId,
        examined: 5, // the ACTIVE ones under C and I65; the suspended one is filtered out by the register
        eligible: 3,
        submitted: 3,
        approved: 3,
        disbursed: 3,
        alreadyDisbursed: 0,
        stoppedBecause: null,
      });
      await waitUntil(async () => (await platform.ok(ebSteward, APPLICATIONS, { id: programId })).subsidyApplications.length === 3, {
        what: 'the applications to be listed',
      });
      const { subsidyApplications } = await platform.ok(ebSteward, APPLICATIONS, { id: programId });
      expect(subsidyApplications.map((a: any) => a.subjectId).sort()).toEqual(eligible());
      expect(subsidyApplications.every((a: any) => a.status === 'DISBURSED' && a.channel === 'BATCH' && a.amount === 20_000)).toBe(true);

      const { subsidyApplication } = await platform.ok(ebSteward, APPLICATION, { id: subsidyApplications[0].id });
      expect(subsidyApplication.history.map((h: any) => [h.type, h.status])).toEqual([
        ['SubsidyApplicationSubmitted', 'SUBMITTED'],
        ['SubsidyApplicationChecked', 'CHECKED'],
        ['SubsidyApplicationApproved', 'APPROVED'],
        ['SubsidyDisbursed', 'DISBURSED'],
      ]);
      expect(subsidyApplication.lastCheck).toMatchObject({ outcome: 'ELIGIBLE', deniedCode: null, correlationId: expect.any(String) });
      expect(subsidyApplication.lastCheck.verdicts.map((v: any) => v.verdict)).toEqual(['PASS', 'PASS', 'PASS']);
      const program = await platform.ok(ebSteward, `{ subsidyProgram(id: "${programId}") { reserved } }`);
      expect(program.subsidyProgram.reserved).toBe(60_000);
    });

    it('pays nobody twice: a second run appends nothing', async () => {
      const before = await subsidyEventCount();
      const { runSubsidyBatch } = await platform.ok(ebSteward, RUN, { id: programId });
      expect(runSubsidyBatch).toMatchObject({ eligible: 3, submitted: 0, approved: 0, disbursed: 0, alreadyDisbursed: 3, stoppedBecause: null });
      expect(await subsidyEventCount()).toBe(before);
      const { rows } = await platform.store.pool.query<{ n: number }>(`select count(*)::int as n from event_store.events where type = 'SubsidyDisbursed'`);
      expect(rows[0].n).toBe(3);
    });

    it('two runs at once still pay each enterprise once', async () => {
      const extra = creditCode();
      await platform.ok(mrSteward, REGISTER_ENTERPRISE, { input: { creditCode: extra, name: '新晋制造有限公司', industryCode: 'C3911', employees: 15 } });
      await waitUntil(async () => (await platform.ok(mrSteward, `{ enterprises(filter: { industryCode: "C3911" }) { creditCode } }`)).enterprises.some((e: any) => e.creditCode === extra), {
        what: 'the new enterprise to be listed',
        timeoutMs: 10_000,
      });
      const runs = await Promise.all([platform.call(ebSteward, RUN, { id: programId }), platform.call(ebSteward, RUN, { id: programId })]);
      const { rows } = await platform.store.pool.query<{ n: number }>(
        `select count(*)::int as n from event_store.events where type = 'SubsidyDisbursed' and data->'beneficiary'->>'id' = $1`,
        [extra],
      );
      expect(rows[0].n).toBe(1);
      // Both runs go through: a step the other run took first is read again, not refused.
      expect(runs.map((run) => run.errors)).toEqual([undefined, undefined]);
      expect(runs.map((run) => run.data!.runSubsidyBatch.eligible)).toEqual([4, 4]);
    });

    it('refuses a batch from a consumer key', async () => {
      const answer = await platform.call((await platform.issueKey('economic-bureau', ['CONSUMER'])).apiKey, RUN, { id: programId });
      expect(answer.errors?.[0].extensions.code).toBe('FORBIDDEN');
    });
  });

  describe('an application the bureau may not check', () => {
    let applicationId: string;
    let residentId: string;

    it('records "cannot check: missing contract" and leaves the application pending', async () => {
      const { registerHousehold } = await platform.ok(psSteward, REGISTER_HOUSEHOLD, {
        input: {
          address: '杭州市西湖区文三路 90 号 3 幢 201 室',
          districtCode: '330106',
          districtName: '西湖区',
          streetCode: '330106001',
          streetName: '北山街道',
          communityCode: '330106001001',
          communityName: '宝石社区',
        },
      });
      const { registerResident } = await platform.ok(psSteward, REGISTER_RESIDENT, {
        input: { idNumber: idNumber('1960-03-01', 13), name: '王秀英', gender: 'MALE', birthDate: '1960-03-01', householdId: registerHousehold.id },
      });
      await platform.ok(ebSteward, CREATE_PROGRAM, {
        input: { id: 'elderly-care-2026', name: '高龄津贴', subject: 'RESIDENT', rules: [{ minAge: 60 }, { livesInDistrict: '330106' }], budget: 10_000, amountPerGrant: 500 },
      });
      const { applyForSubsidy } = await platform.ok(ebSteward, APPLY, { input: { programId: 'elderly-care-2026', subjectKind: 'RESIDENT', subjectId: registerResident.id } });
      expect(applyForSubsidy).toMatchObject({ status: 'SUBMITTED', lastCheck: null });

      applicationId = applyForSubsidy.id;
      residentId = registerResident.id;
      // The bureau asks for the birth date and the household's district only: what the rules read.
      const { checkSubsidyApplication } = await platform.ok(ebSteward, CHECK, { id: applicationId });
      expect(checkSubsidyApplication).toMatchObject({
        status: 'SUBMITTED',
        lastCheck: {
          outcome: 'CANNOT_CHECK',
          deniedCode: 'CONTRACT_REQUIRED',
          deniedReason: expect.stringMatching(/^cannot check: missing contract: no contract grants .*Resident.birthDate/),
          deniedFields: ['Household.districtCode', 'Resident.birthDate', 'Resident.household', 'Resident.id'],
          verdicts: [],
        },
      });
      const approve = await platform.call(ebSteward, 'mutation ($id: ID!) { approveSubsidyApplication(id: $id) { status } }', { id: applicationId });
      expect(approve.errors?.[0].extensions).toMatchObject({ code: 'INVALID_TRANSITION', reason: expect.stringMatching(/has not been checked/) });
    });

    it('is checked again once the population contracts are approved, ages reckoned on the application date', async () => {
      await contract(ebSystem, 'population.resident', ['id', 'birthDate', 'household'], psSteward);
      await contract(ebSystem, 'population.household', ['districtCode'], psSteward);
      await readableBy(ebSystem, `{ resident(id: "${residentId}") { id birthDate household { districtCode } } }`);
      const { checkSubsidyApplication } = await platform.ok(ebSteward, CHECK, { id: applicationId });
      const subsidyApplicationSubmittedAt = (await platform.ok(ebSteward, `{ subsidyApplication(id: "${applicationId}") { submittedAt } }`)).subsidyApplication.submittedAt;
      expect(checkSubsidyApplication).toMatchObject({ status: 'CHECKED', lastCheck: { outcome: 'ELIGIBLE', deniedCode: null } });
      const [age, district] = checkSubsidyApplication.lastCheck.verdicts;
      const onDate = applicationDate(subsidyApplicationSubmittedAt);
      expect(age).toMatchObject({ verdict: 'PASS', facts: { birthDate: '1960-03-01', onDate, age: ageOn('1960-03-01', onDate) } });
      expect(district).toMatchObject({ verdict: 'PASS', facts: { districtCode: '330106' } });
      const { subsidyApplication } = await platform.ok(ebSteward, APPLICATION, { id: applicationId });
      expect(subsidyApplication.history.map((h: any) => [h.type, h.status])).toEqual([
        ['SubsidyApplicationSubmitted', 'SUBMITTED'],
        ['SubsidyApplicationChecked', 'SUBMITTED'],
        ['SubsidyApplicationChecked', 'CHECKED'],
      ]);
    });

    it('refuses a second application of the same subject, and reading applications from another department', async () => {
      const again = await platform.call(ebSteward, APPLY, { input: { programId: 'stable-jobs-2026', subjectKind: 'ENTERPRISE', subjectId: enterprises.softwareBig } });
      expect(again.errors?.[0].extensions).toMatchObject({ code: 'VALIDATION_FAILED', reason: expect.stringMatching(/applied to program stable-jobs-2026 already/) });
      // The bureau's own system passes the gateway, but checking is for its stewards: refused before any data is read.
      const byConsumer = await platform.call(ebSystem, CHECK, { id: applicationId });
      expect(byConsumer.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: expect.stringContaining('checking a subsidy application') });
      // The applications are the bureau's data: another department needs a contract for them.
      const foreign = await platform.call(mrSteward, APPLICATIONS, { id: 'stable-jobs-2026' });
      expect(foreign.data ?? null).toBeNull();
      expect(['PURPOSE_REQUIRED', 'CONTRACT_REQUIRED']).toContain(foreign.errors?.[0].extensions.code);
    });
  });

  describe('an application checked by hand', () => {
    it('is checked through the gateway, approved, rejected or paid with who, why and when', async () => {
      const { applyForSubsidy } = await platform.ok(ebSteward, APPLY, {
        input: { programId: 'stable-jobs-2026', subjectKind: 'ENTERPRISE', subjectId: enterprises.manufacturerSmall },
      });
      const { checkSubsidyApplication } = await platform.ok(ebSteward, CHECK, { id: applyForSubsidy.id });
      expect(checkSubsidyApplication.lastCheck).toMatchObject({ outcome: 'INELIGIBLE' });
      expect(checkSubsidyApplication.lastCheck.verdicts[2]).toMatchObject({ verdict: 'FAIL', reason: '9 employees, 10 needed', facts: { employees: 9, status: null } });
      const reject = await platform.ok(ebSteward, 'mutation ($id: ID!) { rejectSubsidyApplication(id: $id, reason: "从业人数不足") { status } }', { id: applyForSubsidy.id });
      expect(reject.rejectSubsidyApplication.status).toBe('REJECTED');
      const paid = await platform.call(ebSteward, 'mutation ($id: ID!) { disburseSubsidy(id: $id) { status } }', { id: applyForSubsidy.id });
      expect(paid.errors?.[0].extensions.code).toBe('INVALID_TRANSITION');
      const { subsidyApplication } = await platform.ok(ebSteward, APPLICATION, { id: applyForSubsidy.id });
      expect(subsidyApplication.history.at(-1)).toEqual({ type: 'SubsidyApplicationRejected', status: 'REJECTED', reason: '从业人数不足', by: { department: 'economic-bureau', role: 'STEWARD' } });
    });
  });
});
