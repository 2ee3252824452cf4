import { randomBytes } from 'node:crypto';
import { waitUntil } from '@shuzhi/shared-kernel';
import { DATA_BUREAU } from '../../../governance/src/bootstrap/platform-admin.js';
import { credentialOf, type DemoCredential } from './demo-credentials.js';
import { AUDITOR, CITIZEN_CHANNEL, CIVIL_AFFAIRS, CIVIL_AFFAIRS_SYSTEM, DEMO_CONSENTING_RESIDENTS, POPULATION_STEWARD } from './demo-plan.js';
import { demoResidents, type DemoResident } from './demo-residents.js';
import { codeOf, type ApiAnswer, type ApiError, type PlatformApi } from './platform-api.js';

export interface TourOptions {
  api: PlatformApi;
  credentials: readonly DemoCredential[];
  /** How soon a withdrawn consent must stop the row (DESIGN.md: within a second). */
  withdrawalDeadlineMs?: number;
  /** How long a new contract, consent or access record may take to reach the gateway or the audit service. */
  settleTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface TourStepOutcome {
  title: string;
  ok: boolean;
  outcome: string;
}

/** A step whose outcome is not what the platform promises. */
export class TourCheckFailed extends Error {}

interface TourContext {
  purpose: string;
  subject: DemoResident;
  other: DemoResident;
  contractId?: string;
  consentId?: string;
  api: PlatformApi;
  keys: { admin: string; civilAffairs: string; steward: string; citizenChannel: string; auditor: string };
  withdrawalDeadlineMs: number;
  settleTimeoutMs: number;
}

const READ_TWO = 'query ($a: ID!, $b: ID!) { subject: resident(id: $a) { name idNumber birthDate } other: resident(id: $b) { name idNumber birthDate } }';
type TwoResidents = { subject: { name: string; idNumber: string; birthDate: string } | null; other: unknown };

const SUBMIT = 'mutation ($input: SubmitSharingContractInput!) { submitSharingContract(input: $input) { id status } }';

/** The tour's request: the resident's key (resident(id:) reads it), name masked, the ID number under `idNumberRule`, the birth date. */
const housingRequest = (tour: TourContext, idNumberRule: 'MASK' | 'HASH') => {
  const now = Date.now();
  return {
    datasetCode: 'population.resident',
    fields: ['id', 'name', 'idNumber', 'birthDate'],
    purpose: tour.purpose,
    legalBasis: '《城镇住房保障条例》（征求意见稿）第三十条',
    scenario: 'npm run demo',
    validFrom: new Date(now - 60_000).toISOString(),
    validTo: new Date(now + 30 * 86_400_000).toISOString(),
    masking: [
      { field: 'name', rule: 'MASK' },
      { field: 'idNumber', rule: idNumberRule },
    ],
    consentRequired: true,
  };
};

const check = (holds: boolean, what: string): void => {
  if (!holds) throw new TourCheckFailed(what);
};

const describe = (errors: readonly ApiError[] | undefined) =>
  (errors ?? []).map((e) => `${e.extensions?.code ?? 'ERROR'} (${e.extensions?.reason ?? e.message})`).join('; ') || 'no error';

/** The audit subgraph answers, or its operations are not in the supergraph yet. */
const auditAnswer = <T>(answer: ApiAnswer<T>): T => {
  const missing = answer.errors?.some((e) => /Cannot query field "(subjectAccessReport|verifyAuditChain)"/.test(e.message));
  if (missing) throw new TourCheckFailed('audit service not available: the gateway\'s graph has no audit operations');
  check(!answer.errors?.length && !!answer.data, `the audit service refused: ${describe(answer.errors)}`);
  return answer.data!;
};

const contractStep = (title: string, mutation: string, by: keyof TourContext['keys'], expected: string) => ({
  title,
  run: async (tour: TourContext) => {
    const answer = await tour.api.call<Record<string, { status: string }>>(tour.keys[by], mutation, { id: tour.contractId });
    const status = answer.data ? Object.values(answer.data)[0]?.status : undefined;
    check(status === expected, `expected the contract to be ${expected}, got ${status ?? describe(answer.errors)}`);
    return `contract ${tour.contractId} is ${status}`;
  },
});

/**
 * `npm run demo`: the life of one sharing contract, told through the gateway by the people who
 * take part. A fresh purpose each run, so the tour starts from a refusal however often it runs.
 */
export const TOUR_STEPS: ReadonlyArray<{
  title: string;
  /** Runs even when an earlier step failed: it needs nothing the others made. */
  independent?: boolean;
  run: (tour: TourContext) => Promise<string>;
}> = [
  {
    title: 'The data bureau registers a purpose for this tour',
    run: async (tour) => {
      await tour.api.ok(tour.keys.admin, 'mutation ($input: RegisterPurposeInput!) { registerPurpose(input: $input) { code } }', {
        input: { code: tour.purpose, name: '住房保障资格复核（演示）', description: 'npm run demo' },
      });
      return `purpose ${tour.purpose}`;
    },
  },
  {
    title: 'Civil affairs reads a resident without a contract: refused',
    run: async (tour) => {
      const answer = await tour.api.call(tour.keys.civilAffairs, READ_TWO, { a: tour.subject.id, b: tour.other.id }, { purpose: tour.purpose });
      check(codeOf(answer) === 'CONTRACT_REQUIRED' && !answer.data, `expected CONTRACT_REQUIRED, got ${describe(answer.errors)}`);
      return describe(answer.errors);
    },
  },
  {
    title: 'Civil affairs asks for the ID number masked beside the birth date: refused, the birth date would rebuild it',
    run: async (tour) => {
      const answer = await tour.api.call(tour.keys.civilAffairs, SUBMIT, { input: housingRequest(tour, 'MASK') });
      const reason = answer.errors?.[0]?.extensions?.reason ?? '';
      check(codeOf(answer) === 'VALIDATION_FAILED' && /rebuilt from birthDate/.test(reason), `expected VALIDATION_FAILED, got ${describe(answer.errors)}`);
      return describe(answer.errors);
    },
  },
  {
    title: 'Civil affairs requests a contract (masked name, hashed ID number, consent required)',
    run: async (tour) => {
      const answer = await tour.api.call<{ submitSharingContract: { id: string; status: string } }>(tour.keys.civilAffairs, SUBMIT, {
        input: housingRequest(tour, 'HASH'),
      });
      const contract = answer.data?.submitSharingContract;
      check(contract?.status === 'COMPLIANCE_REVIEW', `expected the request in COMPLIANCE_REVIEW, got ${contract?.status ?? describe(answer.errors)}`);
      tour.contractId = contract!.id;
      return `contract ${contract!.id} is ${contract!.status}`;
    },
  },
  contractStep(
    'The data bureau completes the compliance review',
    'mutation ($id: ID!) { completeComplianceReview(id: $id, approved: true, reason: "用途明确，字段最小必要") { status } }',
    'admin',
    'PROVIDER_REVIEW',
  ),
  contractStep(
    'Public security, the provider, approves',
    'mutation ($id: ID!) { approveSharingContract(id: $id, reason: "同意，按脱敏规则共享") { status } }',
    'steward',
    'ACTIVE',
  ),
  {
    title: 'The resident consents at the citizen channel',
    run: async (tour) => {
      const answer = await tour.api.call<{ grantConsent: { id: string; status: string; receipt: { signature: string } } }>(
        tour.keys.citizenChannel,
        'mutation ($input: GrantConsentInput!) { grantConsent(input: $input) { id status receipt { signature } } }',
        {
          input: {
            subjectId: tour.subject.id,
            consumerDepartmentCode: CIVIL_AFFAIRS,
            purpose: tour.purpose,
            datasetCode: 'population.resident',
            fields: ['name', 'idNumber', 'birthDate'],
            expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
          },
        },
      );
      const consent = answer.data?.grantConsent;
      check(consent?.status === 'ACTIVE' && !!consent.receipt.signature, `expected an ACTIVE consent with a receipt, got ${describe(answer.errors)}`);
      tour.consentId = consent!.id;
      return `consent ${consent!.id} is ACTIVE, receipt signed`;
    },
  },
  {
    title: 'Civil affairs reads again: the consenting resident masked, the other withheld',
    run: async (tour) => {
      let answer: ApiAnswer<TwoResidents> = { status: 0 };
      const read = async () => (answer = await tour.api.call<TwoResidents>(tour.keys.civilAffairs, READ_TWO, { a: tour.subject.id, b: tour.other.id }, { purpose: tour.purpose }));
      await waitUntil(async () => (await read()).data?.subject != null, { timeoutMs: tour.settleTimeoutMs, intervalMs: 100, what: 'the contract and consent to apply' }).catch(() => {
        throw new TourCheckFailed(`the approved contract and the consent did not apply: ${describe(answer.errors)}`);
      });
      const served = answer.data!.subject!;
      check(served.name !== tour.subject.name && served.name.includes('*'), `expected the name masked, got ${served.name}`);
      check(served.idNumber.startsWith('hmac-sha256:'), `expected the ID number hashed, got ${served.idNumber}`);
      check(served.birthDate === tour.subject.birthDate, `expected the birth date in clear, got ${served.birthDate}`);
      const withheld = answer.errors?.find((e) => e.path?.[0] === 'other');
      check(answer.data!.other === null && withheld?.extensions?.code === 'CONSENT_REQUIRED', `expected the other resident withheld with CONSENT_REQUIRED, got ${describe(answer.errors)}`);
      return `${served.name} ${served.idNumber} ${served.birthDate}; the other resident: CONSENT_REQUIRED`;
    },
  },
  {
    title: 'The resident withdraws consent: the row disappears',
    run: async (tour) => {
      const answer = await tour.api.call<{ withdrawConsent: { status: string } }>(tour.keys.citizenChannel, 'mutation ($id: ID!) { withdrawConsent(id: $id) { status } }', { id: tour.consentId });
      check(answer.data?.withdrawConsent.status === 'WITHDRAWN', `expected the consent WITHDRAWN, got ${describe(answer.errors)}`);
      const withdrawnAt = Date.now();
      let last: ApiAnswer<TwoResidents> = { status: 0 };
      const withheld = async () => {
        last = await tour.api.call<TwoResidents>(tour.keys.civilAffairs, READ_TWO, { a: tour.subject.id, b: tour.other.id }, { purpose: tour.purpose });
        return last.data?.subject === null && last.errors?.some((e) => e.path?.[0] === 'subject' && e.extensions?.code === 'CONSENT_REQUIRED') === true;
      };
      const late = () => new TourCheckFailed(`the row was still served ${tour.withdrawalDeadlineMs} ms after the withdrawal: ${JSON.stringify(last.data)}`);
      await waitUntil(withheld, { timeoutMs: tour.withdrawalDeadlineMs, intervalMs: 20, what: 'the withdrawal to apply' }).catch(() => {
        throw late();
      });
      // waitUntil looks once more after its deadline; the promise is the deadline itself.
      const elapsed = Date.now() - withdrawnAt;
      if (elapsed > tour.withdrawalDeadlineMs) throw late();
      return `CONSENT_REQUIRED ${elapsed} ms after the withdrawal`;
    },
  },
  {
    title: 'An auditor asks who read this resident\'s data (subject access report)',
    independent: true,
    run: async (tour) => {
      type Report = { subjectAccessReport: { entries: Array<{ department: string; purpose: string | null; fields: string[]; maskedFields: Array<{ field: string; rule: string }> }> } };
      let report: Report | undefined;
      await waitUntil(
        async () => {
          report = auditAnswer(
            await tour.api.call<Report>(
              tour.keys.auditor,
              'query ($id: ID!) { subjectAccessReport(subjectId: $id) { entries { department purpose fields maskedFields { field rule } } } }',
              { id: tour.subject.id },
            ),
          );
          // The masked read is the last of civil affairs' reads under this purpose: the refused and
          // withheld ones before it may reach the report first.
          return report.subjectAccessReport.entries.some((e) => e.purpose === tour.purpose && e.maskedFields.length > 0);
        },
        { timeoutMs: tour.settleTimeoutMs, intervalMs: 200, what: 'the read to reach the report' },
      ).catch((error: unknown) => {
        throw error instanceof TourCheckFailed ? error : new TourCheckFailed(`the report does not show civil affairs' masked read under ${tour.purpose}`);
      });
      const reads = report!.subjectAccessReport.entries.filter((e) => e.purpose === tour.purpose);
      check(
        reads.every((e) => e.department === CIVIL_AFFAIRS) && reads.some((e) => e.maskedFields.length > 0),
        `expected civil affairs' masked read in the report, got ${JSON.stringify(reads)}`,
      );
      const masked = reads.find((e) => e.maskedFields.length > 0)!.maskedFields;
      return `${report!.subjectAccessReport.entries.length} entries; this tour: ${reads.length} read(s) by ${CIVIL_AFFAIRS}, masked ${masked.map((m) => `${m.field} (${m.rule})`).join(', ')}`;
    },
  },
  {
    title: 'audit verify: the hash chain over the event log holds',
    independent: true,
    run: async (tour) => {
      type Verification = { verifyAuditChain: { ok: boolean; checkedEvents: number; seals: number; firstBadPosition: string | null; reason: string | null } };
      const { verifyAuditChain: verification } = auditAnswer(
        await tour.api.call<Verification>(tour.keys.auditor, '{ verifyAuditChain { ok checkedEvents seals firstBadPosition reason } }'),
      );
      check(verification.ok, `the chain does not verify: first bad position ${verification.firstBadPosition} (${verification.reason})`);
      return `ok: ${verification.checkedEvents} events in ${verification.seals} seals`;
    },
  },
];

/** A purpose code of its own for each run: the refusal at the start holds however often the tour runs. */
const tourPurpose = () => `HOUSING_REVIEW_${new Date().toISOString().slice(0, 10).replace(/-/g, '')}_${randomBytes(3).toString('hex').toUpperCase()}`;

/** Runs the steps in order, printing each outcome; after one fails, only the independent ones still run. */
export const runTour = async (options: TourOptions): Promise<TourStepOutcome[]> => {
  const log = options.log ?? console.log;
  const key = (department: string, roles: string[]) => credentialOf(options.credentials, department, roles).apiKey;
  const residents = demoResidents().slice(DEMO_CONSENTING_RESIDENTS);
  const pick = randomBytes(2).readUInt16BE() % (residents.length - 1);
  const tour: TourContext = {
    api: options.api,
    purpose: tourPurpose(),
    subject: residents[pick],
    other: residents[pick + 1],
    keys: {
      admin: key(DATA_BUREAU.code, ['PLATFORM']),
      civilAffairs: key(CIVIL_AFFAIRS_SYSTEM.department, CIVIL_AFFAIRS_SYSTEM.roles),
      steward: key(POPULATION_STEWARD.department, POPULATION_STEWARD.roles),
      citizenChannel: key(CITIZEN_CHANNEL.department, CITIZEN_CHANNEL.roles),
      auditor: key(AUDITOR.department, AUDITOR.roles),
    },
    withdrawalDeadlineMs: options.withdrawalDeadlineMs ?? 1_000,
    settleTimeoutMs: options.settleTimeoutMs ?? 15_000,
  };
  log(`Tour: ${tour.subject.name} (resident ${tour.subject.id}) and ${tour.other.name} (${tour.other.id}), purpose ${tour.purpose}`);
  const outcomes: TourStepOutcome[] = [];
  for (const [index, step] of TOUR_STEPS.entries()) {
    const title = `${index + 1}. ${step.title}`;
    if (outcomes.some((o) => !o.ok) && !step.independent) {
      outcomes.push({ title, ok: false, outcome: 'skipped: an earlier step failed' });
      log(`${title}\n   - skipped: an earlier step failed`);
      continue;
    }
    try {
      const outcome = await step.run(tour);
      outcomes.push({ title, ok: true, outcome });
      log(`${title}\n   ✓ ${outcome}`);
    } catch (error) {
      const outcome = error instanceof Error ? error.message : String(error);
      outcomes.push({ title, ok: false, outcome });
      log(`${title}\n   ✗ ${outcome}`);
    }
  }
  return outcomes;
};
