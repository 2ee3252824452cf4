import type { ClientConfig } from 'pg';
import type { DataSource } from 'typeorm';
import { PgListener } from '@shuzhi/event-store';
import { loadPolicySnapshot, type PolicySnapshot } from './policy-snapshot.projection.js';

/**
 * The policy snapshot in memory, reloaded when its projection says it changed (NOTIFY after
 * each committed batch), so a suspension or a withdrawn consent reaches the enforcement point
 * as it commits rather than after a TTL. Reloads are coalesced: one in flight, one queued.
 */
export class PolicySnapshotCache {
  private snapshot: PolicySnapshot = { contracts: [], consents: [], datasets: [] };
  private readonly listener: PgListener;
  private loading: Promise<void> | undefined;
  private again = false;
  private readonly changeListeners = new Set<(snapshot: PolicySnapshot) => void>();

  constructor(
    private readonly dataSource: DataSource,
    connection: ClientConfig,
    channel: string,
  ) {
    this.listener = new PgListener(connection, channel, () => void this.reload());
  }

  async start(): Promise<void> {
    await this.reload();
    this.listener.start();
  }

  current(): PolicySnapshot {
    return this.snapshot;
  }

  onChange(listener: (snapshot: PolicySnapshot) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  async close(): Promise<void> {
    await this.listener.close();
    await this.loading;
  }

  private reload(): Promise<void> {
    if (this.loading) {
      this.again = true;
      return this.loading;
    }
    this.loading = loadPolicySnapshot(this.dataSource.manager)
      .then((snapshot) => {
        this.snapshot = snapshot;
        for (const listener of this.changeListeners) listener(snapshot);
      })
      .catch((error) => console.error('policy snapshot reload failed:', error))
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
