import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '@shuzhi/testing';
import { PostgresEventStore, type Checkpoint, type RecordedEvent } from '../src/index.js';

/**
 * The global log's promise to a tailing reader: every event exactly once, each stream in version
 * order, and the same order on every re-read, even when a transaction that took its positions
 * early commits after later ones.
 */
describe('postgres: the global log under concurrent writers', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    database = await createTestDatabase('global_order');
    store = await PostgresEventStore.connect({ connectionString: database.url });
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  const readFrom = async (after: Checkpoint | undefined, limit = 100) => {
    const events: RecordedEvent[] = [];
    for (;;) {
      const page = await store.readAll({ after, limit });
      events.push(...page.events);
      after = page.checkpoint ?? after;
      if (page.endOfLog) return { events, after };
    }
  };

  it('an event whose transaction commits late is neither skipped nor read twice', async () => {
    // Takes its xid and position first, then stays open while later appends commit.
    const held = new Client({ connectionString: database.url });
    await held.connect();
    await held.query('begin');
    await held.query(
      `select * from event_store.append_to_stream('late-1', 'no-stream', array[gen_random_uuid()], array['Late'], array['{}'::jsonb], array['{}'::jsonb])`,
    );
    await store.appendToStream('early-1', [{ type: 'Early', data: {} }], { expectedVersion: 'no-stream' });
    await store.appendToStream('early-2', [{ type: 'Early', data: {} }], { expectedVersion: 'no-stream' });

    // While the held transaction runs, nothing at or after it is readable: a reader that took
    // the early events now would move its checkpoint past the late event's position.
    const whileHeld = await readFrom(undefined);
    expect(whileHeld.events.map((e) => e.streamId)).toEqual([]);
    // The hazard is real: ordered by position alone, the early events are already visible.
    const naive = await store.pool.query(`select stream_id from event_store.events order by global_position`);
    expect(naive.rows.map((row) => row.stream_id)).toEqual(['early-1', 'early-2']);

    await held.query('commit');
    await held.end();
    const afterCommit = await readFrom(whileHeld.after);
    expect(afterCommit.events.map((e) => e.streamId)).toEqual(['late-1', 'early-1', 'early-2']);
    // The late event holds the lowest position but is read in its transaction's order.
    expect(afterCommit.events[0].globalPosition).toBeLessThan(afterCommit.events[1].globalPosition);
    expect((await readFrom(afterCommit.after)).events).toEqual([]);
  });

  it('a reader tailing while 8 writers append to 40 streams sees every event once, in a stable order', async () => {
    const streams = Array.from({ length: 40 }, (_, i) => `tail-${i}`);
    const perStream = 25;
    let writing = true;
    const seen: RecordedEvent[] = [];
    const tail = (async () => {
      let after: Checkpoint | undefined = (await readFrom(undefined)).after;
      while (writing || !(await store.readAll({ after, limit: 1 })).endOfLog) {
        const page = await store.readAll({ after, limit: 37 });
        seen.push(...page.events);
        after = page.checkpoint ?? after;
      }
      seen.push(...(await readFrom(after)).events);
    })();

    // Some writers also hold their transaction open for a while, so commits land out of
    // position order; each appends its streams' events in order, in batches of 1 to 3.
    const writer = async (w: number) => {
      const client = new Client({ connectionString: database.url });
      await client.connect();
      const mine = streams.filter((_, i) => i % 8 === w);
      const versions = new Map(mine.map((s) => [s, 0]));
      while ([...versions.values()].some((v) => v < perStream)) {
        const stream = mine.find((s) => versions.get(s)! < perStream)!;
        const from = versions.get(stream)!;
        const n = Math.min(perStream - from, 1 + ((from + w) % 3));
        await client.query('begin');
        await client.query(
          `select * from event_store.append_to_stream($1, $2, $3::uuid[], $4::text[], $5::jsonb[], $6::jsonb[])`,
          [
            stream,
            from === 0 ? 'no-stream' : String(from - 1),
            Array.from({ length: n }, () => randomUUID()),
            Array.from({ length: n }, () => 'Tailed'),
            Array.from({ length: n }, (_, k) => JSON.stringify({ v: from + k })),
            Array.from({ length: n }, () => '{}'),
          ],
        );
        if ((from + w) % 4 === 0) await client.query('select pg_sleep(0.01)');
        await client.query('commit');
        versions.set(stream, from + n);
      }
      await client.end();
    };
    await Promise.all(Array.from({ length: 8 }, (_, w) => writer(w)));
    writing = false;
    await tail;

    const mine = seen.filter((e) => e.streamId.startsWith('tail-'));
    expect(mine).toHaveLength(streams.length * perStream);
    expect(new Set(mine.map((e) => e.eventId)).size).toBe(mine.length);
    for (const stream of streams) {
      const versions = mine.filter((e) => e.streamId === stream).map((e) => e.streamVersion);
      expect(versions).toEqual(Array.from({ length: perStream }, (_, i) => i));
    }
    const reread = (await readFrom(undefined, 1000)).events.filter((e) => e.streamId.startsWith('tail-'));
    expect(reread.map((e) => e.eventId)).toEqual(mine.map((e) => e.eventId));
  });

  it('records a stream in time order even when a transaction that began earlier appends later', async () => {
    const early = new Client({ connectionString: database.url });
    await early.connect();
    await early.query('begin');
    await early.query('select now()');
    await new Promise((resolve) => setTimeout(resolve, 30)); // let the transaction's start time fall behind
    await store.appendToStream('timed-1', [{ type: 'First', data: {} }], { expectedVersion: 'no-stream' });
    await early.query(
      `select * from event_store.append_to_stream('timed-1', '0', array[gen_random_uuid()], array['Second'], array['{}'::jsonb], array['{}'::jsonb])`,
    );
    await early.query('commit');
    await early.end();

    const events = await store.readStream('timed-1');
    expect(events.map((e) => e.type)).toEqual(['First', 'Second']);
    expect(events[1].recordedAt.getTime()).toBeGreaterThanOrEqual(events[0].recordedAt.getTime());
    const asOfSecond = await store.readStream('timed-1', { untilTime: events[1].recordedAt });
    expect(asOfSecond.map((e) => e.type)).toEqual(['First', 'Second']);
  });
});
