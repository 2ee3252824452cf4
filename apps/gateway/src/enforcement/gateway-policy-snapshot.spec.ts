import pg from 'pg';
import type { DataSource } from 'typeorm';
import { openReadModels, PostgresEventStore, ProjectionRunner, type Checkpoint } from '@shuzhi/event-store';
import { PolicyEntry } from '@shuzhi/policy';
import { createTestDatabase, waitUntil, type TestDatabase } from '@shuzhi/testing';
import { GatewayPolicySnapshot, gatewayPolicyProjection, POLICY_CHANNEL } from './gateway-policy-snapshot.js';

const by = { clientId: 'steward', department: 'public-security', roles: [] };
const at = '2026-11-01T00:00:00Z';
const DATASET = 'population.resident';

/** Governance's events for a dataset with two ACTIVE contracts of human-resources on it. */
const governanceHistory = [
  {
    streamId: `dataset-${DATASET}`,
    type: 'DatasetPublished',
    data: { code: DATASET, graphqlType: 'Resident', sharingType: 'CONDITIONAL', providerDepartment: 'public-security', by, at },
  },
  {
    streamId: `dataset-${DATASET}`,
    type: 'SchemaVersionRegistered',
    data: { datasetCode: DATASET, fields: [{ name: 'name', classification: 'PERSONAL' }], by, at },
  },
  ...['c-1', 'c-2'].flatMap((contractId) => [
    {
      streamId: `contract-${contractId}`,
      type: 'ContractSubmitted',
      data: {
        terms: {
          contractId,
          datasetCode: DATASET,
          consumerDepartment: 'human-resources',
          providerDepartment: 'public-security',
          fields: ['name'],
          purpose: 'SUBSIDY_ELIGIBILITY',
          validFrom: '2026-01-01T00:00:00Z',
          validTo: '2027-01-01T00:00:00Z',
          dailyQuota: null,
          masking: [],
          consentRequired: false,
        },
      },
    },
    { streamId: `contract-${contractId}`, type: 'ContractActivated', data: { at, by, reason: 'approved' } },
  ]),
];

/**
 * A running gateway's policy follows the log from the table it loaded; when the projection is
 * rebuilt (a new version of its rows, or an operator's repair), the running gateway must read
 * the new table, or whatever was wrong with the old one stays in its memory until it restarts.
 */
describe('gateway policy snapshot, against PostgreSQL', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  let dataSource: DataSource;
  let admin: pg.Client;
  /** Stopped after the test, passed or failed: a runner left leading would keep jest from exiting. */
  const running: Array<{ stop(): Promise<unknown> }> = [];

  beforeAll(async () => {
    database = await createTestDatabase('gateway_policy');
    store = await PostgresEventStore.connect({ connectionString: database.url });
    dataSource = await openReadModels(database.url, 'gateway', [PolicyEntry]);
    admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
  });
  afterAll(async () => {
    for (const started of running.reverse()) await started.stop();
    await admin.end();
    await dataSource.destroy();
    await store.close();
    await database.drop();
  });

  /** The ACTIVE contracts a gateway's decisions see now. */
  const grantedContracts = (snapshot: GatewayPolicySnapshot) =>
    [...snapshot.current().index.contracts.values()]
      .flat()
      .map((contract) => contract.id)
      .sort();

  it('reads its table again when the projection is rebuilt, repairing what it had loaded', async () => {
    let head: Checkpoint | undefined;
    for (const event of governanceHistory) {
      head = (await store.appendToStream(event.streamId, [{ type: event.type, data: event.data }], { expectedVersion: 'any' })).checkpoint;
    }
    // An operator's runner of the projection, started first so that it leads: the gateway's own
    // runner waits as a standby, and its snapshot moves only by what the table and log say.
    const operator = new ProjectionRunner(store, dataSource, gatewayPolicyProjection, { notifyChannel: POLICY_CHANNEL });
    running.push(operator);
    operator.start();
    await operator.waitFor(head!);

    // A damaged table (a row lost), loaded by a gateway that starts now: its memory lacks c-2,
    // and the log from the table's checkpoint on does not bring it back.
    const table = dataSource.getMetadata(PolicyEntry);
    await admin.query(`delete from "${table.schema}"."${table.tableName}" where key = 'contract:c-2'`);
    // The poll is a minute away: within this test, only the rebuild's NOTIFY can move the snapshot.
    const gateway = new GatewayPolicySnapshot(store, dataSource, { connectionString: database.url }, 60_000);
    running.push(gateway);
    await gateway.start();
    expect(grantedContracts(gateway)).toEqual(['c-1']);

    // The repair: the table rebuilt from the log and swapped in.
    await operator.rebuild();
    await waitUntil(() => grantedContracts(gateway).length === 2, { timeoutMs: 10_000, what: 'the rebuilt table to reach the running gateway' });
    expect(grantedContracts(gateway)).toEqual(['c-1', 'c-2']);
  });

  it('says it no longer follows the log when it has not caught up for more than 5 s, and follows again once it does', async () => {
    let now = Date.parse('2026-12-07T10:00:00.000Z');
    let reachable = true;
    // The log as the gateway reaches it: cut off on demand, as a network partition would.
    const cutOff = new Proxy(store, {
      get: (target, property, receiver) =>
        property === 'readAll' && !reachable
          ? () => Promise.reject(new Error('connection refused'))
          : (Reflect.get(target, property, receiver) as unknown),
    });
    const gateway = new GatewayPolicySnapshot(cutOff, dataSource, { connectionString: database.url }, 60_000, { now: () => new Date(now) });
    running.push(gateway);
    await gateway.start();
    expect(await gateway.following()).toBe(true);

    reachable = false;
    now += 4_000;
    expect(await gateway.following()).toBe(true);
    now += 2_000;
    expect(await gateway.following()).toBe(false);
    expect(gateway.behindMs()).toBeGreaterThan(5_000);

    reachable = true;
    expect(await gateway.following()).toBe(true);
  });
});
