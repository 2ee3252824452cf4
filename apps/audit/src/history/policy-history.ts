import type { Checkpoint, EventStore, RecordedEvent } from '@shuzhi/event-store';
import {
  LivePolicyIndex,
  foldPolicyEvent,
  policySnapshotProjection,
  snapshotOfEntries,
  type PolicyEntry,
  type PolicyIndex,
  type PolicySnapshot,
} from '@shuzhi/policy';

const PAGE = 1_000;

/**
 * The policy snapshot of any moment in the past, folded in memory from governance's events with
 * the very projection the gateway runs (`policySnapshotProjection`, through the same
 * `LivePolicyIndex`): the audit re-reads history through the same pure code, never through a
 * second policy.
 */
export class PolicyHistory {
  /**
   * A replay asks for the index at each record: kept up event by event, where indexing the
   * whole snapshot again at each record would cost every consent in the city per record.
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
    const due: RecordedEvent[] = [];
    for (;;) {
      if (this.buffered.length === 0) {
        if (this.ended) break;
        // The events taken so far are folded first: a page that fails to come loses none of them.
        if (due.length > 0) this.live.apply(due.splice(0));
        await this.readPage();
        continue;
      }
      if (this.store.compareCheckpoints(this.buffered[0].checkpoint, checkpoint) > 0) break;
      due.push(this.buffered.shift()!);
    }
    if (due.length > 0) this.live.apply(due);
  }

  /** The snapshot as of the last `advanceTo`, indexed: what `indexSnapshot` gives of it. */
  index(): PolicyIndex {
    return this.live.index;
  }

  /** The snapshot of the events recorded at or before `at`: contract and consent history as it stood then. */
  static async asOf(store: EventStore, at: Date): Promise<PolicySnapshot> {
    const history = new PolicyHistory(store);
    const rows = new Map<string, PolicyEntry>();
    for (;;) {
      if (history.buffered.length === 0) {
        if (history.ended) break;
        await history.readPage();
        continue;
      }
      const event = history.buffered.shift()!;
      if (event.recordedAt.getTime() <= at.getTime()) foldPolicyEvent(rows, event);
    }
    return snapshotOfEntries(rows);
  }

  private async readPage(): Promise<void> {
    const page = await this.store.readAll({ after: this.after, limit: PAGE, types: policySnapshotProjection.types });
    this.buffered = page.events;
    this.after = page.checkpoint ?? this.after;
    this.ended = page.endOfLog;
  }
}
