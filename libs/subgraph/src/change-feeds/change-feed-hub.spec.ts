import { randomUUID } from 'node:crypto';
import { PostgresEventStore, type RecordedEvent } from '@shuzhi/event-store';
import { createTestDatabase, type TestDatabase } from '@shuzhi/testing';
import { ChangeFeedHub, FEED_ORIGIN, foldedEntities, type Change } from './change-feed-hub.js';

/** A counter aggregate: `Counted` events, each carrying the value it sets. */
type Counted = { type: 'Counted'; data: { value: number } };
const counter = { initialState: { value: -1 }, evolve: (_: { value: number }, event: Counted) => ({ value: event.data.value }) };

describe('ChangeFeedHub over PostgreSQL: one log reader, subscribers at their own pace', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  let prefix: string;
  let hubs: Array<ChangeFeedHub<{ value: number; version: number }>>;

  const hub = (options = { ringSize: 16, maxLag: 8, pageSize: 4 }) => {
    const made = new ChangeFeedHub(
      store,
      {
        name: 'counters',
        streamPrefix: prefix,
        types: ['Counted'],
        kindOf: (event: RecordedEvent) => (event.streamVersion === 0 ? 'CREATED' : 'UPDATED'),
        entitiesAfter: foldedEntities<Counted, { value: number }, { value: number; version: number }>(store, counter, (state, version) => ({ ...state, version })),
      },
      options,
    );
    hubs.push(made);
    return made;
  };
  /** Appends `values` to one counter's stream, one append each; returns their checkpoints. */
  const count = async (stream: string, values: number[]) => {
    const positions: string[] = [];
    for (const value of values) {
      await store.appendToStream(`${prefix}${stream}`, [{ type: 'Counted', data: { value } }], { expectedVersion: 'any' });
      const [last] = (await store.readStream(`${prefix}${stream}`)).slice(-1);
      positions.push(last.checkpoint);
    }
    return positions;
  };
  const take = async (feed: AsyncIterator<Change<{ value: number; version: number }>>, n: number) => {
    const taken: Array<Change<{ value: number; version: number }>> = [];
    while (taken.length < n) {
      const { done, value } = await feed.next();
      if (done) throw new Error(`the feed ended after ${taken.length} of ${n} changes`);
      taken.push(value);
    }
    return taken;
  };

  beforeAll(async () => {
    database = await createTestDatabase('change_feed_hub');
    store = await PostgresEventStore.connect({ connectionString: database.url });
  });
  beforeEach(() => {
    prefix = `counter_${randomUUID().slice(0, 8)}-`;
    hubs = [];
  });
  afterEach(async () => {
    await Promise.all(hubs.map((h) => h.stop()));
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  it('from now on: only what is appended after the subscription, each change with the entity right after it', async () => {
    await count('a', [1, 2]);
    // From now on is fixed once subscribe resolves.
    const feed = await hub().subscribe(undefined);
    const cursors = await count('a', [3, 4]);
    const changes = await take(feed, 2);
    expect(changes.map((c) => [c.cursor, c.kind, c.entity])).toEqual([
      [cursors[0], 'UPDATED', { value: 3, version: 2 }],
      [cursors[1], 'UPDATED', { value: 4, version: 3 }],
    ]);
    await feed.return!();
  });

  it('from an old cursor: catches up from the log page by page, then goes live, nothing skipped or twice while appends go on', async () => {
    const early = await count('b', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const feeds = hub();
    const live = await feeds.subscribe(undefined);
    // Read as they come, so that it never falls behind while the resumed one catches up.
    const liveGot = take(live, 20);
    const resumed = await feeds.subscribe(early[1]);
    const writer = count('c', Array.from({ length: 20 }, (_, i) => 100 + i));
    const got = await take(resumed, 8 + 20);
    const later = await writer;
    expect(got.map((c) => c.cursor)).toEqual([...early.slice(2), ...later]);
    expect(got.slice(8).map((c) => c.entity?.value)).toEqual(Array.from({ length: 20 }, (_, i) => 100 + i));
    expect((await liveGot).map((c) => c.cursor)).toEqual(later);
    const fromStart = await take(await feeds.subscribe(FEED_ORIGIN), 30);
    expect(fromStart.map((c) => c.cursor)).toEqual([...early, ...later]);
  });

  it('a live subscriber that falls more than maxLag behind is cut with its cursor; resumed there, it misses nothing, and another never waited', async () => {
    const feeds = hub();
    const slow = await feeds.subscribe(undefined);
    const fast = await feeds.subscribe(undefined);
    const firstSlow = slow.next();
    const fastGot = take(fast, 12);
    const cursors = await count('d', Array.from({ length: 12 }, (_, i) => i));
    expect(((await firstSlow).value as Change<unknown>).cursor).toBe(cursors[0]);
    expect((await fastGot).map((c) => c.cursor)).toEqual(cursors);
    // 11 behind, over 8: cut, saying where it stood.
    await expect(slow.next()).rejects.toMatchObject({ extensions: { code: 'QUOTA_EXCEEDED', cursor: cursors[0] } });
    expect(await slow.next()).toEqual({ done: true, value: undefined });
    const resumed = await take(await feeds.subscribe(cursors[0]), 11);
    expect(resumed.map((c) => c.cursor)).toEqual(cursors.slice(1));
  });

  it('ends a subscriber at once when it is returned, even while it waits for the next change', async () => {
    const feed = await hub().subscribe(undefined);
    const waiting = feed.next();
    // Let it reach its wait for the next change.
    await new Promise((resolve) => setImmediate(resolve));
    await feed.return!();
    await expect(waiting).resolves.toEqual({ done: true, value: undefined });
  });

  it('refuses a malformed cursor before reading anything, an overlong one whatever its digits', async () => {
    await expect(hub().subscribe('1:2:3')).rejects.toThrow(/not a cursor of this feed/);
    await expect(hub().subscribe(`${'9'.repeat(10_240)}:1`)).rejects.toThrow(/not a cursor of this feed/);
  });

  it('refuses a cursor ahead of the log, which no change has carried, rather than wait for it in silence', async () => {
    const head = (await store.head())!;
    const [transaction, position] = head.split(':').map(BigInt);
    await expect(hub().subscribe(`${transaction + 1_000n}:${position}`)).rejects.toThrow(/ahead of the log/);
    // The head itself is a cursor a change carried: resumable after.
    const feed = await hub().subscribe(head);
    await feed.return!();
  });
});
