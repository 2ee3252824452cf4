import { randomUUID } from 'node:crypto';
import { ConcurrencyConflict, type EventStore, type NewEvent } from '@shuzhi/event-store';
import { accessStreamId, type AccessEvent } from '@shuzhi/policy';

interface Pending {
  event: NewEvent;
  streamId: string;
  settle: { resolve: () => void; reject: (error: unknown) => void };
}

// Appends with `'any'` from several replicas can race for the next version of one stream;
// the events keep their ids across attempts, so a retry never records anything twice.
const ATTEMPTS = 5;

/**
 * Appends access records durably, in groups: while one append is in flight, the records that
 * arrive queue up and go together in the next one (one transaction, one fsync for many
 * requests). `record` resolves once its own record is committed and rejects if it is not, so
 * a caller can hold its response until then: no data without a record.
 */
export class AccessRecorder {
  private queue: Pending[] = [];
  private flushing = false;

  constructor(private readonly store: EventStore) {}

  record(event: AccessEvent, actor: { department: string; client: string; role: string }, correlationId: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({
        event: { type: event.type, data: event.data, eventId: randomUUID(), metadata: { actor, correlationId, causationId: event.data.decisionId } },
        streamId: accessStreamId(new Date(event.data.at)),
        settle: { resolve, reject },
      });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      // A batch that spans midnight goes to each day's stream in its own append.
      const byStream = new Map<string, Pending[]>();
      for (const pending of batch) byStream.set(pending.streamId, [...(byStream.get(pending.streamId) ?? []), pending]);
      await Promise.all([...byStream].map(([streamId, group]) => this.append(streamId, group)));
    }
    this.flushing = false;
  }

  private async append(streamId: string, group: Pending[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.store.appendToStream(streamId, group.map((p) => p.event), { expectedVersion: 'any' });
        for (const pending of group) pending.settle.resolve();
        return;
      } catch (error) {
        if (error instanceof ConcurrencyConflict && attempt < ATTEMPTS) continue;
        // One record the log refuses must not fail the others' requests: each alone then.
        if (!(error instanceof ConcurrencyConflict) && group.length > 1) {
          for (const pending of group) await this.append(streamId, [pending]);
          return;
        }
        for (const pending of group) pending.settle.reject(error);
        return;
      }
    }
  }
}
