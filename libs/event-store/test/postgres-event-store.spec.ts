import { createTestDatabase } from '@shuzhi/testing';
import { PostgresEventStore } from '../src/index.js';
import { describeEventStoreContract } from './event-store.contract.js';

describeEventStoreContract('postgres', async () => {
  const database = await createTestDatabase('contract');
  const store = await PostgresEventStore.connect({ connectionString: database.url });
  return { store, cleanUp: database.drop };
});

describe('postgres: the log as the planner sees it', () => {
  it('keeps no statistics of the payloads and coarse ones of the keys, so autoanalyze of a large log stays cheap', async () => {
    const database = await createTestDatabase('statistics');
    const store = await PostgresEventStore.connect({ connectionString: database.url });
    try {
      for (let i = 0; i < 20; i++) {
        await store.appendToStream(`stats-${i}`, Array.from({ length: 50 }, (_, n) => ({ type: `Counted${n % 30}`, data: { n, text: 'x'.repeat(n) } })), {
          expectedVersion: 'no-stream',
        });
      }
      await store.pool.query('analyze event_store.events');
      const { rows } = await store.pool.query<{ attname: string; bounds: number | null; commons: number | null }>(
        `select attname, array_length(histogram_bounds::text::text[], 1) as bounds, array_length(most_common_vals::text::text[], 1) as commons
         from pg_stats where schemaname = 'event_store' and tablename = 'events'`,
      );
      const of = new Map(rows.map((row) => [row.attname, row]));
      expect(of.has('data')).toBe(false);
      expect(of.has('metadata')).toBe(false);
      for (const column of ['global_position', 'stream_id', 'type']) {
        expect(of.has(column)).toBe(true);
        expect(Math.max(of.get(column)!.bounds ?? 0, of.get(column)!.commons ?? 0)).toBeLessThanOrEqual(11);
      }
    } finally {
      await store.close();
      await database.drop();
    }
  });
});
