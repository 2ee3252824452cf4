import type { ClientConfig } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import { PgListener, ProjectionRunner, readCheckpoint, type Checkpoint, type EventStore } from '@shuzhi/event-store';
import { LivePolicyIndex, indexSnapshot, loadGrantingEntries, policySnapshotProjection, type PolicyEntry, type PolicyIndex } from '@shuzhi/policy';
import { logger } from '@shuzhi/observability';
import { systemClock, waitUntil, type Clock } from '@shuzhi/shared-kernel';

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
 * Bindings in the log that the registry does not back (a dataset over a field no subgraph of its
 * provider resolves: published before the rule, or before the registry knew the subgraph): said
 * at start and whenever the set changes, and ignored by every decision.
 */
const reportUnowned = (bindings: PolicyIndex['unownedBindings']): void => {
  const said = bindings.map((b) => `${b.field} in ${b.datasetCode} (${b.providerDepartment})`);
  logger().warn({ unownedBindings: bindings }, `gateway: ignoring dataset bindings no subgraph of their provider resolves: ${said.join('; ')}`);
};

/** Governance events read per page while catching up. */
const PAGE = 1_000;
/**
 * A catch-up this often whatever NOTIFY says: a lost notification, a leader that died before
 * its commit, a failed read are all made good within it. And the log has no index by type, so
 * a read for governance's few events steps over every access record appended since the last
 * one: read every second, that is a second's worth, not an hour's after an hour without a
 * policy change.
 */
export const POLICY_POLL_MS = 1_000;

/**
 * How long the snapshot may go without being shown to follow the log (a read that reached its
 * end) before governed data is refused: a gateway cut off from the log must not go on serving
 * under a contract revoked or a consent withdrawn since.
 */
export const POLICY_FOLLOW_MS = 5_000;

interface LiveSnapshot {
  index: LivePolicyIndex;
  checkpoint: Checkpoint | undefined;
  /** The projection table it was loaded from: a rebuild swaps in another one. */
  table: number | null;
}

/**
 * Keeps the policy snapshot projection running and an indexed copy of it in memory. The copy
 * is loaded from the table and its checkpoint, read in one snapshot-isolated transaction (an
 * access record must cite the exact position its decision's data is as of), then moved forward
 * by folding governance's events from that position on each NOTIFY of the projection's commits,
 * so a suspension, revocation or withdrawn consent applies from the next request after it
 * commits. The table is read again only when the projection is rebuilt (a new version of its
 * rows, or a repair). Folding costs what changed: re-reading the table costs every consent in
 * the city (a second of the gateway's CPU per 100 000), and a reload per consent change would
 * leave the gateway behind and busy as soon as citizens grant and withdraw at any pace.
 */
