import { PostgresEventStore, type EventStore } from '@shuzhi/event-store';
import { systemClock, type CommandActor } from '@shuzhi/shared-kernel';
import { createTestDatabase, racedAfterFirstRead, type TestDatabase } from '@shuzhi/testing';
import type { EnterpriseFacts } from '../domain/eligibility-rules.js';
import { applicationStreamId, subsidyApplicationId } from '../domain/subsidy-ids.js';
import type { EnterprisePage, SharedData } from '../gateway-client/shared-data.js';
import type { SubsidyConfig } from '../subsidy.config.js';
import { SubsidyStreams } from './subsidy-streams.js';
import { SubsidyWorkflows, type BatchRun } from './subsidy-workflows.js';

const steward: CommandActor = { clientId: 'eb-steward', department: 'economic-bureau', roles: ['STEWARD'] };
const origin = { actor: steward, correlationId: 'b7d0c6a4-2f5e-4c1b-9a3d-1e2f3a4b5c6d' };
const enterpriseOf = (creditCode: string): EnterpriseFacts => ({ kind: 'ENTERPRISE', creditCode, found: true, status: 'ACTIVE', industryCode: 'C3911', employees: 15 });
const CREDIT_CODES = ['91330106MW0000015Q', '91330106MW0000023K', '91330106MW0000031E', '91330106MW000004X6', '91330106MW00000586'];

/** The register as the gateway would page it: here one page. */
const registerOf = (enterprises: EnterpriseFacts[]) =>
  ({
    async *enterprisePages(): AsyncGenerator<EnterprisePage> {
      yield { available: true, facts: enterprises, source: { correlationId: 'page-1', decisionIds: [], contractIds: [] } };
    },
  }) as unknown as SharedData;

describe('SubsidyWorkflows.runBatch against a run racing it (PostgreSQL)', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;

  const workflowsOver = (eventStore: EventStore, register: SharedData) => {
    const config = { store: eventStore, clock: systemClock, sharedData: register } as unknown as SubsidyConfig;
    return new SubsidyWorkflows(config, new SubsidyStreams(config));
  };
  const createProgram = (programId: string) =>
    workflowsOver(store, registerOf([])).createProgram(origin, programId, {
      name: '制造业稳岗补贴',
      subject: 'ENTERPRISE',
      rules: [{ enterpriseActive: true }, { industryIn: ['C'] }, { minEmployees: 10 }],
      budget: 100_000,
      amountPerGrant: 10_000,
    });
  const streamOf = (programId: string, creditCode: string) => applicationStreamId(subsidyApplicationId(programId, 'ENTERPRISE', creditCode));

  beforeAll(async () => {
    database = await createTestDatabase('subsidy_workflows');
    store = await PostgresEventStore.connect({ connectionString: database.url });
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  it('reads again when the other run paid the enterprise after this one read it, and pays once', async () => {
    const programId = 'stable-jobs-raced';
    await createProgram(programId);
    const register = registerOf([enterpriseOf(CREDIT_CODES[0])]);
    const streamId = streamOf(programId, CREDIT_CODES[0]);
    let other: BatchRun | undefined;
    // The other run takes the application all the way to paid once this one has read it.
    const run = await workflowsOver(
      racedAfterFirstRead(store, streamId, async () => {
        other = await workflowsOver(store, register).runBatch(origin, programId);
      }),
      register,
    ).runBatch(origin, programId);

    expect(other).toMatchObject({ eligible: 1, submitted: 1, approved: 1, disbursed: 1, alreadyDisbursed: 0, stoppedBecause: null });
    // It read the stream before it existed, chose to submit, found it paid, and wrote nothing.
    expect(run).toMatchObject({ examined: 1, eligible: 1, submitted: 0, approved: 0, disbursed: 0, alreadyDisbursed: 1, stoppedBecause: null });
    expect((await store.readStream(streamId)).map((e) => e.type)).toEqual([
      'SubsidyApplicationSubmitted',
      'SubsidyApplicationChecked',
      'SubsidyApplicationApproved',
      'SubsidyDisbursed',
    ]);
  });

  it('two runs at once count between them each step once, as it was written', async () => {
    const programId = 'stable-jobs-together';
    await createProgram(programId);
    const register = registerOf(CREDIT_CODES.map(enterpriseOf));
    const runs = await Promise.all([1, 2].map(() => workflowsOver(store, register).runBatch(origin, programId)));

    const total = (count: 'submitted' | 'approved' | 'disbursed') => runs[0][count] + runs[1][count];
    expect([total('submitted'), total('approved'), total('disbursed')]).toEqual([5, 5, 5]);
    expect(runs.map((run) => [run.eligible, run.stoppedBecause])).toEqual([
      [5, null],
      [5, null],
    ]);
    for (const creditCode of CREDIT_CODES) {
      expect((await store.readStream(streamOf(programId, creditCode))).map((e) => e.type)).toEqual([
        'SubsidyApplicationSubmitted',
        'SubsidyApplicationChecked',
        'SubsidyApplicationApproved',
        'SubsidyDisbursed',
      ]);
    }
  });
});
