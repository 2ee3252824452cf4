import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { createTestDatabase, waitUntil, type TestDatabase } from '@shuzhi/testing';
import { PostgresEventStore, ProjectionRunner, Subscription, advanceCheckpoint, buildShadow, type Checkpoint } from '../src/index.js';
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
    first.start();
    await first.rebuild();
    await first.stop();
    const head = await appendCounters(400);

    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures/killable-consumer.ts')], {
      env: { ...process.env, TEST_DATABASE_URL: database.url },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    await waitUntil(() => output.includes('LEADING'), { what: 'the child leading', timeoutMs: 30_000 });

    // A standby in this process, waiting on the lock the child holds.
    const standby = new ProjectionRunner(store, dataSource, streamCounterProjection(), { lockRetryMs: 50 });
    standby.start();
    await waitUntil(() => output.includes('HANGING_IN_BATCH'), { what: 'the child inside its third batch' });
    expect(standby.subscription.checkpoint).toBeUndefined();

    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGKILL');
    await exited;

    // Two batches of 50 committed; the third died with its transaction.
    expect(await checksum('counters')).toMatchObject({ rows: 20 });
    const [{ events }] = await dataSource.query('select sum(events)::int as events from counters.stream_counters');
    expect(events).toBe(100);

    await standby.waitFor(head, 20_000);
    await standby.stop();
    const live = await checksum('counters');
    expect(live).toEqual(await replayChecksum());
    const rows: StreamCounter[] = await dataSource.getRepository(StreamCounter).find();
    for (const row of rows) expect(row.versions).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('rebuilds from position 0 into a scratch schema and swaps it in, live rows unchanged', async () => {
    const runner = new ProjectionRunner(store, dataSource, streamCounterProjection());
    runner.start();
    await runner.waitFor(await appendCounters(60, 1_000));
    const before = await checksum('counters');

    await runner.rebuild();
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
    runner.start();
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
    subscription.start();
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
});