export class GatewayPolicySnapshot {
  private readonly runner: ProjectionRunner<PolicyEntry>;
  private readonly listener: PgListener;
  private readonly table: string;
  private snapshot: IndexedSnapshot = { index: indexSnapshot({ contracts: [], consents: [], datasets: [], subgraphs: [], purposes: [] }), checkpoint: null, quotas: new Map() };
  private live: LiveSnapshot | undefined;
  private loading: Promise<void> | undefined;
  private again = false;
  private failing = false;
  private poll: NodeJS.Timeout | undefined;
  private stopped = false;
  /** When the last catch-up that reached the end of the log began (epoch ms); 0: never. */
  private followedAt = 0;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly store: EventStore,
    private readonly dataSource: DataSource,
    connection: ClientConfig,
    private readonly pollMs = POLICY_POLL_MS,
    private readonly clock: Clock = systemClock,
  ) {
    this.runner = new ProjectionRunner(store, dataSource, gatewayPolicyProjection, {
      notifyChannel: POLICY_CHANNEL,
      onError: (error) => console.error(`projection ${gatewayPolicyProjection.name}:`, error),
    });
    this.listener = new PgListener(connection, POLICY_CHANNEL, () => void this.reload());
    this.table = `gateway.${dataSource.getMetadata(gatewayPolicyProjection.entity).tableName}`;
  }

  async start(): Promise<void> {
    await this.dataSource.query('create schema if not exists gateway');
    this.runner.start();
    // The leader creates the table on its first lead; a standby replica finds it made.
    await waitUntil(async () => (await this.tableOid()) !== null, { timeoutMs: 60_000, what: 'the gateway policy snapshot read model' });
    // Listening first, then loading: a change that commits in between is loaded either way.
    this.listener.start();
    await this.reload();
    if (!this.stopped) this.poll = setInterval(() => void this.reload(), this.pollMs);
  }

  current(): IndexedSnapshot {
    return this.snapshot;
  }

  /** Milliseconds since the snapshot was last shown to be at the end of the log. */
  behindMs(): number {
    return this.clock.now().getTime() - this.followedAt;
  }

  /**
   * Whether the snapshot follows the log: caught up to its end within `POLICY_FOLLOW_MS`. When
   * it has not been shown to lately (the poll is slow, or the log was idle), one catch-up is
   * made now, waited for a second at most, so a request pays for it only after a quiet spell.
   */
  async following(): Promise<boolean> {
    if (this.behindMs() <= POLICY_FOLLOW_MS) return true;
    await this.catchUpNow();
    return this.behindMs() <= POLICY_FOLLOW_MS;
  }

  /**
   * One catch-up with the log now, waited for a second at most: for a request that names what the
   * snapshot does not know yet (a purpose registered a moment ago), before it is refused.
   */
  async catchUpNow(): Promise<void> {
    await Promise.race([this.reload(), new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
  }

  /**
   * Whether the snapshot is as of `checkpoint` at least, so that everything the policy did before
   * that position in the log applies (a change fed from there is decided after a suspension or a
   * withdrawal that came before it). Catches up for `timeoutMs` at most to get there; a
   * malformed checkpoint is never reached.
   */
  async reached(checkpoint: string, timeoutMs = 1_000): Promise<boolean> {
    const reached = () => {
      const current = this.snapshot.checkpoint as Checkpoint | null;
      return current !== null && this.store.compareCheckpoints(checkpoint as Checkpoint, current) <= 0;
    };
    try {
      if (reached()) return true;
    } catch {
      return false;
    }
    const deadline = Date.now() + timeoutMs;
    while (!this.stopped && Date.now() < deadline) {
      await Promise.race([this.reload(), new Promise((resolve) => setTimeout(resolve, deadline - Date.now()).unref())]);
      if (reached()) return true;
    }
    return false;
  }

  /** Calls `listener` when the contracts, datasets or purposes a decision reads change (not for consents). */
  onPolicyChanged(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async stop(): Promise<void> {
    this.stopped = true;
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
    this.loading = this.catchUp()
      .then(() => {
        if (this.failing) console.warn('gateway: the policy snapshot caught up again');
        this.failing = false;
      })
      .catch((error) => {
        // Said once, not every poll; the last snapshot keeps serving meanwhile.
        if (!this.failing) console.error('gateway: the policy snapshot could not catch up; trying again at each poll:', error);
        this.failing = true;
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
    const started = this.clock.now().getTime();
    if (!this.live || this.live.table !== (await this.tableOid())) {
      this.live = await this.load();
      this.publish(this.live.index.index, this.live);
    }
    const live = this.live;
    for (;;) {
      const page = await this.store.readAll({ after: live.checkpoint, limit: PAGE, types: gatewayPolicyProjection.types });
      const index = page.events.length > 0 ? live.index.apply(page.events) : live.index.index;
      live.checkpoint = page.checkpoint ?? live.checkpoint;
      this.publish(index, live);
      if (page.endOfLog) {
        this.followedAt = started;
        return;
      }
    }
  }

  /** The table, the checkpoint it is as of and which table it was, in one snapshot. */
  private load(): Promise<LiveSnapshot> {
    return this.dataSource.transaction('REPEATABLE READ', async (tx) => ({
      table: await this.tableOid(tx),
      checkpoint: await readCheckpoint(tx, gatewayPolicyProjection.name),
      index: new LivePolicyIndex(await loadGrantingEntries(tx)),
    }));
  }

  /** Never backwards: a table read again after a rebuild may start behind what the log already gave. */
  private publish(index: PolicyIndex, live: LiveSnapshot): void {
    const published = this.snapshot.checkpoint as Checkpoint | null;
    if (published !== null && (live.checkpoint === undefined || this.store.compareCheckpoints(live.checkpoint, published) < 0)) return;
    const quotas = index.contracts === this.snapshot.index.contracts ? this.snapshot.quotas : quotasOf(live.index.contracts());
    if (index.unownedBindings !== this.snapshot.index.unownedBindings && index.unownedBindings.length > 0) reportUnowned(index.unownedBindings);
    const before = this.snapshot.index;
    this.snapshot = { index, checkpoint: live.checkpoint ?? null, quotas };
    if (index.contracts !== before.contracts || index.types !== before.types || index.purposes !== before.purposes || index.subgraphs !== before.subgraphs) {
      for (const listener of this.listeners) listener();
    }
  }

  private async tableOid(tx: EntityManager = this.dataSource.manager): Promise<number | null> {
    const [{ oid }]: Array<{ oid: number | null }> = await tx.query('select to_regclass($1)::oid::int8 as oid', [this.table]);
    return oid === null ? null : Number(oid);
  }
}
