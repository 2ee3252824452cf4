import type { EventStore } from '@shuzhi/event-store';
import { DATA_BUREAU } from '../../../governance/src/bootstrap/platform-admin.js';
import { seedEnterprises } from '../../../enterprise/src/seed/seed-enterprises.js';
import { generatePopulation } from '../../../population/src/seed/population-generator.js';
import { writePopulation } from '../../../population/src/seed/seed-writer.js';
import { credentialOf, findCredential, readDemoCredentials, writeDemoCredentials, type DemoCredential } from './demo-credentials.js';
import {
  CITIZEN_CHANNEL,
  CIVIL_AFFAIRS,
  DEMO_CLIENTS,
  DEMO_CONSENTING_RESIDENTS,
  DEMO_CONTRACTS,
  DEMO_DEPARTMENTS,
  DEMO_ENTERPRISES,
  DEMO_POPULATION,
  DEMO_PROGRAM,
  DEMO_PURPOSES,
  ELDERLY_ALLOWANCE,
  SUBSIDY_STEWARD,
  demoScenarioOf,
  type DemoClient,
  type DemoContract,
} from './demo-plan.js';
import { demoResidentIds, demoResidents, type DemoResident } from './demo-residents.js';
import type { PlatformApi } from './platform-api.js';

export interface DemoSeedOptions {
  api: PlatformApi;
  /** Where demo-credentials.json lives: the data bureau's key is read from it, the demo clients are added to it. */
  dataDir: string;
  /** The event log the services' bulk seeds write residents and enterprises into. */
  store: EventStore;
  log?: (line: string) => void;
}

export interface DemoSeedResult {
  /** False when an earlier start had seeded everything and this one changed nothing. */
  seeded: boolean;
  credentials: DemoCredential[];
}

const SUBMIT = `mutation ($input: SubmitSharingContractInput!) { submitSharingContract(input: $input) { id status } }`;
const CONTRACTS = '{ sharingContracts { id status scenario } }';
const YEAR_MS = 365 * 24 * 3600 * 1000;

/**
 * The demo of `npm start`, through the gateway's public API as an operator would build it: the
 * data bureau's platform key registers departments and purposes and issues the demo clients'
 * keys, and each client then does its own part (requests, reviews, consents, a program).
 * Residents and enterprises in bulk come from the services' own seeds, through their deciders.
 * Every step looks before it acts, so a start cut short is finished by the next one; a start
 * after a complete seed costs one request.
 */
