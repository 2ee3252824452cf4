import type { Checkpoint, EventStore, RecordedEvent } from '@shuzhi/event-store';
import { LivePolicyIndex, policySnapshotProjection, type PolicyEntry, type PolicyIndex, type PolicySnapshot } from '@shuzhi/policy';

const PAGE = 1_000;

/**
 * The policy snapshot of any moment in the past, folded in memory from governance's events with
 * the very projection the gateway runs (`policySnapshotProjection`): the audit re-reads history
 * through the same pure code, never through a second policy.
 */
export class PolicyHistory {
  private readonly rows = new Map<string, PolicyEntry>();
  /**
   * Kept by `advanceTo`: a replay asks for the index at each record, and indexing the whole
   * snapshot again at each would cost every consent in the city per record.
   */
  private readonly live = new LivePolicyIndex([]);
  private after: Checkpoint | undefined;
  private buffered: RecordedEvent[] = [];
  private ended = false;

  constructor(private readonly store: EventStore) {}

  /**
   * Folds every governance event at or before `checkpoint` (a position of the log, as the
   * gateway cites it). Checkpoints must come in order: a range of records costs one pass.
   */
  async advanceTo(checkpoint: Checkpoint): Promise<void> {
    const applied: RecordedEvent[] = [];
    for (;;) {
      if (this.buffered.length === 0) {
        if (this.ended) break;
        await this.readPage();
        continue;
      }
      const next = this.buffered[0];
      if (this.store.compareCheckpoints(next.checkpoint, checkpoint) > 0) break;
      this.buffered.shift();
      this.apply(next);
      applied.push(next);
    }
    if (applied.length > 0) this.live.apply(applied);
  }

  snapshot(): PolicySnapshot {
    return snapshotOf(this.rows);
  }

  /** The snapshot as of the last `advanceTo`, indexed: what `indexSnapshot(snapshot())` gives, kept up event by event. */
  index(): PolicyIndex {
    return this.live.index;
  }

  /** The snapshot of the events recorded at or before `at`: contract and consent history as it stood then. */
  static async asOf(store: EventStore, at: Date): Promise<PolicySnapshot> {
    const history = new PolicyHistory(store);
    for (;;) {
      if (history.buffered.length === 0) {
        if (history.ended) break;
        await history.readPage();
        continue;
      }
      const event = history.buffered.shift()!;
      if (event.recordedAt.getTime() <= at.getTime()) history.apply(event);
    }
    return history.snapshot();
  }

  private async readPage(): Promise<void> {
    const page = await this.store.readAll({ after: this.after, limit: PAGE, types: policySnapshotProjection.types });
    this.buffered = page.events;
    this.after = page.checkpoint ?? this.after;
    this.ended = page.endOfLog;
  }

  private apply(event: RecordedEvent): void {
    for (const key of policySnapshotProjection.keysOf(event)) {
      const row = policySnapshotProjection.evolve(this.rows.get(key) ?? null, event);
      if (row) this.rows.set(key, row);
      else this.rows.delete(key);
    }
  }
}

/** As `loadPolicySnapshot` reads the table: rows in key order. */
const snapshotOf = (rows: ReadonlyMap<string, PolicyEntry>): PolicySnapshot => {
  const snapshot: PolicySnapshot = { contracts: [], consents: [], datasets: [] };
  for (const key of [...rows.keys()].sort()) {
    const { body } = rows.get(key)!;
    if (body.kind === 'contract') snapshot.contracts.push(body.grant);
    else if (body.kind === 'consent') snapshot.consents.push(body.grant);
    else snapshot.datasets.push(body.binding);
  }
  return snapshot;
};
