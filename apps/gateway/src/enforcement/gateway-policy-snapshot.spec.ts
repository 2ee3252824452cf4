import { jest } from '@jest/globals';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { openReadModels, PostgresEventStore } from '@shuzhi/event-store';
import { PolicyEntry } from '@shuzhi/policy';
import { createTestDatabase, waitUntil, type TestDatabase } from '@shuzhi/testing';
import { GatewayPolicySnapshot, gatewayPolicyProjection } from './gateway-policy-snapshot.js';

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
  const running: GatewayPolicySnapshot[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('gateway_policy');
    store = await PostgresEventStore.connect({ connectionString: database.url });
    dataSource = await openReadModels(database.url, 'gateway', [PolicyEntry]);
    admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
  });
  afterAll(async () => {
    for (const snapshot of running) await snapshot.stop();
    await admin.end();
    await dataSource.destroy();
    await store.close();
    await database.drop();
  });

  /** A gateway's snapshot, started; the poll is a minute away, so only NOTIFY moves it within a test. */
  const startSnapshot = async () => {
    const snapshot = new GatewayPolicySnapshot(store, dataSource, { connectionString: database.url }, 60_000);
    running.push(snapshot);
    await snapshot.start();
    return snapshot;
  };
  /** The sessions holding an advisory lock in this database: a projection runner's lead. */
  const lockHolders = async () =>
    (
      await admin.query<{ pid: number }>(
        `select pid from pg_locks where locktype = 'advisory' and granted and database = (select oid from pg_database where datname = current_database())`,
      )
    ).rows.map((row) => row.pid);
  /** The ACTIVE contracts a gateway's decisions see now. */
  const grantedContracts = (snapshot: GatewayPolicySnapshot) =>
    [...snapshot.current().index.contracts.values()]
      .flat()
      .map((contract) => contract.id)
      .sort();

  it('reads its table again when the projection is rebuilt, repairing what it had loaded', async () => {
    for (const event of governanceHistory) {
      await store.appendToStream(event.streamId, [{ type: event.type, data: event.data }], { expectedVersion: 'any' });
    }
    const first = await startSnapshot();
    await waitUntil(() => grantedContracts(first).length === 2, { what: 'both contracts to reach the first gateway' });
    await first.stop();

    // A damaged table (a row lost), loaded by a gateway that starts now: its memory lacks c-2,
    // and the log from the table's checkpoint on does not bring it back.
    await admin.query(`delete from gateway.policy_entries where key = 'contract:c-2'`);
    const gateway = await startSnapshot();
    expect(grantedContracts(gateway)).toEqual(['c-1']);

    // The repair: the projection's next leader finds its table outdated and rebuilds it from
    // the log. Here that is the running gateway's own runner, once it leads, made to lead again
    // by ending its lock's session, as a lost connection would.
    await waitUntil(async () => (await lockHolders()).length === 1, { what: "the gateway's runner to lead" });
    await admin.query('update event_store.subscription_checkpoints set version = version - 1 where name = $1', [gatewayPolicyProjection.name]);
    // The runner reports its lost connection; the test reads what the gateway serves.
    const failures = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const [leader] = await lockHolders();
      await admin.query('select pg_terminate_backend($1)', [leader]);
      await waitUntil(() => grantedContracts(gateway).length === 2, { timeoutMs: 10_000, what: 'the rebuilt table to reach the running gateway' });
    } finally {
      failures.mockRestore();
    }
    expect(grantedContracts(gateway)).toEqual(['c-1', 'c-2']);
  });
});