export const seedDemo = async ({ api, dataDir, store, log = console.log }: DemoSeedOptions): Promise<DemoSeedResult> => {
  const credentials = await readDemoCredentials(dataDir);
  const admin = credentialOf(credentials, DATA_BUREAU.code, ['PLATFORM']).apiKey;
  if (await alreadySeeded(api, credentials)) return { seeded: false, credentials };

  const started = performance.now();
  await registerMissing(api, admin);
  const keyOf = await issueClients(api, admin, dataDir, credentials);
  // The bulk rows go straight to the event log while the clients do their part at the gateway;
  // residents consent once the register holds them (governance refuses a subject it does not know).
  const [, contracts] = await Promise.all([
    seedRegisters(store, log).then(() => grantConsents(api, admin, keyOf(CITIZEN_CHANNEL))),
    settleContracts(api, admin, keyOf),
  ]);
  log(`Demo: sharing contracts ${contracts.join(', ')}`);
  await createProgram(api, keyOf(SUBSIDY_STEWARD));
  log(`Demo: seeded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return { seeded: true, credentials };
};

const seedRegisters = async (store: EventStore, log: (line: string) => void): Promise<void> => {
  const now = new Date().toISOString();
  const population = await writePopulation(store, generatePopulation({ ...DEMO_POPULATION, now }), { correlationId: 'demo-seed' });
  const enterprises = await seedEnterprises(store, { ...DEMO_ENTERPRISES, residentIds: demoResidentIds(now) });
  log(`Demo: ${population.residents} residents in ${population.households} households, ${enterprises.enterprises} enterprises`);
};

/** Every demo client is in the file and the last step's program exists: nothing to do. */
const alreadySeeded = async (api: PlatformApi, credentials: readonly DemoCredential[]): Promise<boolean> => {
  const steward = findCredential(credentials, SUBSIDY_STEWARD.department, SUBSIDY_STEWARD.roles);
  if (!steward || DEMO_CLIENTS.some((c) => !findCredential(credentials, c.department, c.roles))) return false;
  const answer = await api.call<{ subsidyProgram: { id: string } | null }>(steward.apiKey, 'query ($id: ID!) { subsidyProgram(id: $id) { id } }', { id: DEMO_PROGRAM.id });
  return answer.data?.subsidyProgram?.id === DEMO_PROGRAM.id;
};

const registerMissing = async (api: PlatformApi, admin: string): Promise<void> => {
  const { departments } = await api.ok<{ departments: Array<{ code: string }> }>(admin, '{ departments { code } }');
  for (const department of DEMO_DEPARTMENTS.filter((d) => !departments.some((known) => known.code === d.code))) {
    await api.ok(admin, 'mutation ($input: RegisterDepartmentInput!) { registerDepartment(input: $input) { code } }', { input: department });
  }
  const { purposes } = await api.ok<{ purposes: Array<{ code: string }> }>(admin, '{ purposes { code } }');
  for (const purpose of DEMO_PURPOSES.filter((p) => !purposes.some((known) => known.code === p.code))) {
    await api.ok(admin, 'mutation ($input: RegisterPurposeInput!) { registerPurpose(input: $input) { code } }', { input: purpose });
  }
};

/** Issues the demo clients the file lacks, saving each key as it comes; answers a demo client's key. */
const issueClients = async (api: PlatformApi, admin: string, dataDir: string, credentials: DemoCredential[]): Promise<(client: DemoClient) => string> => {
  for (const client of DEMO_CLIENTS.filter((c) => !findCredential(credentials, c.department, c.roles))) {
    const { issueClientKey } = await api.ok<{ issueClientKey: { clientId: string; apiKey: string } }>(
      admin,
      'mutation ($input: IssueClientKeyInput!) { issueClientKey(input: $input) { clientId apiKey } }',
      { input: { departmentCode: client.department, name: client.name, roles: client.roles } },
    );
    credentials.push({ department: client.department, roles: client.roles, ...issueClientKey });
    await writeDemoCredentials(dataDir, credentials);
  }
  const keyOf = (client: DemoClient) => credentialOf(credentials, client.department, client.roles).apiKey;
  await Promise.all(DEMO_CLIENTS.map((client) => api.untilKeyWorks(keyOf(client), client.name)));
  return keyOf;
};

/** Brings each demo contract to its state from wherever an earlier start left it. Answers "key: STATUS" lines. */
const settleContracts = async (api: PlatformApi, admin: string, keyOf: (client: DemoClient) => string): Promise<string[]> => {
  const { sharingContracts } = await api.ok<{ sharingContracts: Array<{ id: string; status: string; scenario: string | null }> }>(admin, CONTRACTS);
  const settle = async (contract: DemoContract): Promise<string> => {
    const scenario = demoScenarioOf(contract);
    let current = sharingContracts.find((c) => c.scenario === scenario) ?? (await submit(api, keyOf(contract.consumer), contract));
    for (;;) {
      const next = nextStep(contract, current.status);
      if (!next) break;
      const [mutation, variables, client] = next;
      const answer = await api.ok<Record<string, { id: string; status: string }>>(
        client === 'admin' ? admin : keyOf(client),
        mutation,
        { id: current.id, ...variables },
      );
      current = Object.values(answer)[0];
    }
    return `${contract.key}: ${current.status}`;
  };
  return Promise.all(DEMO_CONTRACTS.map(settle));
};

const submit = async (api: PlatformApi, consumerKey: string, contract: DemoContract) => {
  const now = Date.now();
  const { submitSharingContract } = await api.ok<{ submitSharingContract: { id: string; status: string } }>(consumerKey, SUBMIT, {
    input: {
      datasetCode: contract.datasetCode,
      fields: contract.fields,
      purpose: contract.purpose,
      legalBasis: contract.legalBasis,
      scenario: demoScenarioOf(contract),
      validFrom: new Date(now - 3_600_000).toISOString(),
      validTo: new Date(now + YEAR_MS).toISOString(),
      dailyQuota: contract.dailyQuota ?? null,
      masking: contract.masking ?? [],
      consentRequired: contract.consentRequired ?? false,
    },
  });
  return submitSharingContract;
};

type Step = [mutation: string, variables: object, by: DemoClient | 'admin'];

/** The transition that moves a contract towards its demo state, or null when it is there (or cannot get there). */
const nextStep = (contract: DemoContract, status: string): Step | null => {
  const reason = contract.reason ?? '';
  switch (status) {
    case 'COMPLIANCE_REVIEW':
      return [
        'mutation ($id: ID!, $statutoryBasis: Boolean) { completeComplianceReview(id: $id, approved: true, reason: "合规", statutoryBasis: $statutoryBasis) { id status } }',
        { statutoryBasis: contract.statutoryBasis ?? false },
        'admin',
      ];
    case 'PROVIDER_REVIEW':
      if (contract.state === 'PROVIDER_REVIEW') return null;
      if (contract.state === 'REJECTED') {
        return ['mutation ($id: ID!, $reason: String!) { rejectSharingContract(id: $id, reason: $reason) { id status } }', { reason }, contract.provider];
      }
      return ['mutation ($id: ID!) { approveSharingContract(id: $id, reason: "同意共享") { id status } }', {}, contract.provider];
    case 'ACTIVE':
      if (contract.state !== 'SUSPENDED') return null;
      return ['mutation ($id: ID!, $reason: String!) { suspendSharingContract(id: $id, reason: $reason) { id status } }', { reason }, contract.provider];
    default:
      return null;
  }
};

/** A few residents have consented, at the citizen channel, to the elderly allowance check. */
const grantConsents = async (api: PlatformApi, admin: string, channelKey: string): Promise<void> => {
  const expiresAt = new Date(Date.now() + YEAR_MS).toISOString();
  const consent = async (resident: DemoResident): Promise<void> => {
    const { consents } = await api.ok<{ consents: Array<{ status: string; purpose: string; consumer: { code: string } }> }>(
      admin,
      'query ($id: ID!) { consents(subjectId: $id) { status purpose consumer { code } } }',
      { id: resident.id },
    );
    if (consents.some((c) => c.status === 'ACTIVE' && c.purpose === ELDERLY_ALLOWANCE && c.consumer.code === CIVIL_AFFAIRS)) return;
    await api.ok(channelKey, 'mutation ($input: GrantConsentInput!) { grantConsent(input: $input) { id } }', {
      input: { subjectId: resident.id, consumerDepartmentCode: CIVIL_AFFAIRS, purpose: ELDERLY_ALLOWANCE, datasetCode: 'population.resident', fields: ['name', 'birthDate'], expiresAt },
    });
  };
  await Promise.all(demoResidents().slice(0, DEMO_CONSENTING_RESIDENTS).map(consent));
};

const createProgram = async (api: PlatformApi, stewardKey: string): Promise<void> => {
  const { subsidyProgram } = await api.ok<{ subsidyProgram: { id: string } | null }>(stewardKey, 'query ($id: ID!) { subsidyProgram(id: $id) { id } }', { id: DEMO_PROGRAM.id });
  if (subsidyProgram) return;
  await api.ok(stewardKey, 'mutation ($input: CreateSubsidyProgramInput!) { createSubsidyProgram(input: $input) { id } }', { input: DEMO_PROGRAM });
};
