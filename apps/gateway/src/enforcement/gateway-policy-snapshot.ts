import type { ClientConfig } from 'pg';
import type { DataSource } from 'typeorm';
import { PgListener, ProjectionRunner, readCheckpoint, type Checkpoint, type EventStore } from '@shuzhi/event-store';
import { LivePolicyIndex, indexSnapshot, loadGrantingEntries, policySnapshotProjection, type PolicyEntry, type PolicyIndex } from '@shuzhi/policy';
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

/** Governance events read per page while catching up. */
const PAGE = 1_000;
/** After a failed catch-up, the next try: a NOTIFY might not come for a while. */
const RETRY_MS = 1_000;
/**
 * A catch-up this often whatever NOTIFY says. The log has no index by type, so a read for
 * governance's few events steps over every access record appended since the last one; read
 * every second, that is a second's worth, where an hour without a policy change would make
 * the next catch-up step over an hour's.
 */
const POLL_MS = 1_000;

/**
 * Keeps the policy snapshot projection running and an indexed copy of it in memory. The copy
 * is loaded once from the table and its checkpoint, read in one snapshot-isolated transaction
 * (an access record must cite the exact position its decision's data is as of), then moved
 * forward by folding governance's events from that position on each NOTIFY of the projection's
 * commits, so a suspension, revocation or withdrawn consent applies from the next request after
 * it commits. Folding costs what changed: re-reading the table costs every consent in the
 * city (a second of the gateway's CPU per 100 000), and a reload per consent change would
 * leave the gateway behind and busy as soon as citizens grant and withdraw at any pace.
 */
export class GatewayPolicySnapshot {
  private readonly runner: ProjectionRunner<PolicyEntry>;
  private readonly listener: PgListener;
  private snapshot: IndexedSnapshot = { index: indexSnapshot({ contracts: [], consents: [], datasets: [] }), checkpoint: null, quotas: new Map() };
  private live: { index: LivePolicyIndex; checkpoint: Checkpoint | undefined } | undefined;
  private loading: Promise<void> | undefined;
  private again = false;
  private retry: NodeJS.Timeout | undefined;
  private poll: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly store: EventStore,
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
    this.poll = setInterval(() => void this.reload(), POLL_MS);
  }

  current(): IndexedSnapshot {
    return this.snapshot;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    clearInterval(this.poll);
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
    clearTimeout(this.retry);
    this.loading = this.catchUp()
      .catch((error) => {
        console.error('gateway: the policy snapshot could not catch up; loading it afresh:', error);
        // A fold that failed half-way may have moved some rows and not the index: start over.
        this.live = undefined;
        if (!this.stopped) this.retry = setTimeout(() => void this.reload(), RETRY_MS);
      })
      .finally(() => {
        this.loading = undefined;
        if (this.again) {
          this.again = false;
          void this.reload();
        }
      });
    return this.loading;
  }

  private async catchUp(): Promise<void> {
    const live = (this.live ??= await this.load());
    for (;;) {
      const page = await this.store.readAll({ after: live.checkpoint, limit: PAGE, types: gatewayPolicyProjection.types });
      const index = page.events.length > 0 ? live.index.apply(page.events) : live.index.index;
      live.checkpoint = page.checkpoint ?? live.checkpoint;
      this.publish(index, live);
      if (page.endOfLog) return;
    }
  }

  /** The table and the checkpoint it is as of, in one snapshot. */
  private async load(): Promise<{ index: LivePolicyIndex; checkpoint: Checkpoint | undefined }> {
    const loaded = await this.dataSource.transaction('REPEATABLE READ', async (tx) => ({
      checkpoint: await readCheckpoint(tx, gatewayPolicyProjection.name),
      index: new LivePolicyIndex(await loadGrantingEntries(tx)),
    }));
    this.publish(loaded.index.index, loaded);
    return loaded;
  }

  private publish(index: PolicyIndex, live: { index: LivePolicyIndex; checkpoint: Checkpoint | undefined }): void {
    const quotas = index.contracts === this.snapshot.index.contracts ? this.snapshot.quotas : quotasOf(live.index.contracts());
    this.snapshot = { index, checkpoint: live.checkpoint ?? null, quotas };
  }
}
