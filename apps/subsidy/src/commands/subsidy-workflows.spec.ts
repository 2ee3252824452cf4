import { PostgresEventStore, type EventStore } from '@shuzhi/event-store';
import { systemClock, type CommandActor } from '@shuzhi/shared-kernel';
import { createTestDatabase, type TestDatabase } from '@shuzhi/testing';
import type { EnterpriseFacts } from '../domain/eligibility-rules.js';
import { applicationStreamId, subsidyApplicationId } from '../domain/subsidy-ids.js';
import type { EnterprisePage, SharedData } from '../gateway-client/shared-data.js';
import type { SubsidyConfig } from '../subsidy.config.js';
import { SubsidyStreams } from './subsidy-streams.js';
import { SubsidyWorkflows, type BatchRun } from './subsidy-workflows.js';

const steward: CommandActor = { clientId: 'eb-steward', department: 'economic-bureau', roles: ['STEWARD'] };
const origin = { actor: steward, correlationId: 'b7d0c6a4-2f5e-4c1b-9a3d-1e2f3a4b5c6d' };
const PROGRAM = 'stable-jobs-2026';
const enterprise: EnterpriseFacts = { kind: 'ENTERPRISE', creditCode: '91330106MB0000094T', found: true, status: 'ACTIVE', industryCode: 'C3911', employees: 15 };

/** The register as the gateway would page it: here one page with one enterprise. */
const register = {
  async *enterprisePages(): AsyncGenerator<EnterprisePage> {
    yield { available: true, facts: [enterprise], source: { correlationId: 'page-1', decisionIds: [], contractIds: [] } };
  },
} as unknown as SharedData;

/**
 * The moment a batch run races another: the store hands the run the application's stream as it
 * was, and the other run then takes the application all the way to paid before the run writes.
 */
const racedOnce = (store: EventStore, streamId: string, race: () => Promise<unknown>): EventStore => {
  let raced = false;
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property !== 'readStream') return Reflect.get(target, property, receiver);
      return async (...args: Parameters<EventStore['readStream']>) => {
        const history = await target.readStream(...args);
        if (args[0] === streamId && !raced) {
          raced = true;
          await race();
        }
        return history;
      };
    },
  });
};

describe('SubsidyWorkflows.runBatch against a run racing it (PostgreSQL)', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;

  const workflowsOver = (eventStore: EventStore) => {
    const config = { store: eventStore, clock: systemClock, sharedData: register } as unknown as SubsidyConfig;
    return new SubsidyWorkflows(config, new SubsidyStreams(config));
  };

  beforeAll(async () => {
    database = await createTestDatabase('subsidy_workflows');
    store = await PostgresEventStore.connect({ connectionString: database.url });
    await workflowsOver(store).createProgram(origin, PROGRAM, {
      name: '制造业稳岗补贴',
      subject: 'ENTERPRISE',
      rules: [{ enterpriseActive: true }, { industryIn: ['C'] }, { minEmployees: 10 }],
      budget: 30_000,
      amountPerGrant: 10_000,
    });
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  it('reads again when the other run paid the enterprise after this one read it, and pays once', async () => {
    const streamId = applicationStreamId(subsidyApplicationId(PROGRAM, 'ENTERPRISE', enterprise.creditCode));
    let other: BatchRun | undefined;
    const run = await workflowsOver(
      racedOnce(store, streamId, async () => {
        other = await workflowsOver(store).runBatch(origin, PROGRAM);
      }),
    ).runBatch(origin, PROGRAM);

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
});
