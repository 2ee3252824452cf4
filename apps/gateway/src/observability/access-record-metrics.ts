import type { EventStore } from '@shuzhi/event-store';
import { metrics } from '@shuzhi/observability';

/**
 * The access recorder's store, measured: each group commit's latency and size, and, once a
 * record is durable, the decision it records (ALLOW or PARTIAL, or REFUSED with its code). A
 * decision is counted where it is recorded, so the counts match the access log.
 */
export const withAccessRecordMetrics = (store: EventStore): EventStore => ({
  async appendToStream(streamId, events, options) {
    const observed = metrics();
    const timer = observed.accessRecordAppend.startTimer();
    try {
      const appended = await store.appendToStream(streamId, events, options);
      timer({ outcome: 'ok' });
      observed.accessRecordBatch.observe(events.length);
      for (const event of events) {
        const data = event.data as { outcome?: unknown; code?: unknown };
        if (event.type === 'AccessRecorded') observed.policyDecisions.inc({ outcome: String(data.outcome), code: '' });
        else if (event.type === 'AccessRefused') observed.policyDecisions.inc({ outcome: 'REFUSED', code: String(data.code) });
      }
      return appended;
    } catch (error) {
      timer({ outcome: 'failed' });
      throw error;
    }
  },
  readStream: (streamId, options) => store.readStream(streamId, options),
  readAll: (options) => store.readAll(options),
  head: () => store.head(),
  onAppended: (listener) => store.onAppended(listener),
  compareCheckpoints: (a, b) => store.compareCheckpoints(a, b),
  close: () => store.close(),
});
