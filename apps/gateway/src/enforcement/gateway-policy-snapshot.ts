import type { ClientConfig } from 'pg';
import type { DataSource } from 'typeorm';
import { PgListener, ProjectionRunner, type EventStore } from '@shuzhi/event-store';
import { indexSnapshot, loadPolicySnapshot, policySnapshotProjection, type PolicyEntry, type PolicyIndex } from '@shuzhi/policy';
import { waitUntil } from '@shuzhi/shared-kernel';

/** NOTIFY channel of the gateway's policy snapshot projection. */
export const POLICY_CHANNEL = 'gateway_policy';

/**
 * The gateway's own subscription: its checkpoint is its own, apart from the audit service's
 * projection of the same events, and its table lives in the `gateway` schema.
 */
export const gatewayPolicyProjection = { ...policySnapshotProjection, name: 'gateway.policy-snapshot' };

/** The indexed snapshot a decision reads, and the checkpoint it is as of (cited in access records). */
export interface IndexedSnapshot {
  index: PolicyIndex;
  checkpoint: string | null;
  /** Contract id → its daily row quota, for the ACTIVE contracts that have one. */
  quotas: ReadonlyMap<string, number>;
}

const quotasOf = (contracts: ReadonlyArray<{ id: string; status: string; dailyQuota: number | null }>): ReadonlyMap<string, number> =>
  new Map(contracts.flatMap((c) => (c.status === 'ACTIVE' && c.dailyQuota !== null ? [[c.id, c.dailyQuota] as const] : [])));

/**
 * Keeps the policy snapshot projection running and an indexed copy of it in memory, reloaded on
 * each NOTIFY of the projection's commits, so a suspension, revocation or withdrawn consent
 * applies from the next request after it commits. It does what `PolicySnapshotCache` does,
 * plus reading the table and its checkpoint in one snapshot-isolated transaction: an access
 * record must cite the exact position the decision's data is as of.
 */
export class GatewayPolicySnapshot {
  private readonly runner: ProjectionRunner<PolicyEntry>;
  private readonly listener: PgListener;
  private snapshot: IndexedSnapshot = { index: indexSnapshot({ contracts: [], consents: [], datasets: [] }), checkpoint: null, quotas: new Map() };
  private loading: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    store: EventStore,
    private readonly dataSource: DataSource,
    connection: ClientConfig,
  ) {
    this.runner = new ProjectionRunner(store, dataSource, gatewayPolicyProjection, {
      notifyChannel: POLICY_CHANNEL,
      onError: (error) => console.error(`projection ${gatewayPolicyProjection.name}:`, error),
    });
    this.listener = new PgListener(connection, POLICY_CHANNEL, () => void this.reload());
  }

  async start(): Promise<void> {
    await this.dataSource.query('create schema if not exists gateway');
    this.runner.start();
    // The leader creates the table on its first lead; a standby replica finds it made.
    const table = this.dataSource.getMetadata(gatewayPolicyProjection.entity).tableName;
    await waitUntil(
      async () => {
        const [{ exists }] = await this.dataSource.query(`select to_regclass('gateway.' || $1) is not null as exists`, [table]);
        return exists;
      },
      { timeoutMs: 60_000, what: 'the gateway policy snapshot read model' },
    );
    // Listening first, then loading: a change that commits in between is loaded either way.
    this.listener.start();
    await this.reload();
  }

  current(): IndexedSnapshot {
    return this.snapshot;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.runner.stop();
    await this.listener.close();
    await this.loading;
  }

  private reload(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.loading) {
      this.again = true;
      return this.loading;
    }
    this.loading = this.dataSource
      .transaction('REPEATABLE READ', async (tx) => {
        const rows: Array<{ checkpoint: string | null }> = await tx.query(
          'select checkpoint from event_store.subscription_checkpoints where name = $1',
          [gatewayPolicyProjection.name],
        );
        return { snapshot: await loadPolicySnapshot(tx), checkpoint: rows[0]?.checkpoint ?? null };
      })
      .then(({ snapshot, checkpoint }) => {
        this.snapshot = { index: indexSnapshot(snapshot), checkpoint, quotas: quotasOf(snapshot.contracts) };
      })
      .catch((error) => console.error('gateway: policy snapshot reload failed:', error))
      .finally(() => {
        this.loading = undefined;
        if (this.again) {
          this.again = false;
          void this.reload();
        }
      });
    return this.loading;
  }
}
