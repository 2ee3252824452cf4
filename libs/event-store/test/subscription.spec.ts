import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import { Column, DataSource, Entity, PrimaryColumn } from 'typeorm';
import { createTestDatabase, waitUntil, type TestDatabase } from '@shuzhi/testing';
import {
  PostgresEventStore,
  ProjectionRunner,
  Subscription,
  advanceCheckpoint,
  buildShadow,
  type Checkpoint,
  type RecordedEvent,
} from '../src/index.js';
import { StreamCounter, streamCounterProjection } from './fixtures/stream-counter.projection.js';

describe('postgres: subscriptions and projections', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase('subscriptions');
    store = await PostgresEventStore.connect({ connectionString: database.url });
    dataSource = await new DataSource({
      type: 'postgres',
      url: database.url,
      schema: 'counters',
      entities: [StreamCounter],
    }).initialize();
  });
  afterAll(async () => {
    await dataSource.destroy();
    await store.close();
    await database.drop();
  });

  // Whatever a test started is stopped after it, passed or failed: a runner left leading would
  // hold its lock into the next tests, and keep jest from exiting.
  const toStop: Array<{ stop(): Promise<unknown> }> = [];
  const start = <T extends { start(): void; stop(): Promise<unknown> }>(consumer: T): T => {
    consumer.start();
    toStop.push(consumer);
    return consumer;
  };
  afterEach(async () => {
    await Promise.all(toStop.splice(0).map((consumer) => consumer.stop()));
  });

  /** Appends `count` events over 20 counter streams and answers the checkpoint of the last. */
  const appendCounters = async (count: number, from = 0): Promise<Checkpoint> => {
    let last: Checkpoint | undefined;
    for (let i = from; i < from + count; i++) {
      const result = await store.appendToStream(`counter-${i % 20}`, [{ type: 'Counted', data: { n: i } }], {
        expectedVersion: 'any',
      });
      last = result.checkpoint;
    }
    return last!;
  };

  /** A fingerprint of a table's rows, in key order. */
  const checksum = async (schema: string) => {
    const [{ sum, rows }] = await dataSource.query(
      `select md5(coalesce(string_agg(t::text, '|' order by t."streamId"), '')) as sum, count(*)::int as rows
       from "${schema}".stream_counters t`,
    );
    return { sum, rows };
  };

  const replayChecksum = async () => {
    const shadow = await buildShadow(store, dataSource, streamCounterProjection());
    try {
      return await checksum(shadow.schema);
    } finally {
      await shadow.drop();
    }
  };

  it('a consumer killed in the middle of a batch: a standby takes over and the rows equal a full replay', async () => {
    // The projection's table and checkpoint row, as the first leader leaves them.
    const first = new ProjectionRunner(store, dataSource, streamCounterProjection());
    start(first);
    await first.rebuild();
    await first.stop();
    const head = await appendCounters(400);

    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures/killable-consumer.ts')], {
      env: { ...process.env, TEST_DATABASE_URL: database.url },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    toStop.push({ stop: async () => void child.kill('SIGKILL') });
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    await waitUntil(() => output.includes('LEADING'), { what: 'the child leading', timeoutMs: 30_000 });

    // A standby in this process, waiting on the lock the child holds.
    const standby = new ProjectionRunner(store, dataSource, streamCounterProjection(), { lockRetryMs: 50 });
    start(standby);
    await waitUntil(() => output.includes('HANGING_IN_BATCH'), { what: 'the child inside its third batch' });
    expect(standby.subscription.checkpoint).toBeUndefined();
    // Two batches of 50 committed; the third is open. Read before the kill: once the child's
    // lock is gone, the standby may take over and catch up before a read after it.
    expect(await checksum('counters')).toMatchObject({ rows: 20 });
    const [{ events }] = await dataSource.query('select sum(events)::int as events from counters.stream_counters');
    expect(events).toBe(100);

    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGKILL');
    await exited;

    // The third batch died with its transaction: had any of it stayed, the standby would count
    // those events again, and the rows would differ from a full replay.
    await standby.waitFor(head, 20_000);
    await standby.stop();
    const live = await checksum('counters');
    expect(live).toEqual(await replayChecksum());
    const rows: StreamCounter[] = await dataSource.getRepository(StreamCounter).find();
    for (const row of rows) expect(row.versions).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('rebuilds from position 0 into a scratch schema and swaps it in, live rows unchanged', async () => {
    const runner = new ProjectionRunner(store, dataSource, streamCounterProjection());
    start(runner);
    await runner.waitFor(await appendCounters(60, 1_000));
    const before = await checksum('counters');
    const tableOid = async () =>
      (await dataSource.query(`select 'counters.stream_counters'::regclass::oid as oid`))[0].oid as number;
    const oldTable = await tableOid();
    // Damage the live rows: only a real replay restores them.
    await dataSource.query(`update counters.stream_counters set events = 0`);

    await runner.rebuild();
    expect(await tableOid()).not.toBe(oldTable);
    expect(await checksum('counters')).toEqual(before);
    // Still live after the swap.
    await runner.waitFor(await appendCounters(5, 2_000));
    expect((await checksum('counters')).sum).not.toBe(before.sum);
    await runner.stop();
    const [{ leftovers }] = await dataSource.query(
      `select count(*)::int as leftovers from pg_namespace where nspname like 'rebuild_%'`,
    );
    expect(leftovers).toBe(0);
  });

  it('a new projection version is rebuilt by the leader before it consumes', async () => {
    await dataSource.query(`update counters.stream_counters set sum = -1`);
    const runner = new ProjectionRunner(store, dataSource, streamCounterProjection(2));
    start(runner);
    await waitUntil(async () => {
      const [row] = await dataSource.query(`select version from event_store.subscription_checkpoints where name = 'stream-counters'`);
      return row?.version === 2;
    }, { what: 'version 2 built' });
    await runner.stop();
    const [{ broken }] = await dataSource.query(`select count(*)::int as broken from counters.stream_counters where sum = -1`);
    expect(broken).toBe(0);
    expect(await checksum('counters')).toEqual(await replayChecksum());
  });

  it('a failing batch is retried, not skipped', async () => {
    let failures = 0;
    const seen: string[] = [];
    const subscription = new Subscription(store, dataSource, {
      name: 'flaky',
      streamPrefix: 'flaky-',
      pollIntervalMs: 20,
      onError: () => failures++,
      handler: async (events) => {
        if (failures < 2) throw new Error('not yet');
        seen.push(...events.map((e) => e.eventId));
      },
    });
    const { positions, checkpoint } = await store.appendToStream('flaky-1', [{ type: 'A', data: {} }, { type: 'B', data: {} }], {
      expectedVersion: 'no-stream',
    });
    start(subscription);
    await subscription.waitFor(checkpoint);
    await subscription.stop();
    expect(failures).toBe(2);
    expect(seen).toEqual(positions.map((p) => p.eventId));
  });

  it('the checkpoint moves only from the value its consumer last saw (fencing a deposed leader)', async () => {
    const [a, b] = ['1:1', '1:2'] as Checkpoint[];
    await dataSource.transaction(async (tx) => {
      expect(await advanceCheckpoint(tx, 'fenced', undefined, a)).toBe(true);
      expect(await advanceCheckpoint(tx, 'fenced', undefined, b)).toBe(false);
      expect(await advanceCheckpoint(tx, 'fenced', b, a)).toBe(false);
      expect(await advanceCheckpoint(tx, 'fenced', a, b)).toBe(true);
    });
  });

  it('a standby waits for the lock at its own pace, however many events arrive', async () => {
    const leader = new Subscription(store, dataSource, { name: 'paced', handler: async () => {} });
    start(leader);
    await leader.waitFor(await appendCounters(1, 3_000));
    const standby = new Subscription(store, dataSource, { name: 'paced', handler: async () => {}, lockRetryMs: 200 });
    start(standby);
    const started = Date.now();
    for (let i = 0; i < 30; i++) await appendCounters(1, 3_100 + i);
    await waitUntil(() => Date.now() - started >= 1_000, { what: 'a second passing' });
    const elapsed = Date.now() - started;
    // One attempt per retry interval (and the first one): appends do not hurry a standby.
    expect(standby.lockAttempts).toBeLessThanOrEqual(Math.ceil(elapsed / 200) + 1);
  });

  it('a standby keeps one connection while it waits, rather than a new one (a backend and an authentication) per attempt', async () => {
    const leader = new Subscription(store, dataSource, { name: 'kept-connection', handler: async () => {} });
    start(leader);
    await leader.waitFor(await appendCounters(1, 3_500));
    const standby = new Subscription(store, dataSource, { name: 'kept-connection', handler: async () => {}, lockRetryMs: 50 });
    /** Backends whose last statement was an attempt at this subscription's lock: the leader's, and the standby's while connected. */
    const lockBackends = async () =>
      (
        await dataSource.query(
          `select pid from pg_stat_activity where datname = current_database() and query like 'select pg_try_advisory_lock(%' order by pid`,
        )
      ).map((row: { pid: number }) => row.pid);
    start(standby);
    await waitUntil(() => standby.lockAttempts >= 2, { what: 'the standby trying twice' });
    const first = await lockBackends();
    expect(first).toHaveLength(2);
    for (let i = 0; i < 5; i++) {
      const attempts = standby.lockAttempts;
      await waitUntil(() => standby.lockAttempts > attempts, { what: 'another attempt' });
      expect(await lockBackends()).toEqual(first);
    }
    await leader.stop();
    // The kept connection is the one that takes the lead when the leader goes.
    await waitUntil(async () => (await appendCounters(1, 3_600), standby.checkpoint !== undefined), { what: 'the standby leading' });
  });

  it('delivers an event held back by an older open transaction soon after that one ends, not at the next poll', async () => {
    const delivered: string[] = [];
    const subscription = new Subscription(store, dataSource, {
      name: 'held-back',
      streamPrefix: 'held-',
      pollIntervalMs: 60_000,
      handler: async (events) => {
        delivered.push(...events.map((e) => e.streamId));
      },
    });
    start(subscription);
    await waitUntil(() => subscription.checkpoint !== undefined || subscription.lockAttempts > 0, { what: 'the subscription starting' });
    const blocker = new pg.Client({ connectionString: database.url });
    await blocker.connect();
    await blocker.query('begin');
    await blocker.query('select pg_current_xact_id()');
    await store.appendToStream('held-1', [{ type: 'Held', data: {} }], { expectedVersion: 'no-stream' });
    await blocker.query('commit');
    await blocker.end();
    // With a one-minute poll, only the pending-event backoff can deliver it within the deadline.
    await waitUntil(() => delivered.includes('held-1'), { what: 'the held-back event delivered', timeoutMs: 5_000 });
  });

  it('counts as pending only the held-back events a filtered reader reads, so others\u2019 open transactions do not keep it polling', async () => {
    const head = await appendCounters(1, 5_000);
    const blocker = new pg.Client({ connectionString: database.url });
    await blocker.connect();
    try {
      await blocker.query('begin');
      await blocker.query('select pg_current_xact_id()');
      await store.appendToStream('pending-noise-1', [{ type: 'PendingNoise', data: {} }], { expectedVersion: 'no-stream' });
      const read = (filter: { types?: string[]; streamPrefix?: string }) => store.readAll({ after: head, limit: 10, ...filter });
      expect((await read({})).pending).toBe(true);
      expect((await read({ types: ['PendingNoise'] })).pending).toBe(true);
      expect((await read({ streamPrefix: 'pending-' })).pending).toBe(true);
      expect((await read({ types: ['Counted'] })).pending).toBe(false);
      expect((await read({ streamPrefix: 'counter-' })).pending).toBe(false);
    } finally {
      await blocker.query('commit');
      await blocker.end();
    }
    expect((await store.readAll({ after: head, limit: 10 })).pending).toBe(false);
  });

  it('a reader filtered on types or streams sleeps through appends of others (here or in another process) and wakes for its own', async () => {
    const other = await PostgresEventStore.connect({ connectionString: database.url, migrate: false });
    /** The store as the subscriptions see it, counting their reads. */
    const counting = (reads: { count: number }) =>
      new Proxy(store, {
        get: (target, property) =>
          property === 'readAll'
            ? (...args: Parameters<PostgresEventStore['readAll']>) => (reads.count++, target.readAll(...args))
            : Reflect.get(target, property, target),
      });
    const filteredReads = { count: 0 };
    const unfilteredReads = { count: 0 };
    const signals: string[] = [];
    const filtered = new Subscription(counting(filteredReads), dataSource, {
      name: 'signals-only',
      types: ['Signal'],
      pollIntervalMs: 60_000,
      handler: async (events) => void signals.push(...events.map((e) => e.streamId)),
    });
    const prefixReads = { count: 0 };
    const prefixed = new Subscription(counting(prefixReads), dataSource, { name: 'signal-streams', streamPrefix: 'signal-', pollIntervalMs: 60_000, handler: async () => {} });
    const unfiltered = new Subscription(counting(unfilteredReads), dataSource, { name: 'everything', pollIntervalMs: 60_000, handler: async () => {} });
    try {
      start(filtered);
      start(prefixed);
      start(unfiltered);
      const started = await appendCounters(1, 4_000);
      for (const subscription of [filtered, prefixed, unfiltered]) await subscription.waitFor(started);
      const [filteredBefore, prefixBefore, unfilteredBefore] = [filteredReads.count, prefixReads.count, unfilteredReads.count];

      for (let i = 0; i < 20; i++) {
        await store.appendToStream(`noise-${i}`, [{ type: 'Noise', data: { i } }], { expectedVersion: 'no-stream' });
        await other.appendToStream(`noise-other-${i}`, [{ type: 'Noise', data: { i } }], { expectedVersion: 'no-stream' });
      }
      await waitUntil(() => unfilteredReads.count - unfilteredBefore >= 5, { what: 'the unfiltered reader waking for the noise' });
      await other.appendToStream('signal-1', [{ type: 'Signal', data: {} }], { expectedVersion: 'no-stream' });
      await waitUntil(() => signals.includes('signal-1'), { what: 'the signal delivered', timeoutMs: 5_000 });
      // The read that found the signal, and at most one more that a hint of both types caused.
      expect(filteredReads.count - filteredBefore).toBeLessThanOrEqual(2);
      await waitUntil(() => prefixed.checkpoint === filtered.checkpoint, { what: 'the stream-filtered reader reaching the signal' });
      expect(prefixReads.count - prefixBefore).toBeLessThanOrEqual(2);
    } finally {
      await other.close();
    }
  });

  it('refuses to rebuild an entity that names its own schema (it would replay into the live table)', async () => {
    @Entity({ name: 'pinned', schema: 'counters' })
    class Pinned {
      @PrimaryColumn({ type: 'text' })
      id!: string;
    }
    const pinnedSource = await new DataSource({ type: 'postgres', url: database.url, entities: [Pinned] }).initialize();
    try {
      const projection = { name: 'pinned', version: 1, entity: Pinned, keysOf: () => [], evolve: () => null };
      await expect(buildShadow(store, pinnedSource, projection)).rejects.toThrow(/names schema counters/);
    } finally {
      await pinnedSource.destroy();
    }
  });

  it('an older replica does not lead a projection already rebuilt by a newer version', async () => {
    const errors: string[] = [];
    const old = new ProjectionRunner(store, dataSource, streamCounterProjection(1), {
      pollIntervalMs: 50,
      onError: (error) => errors.push((error as Error).message),
    });
    start(old);
    await waitUntil(() => errors.length > 0, { what: 'the old replica refusing' });
    await old.stop();
    expect(errors[0]).toMatch(/at version 2, newer than this code's 1: not leading/);
  });

  it('writes the same rows whatever the batching, even where evolve leaves a column undefined', async () => {
    @Entity('notes')
    class Note {
      @PrimaryColumn({ type: 'text' })
      id!: string;

      @Column({ type: 'text', nullable: true })
      text!: string | null;
    }
    const notes = {
      name: 'notes',
      version: 1,
      entity: Note,
      streamPrefix: 'note-',
      keysOf: (e: RecordedEvent) => [e.streamId],
      evolve: (_row: Note | null, e: RecordedEvent) =>
        e.type === 'Written' ? { id: e.streamId, text: (e.data as { text: string }).text } : ({ id: e.streamId } as Note),
    };
    const notesSource = await new DataSource({ type: 'postgres', url: database.url, schema: 'notes', entities: [Note] }).initialize();
    await store.appendToStream('note-a', [{ type: 'Written', data: { text: 'x' } }], { expectedVersion: 'no-stream' });
    await store.appendToStream('note-b', [{ type: 'Written', data: { text: 'y' } }], { expectedVersion: 'no-stream' });
    await store.appendToStream('note-a', [{ type: 'Cleared', data: {} }], { expectedVersion: 0 });
    try {
      const contents = async (batchSize: number) => {
        const shadow = await buildShadow(store, notesSource, notes, batchSize);
        try {
          return await notesSource.query(`select id, text from "${shadow.schema}".notes order by id`);
        } finally {
          await shadow.drop();
        }
      };
      const oneByOne = await contents(1);
      expect(await contents(1_000)).toEqual(oneByOne);
      expect(oneByOne).toEqual([
        { id: 'note-a', text: null },
        { id: 'note-b', text: 'y' },
      ]);
    } finally {
      await notesSource.destroy();
    }
  });
});
