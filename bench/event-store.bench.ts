/**
 * `npm run bench:event-store`: the PostgreSQL event store against the same rows written with a
 * plain multi-row INSERT into a bare table and read back with a plain ordered SELECT, on the
 * same server, in the same run. Prints each figure with its ratio to the baseline, then one
 * verdict line per target.
 *
 * Uses DATABASE_URL's server when set, otherwise an embedded PostgreSQL in .data/bench-postgres.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createDatabaseIfMissing, withDatabase } from '@shuzhi/database';
import { PostgresEventStore, type Checkpoint, type NewEvent } from '@shuzhi/event-store';
import { openBenchServer } from './bench-server.js';

const EVENTS_PER_SCENARIO = Number(process.env.BENCH_EVENTS ?? 40_000);
const SINGLE_EVENT_APPENDS = Number(process.env.BENCH_SINGLE_APPENDS ?? 4_000);
const READ_PAGE = 1_000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/** A sharing-contract-sized payload: a few hundred bytes of JSON, as the platform's events are. */
const payload = (i: number) => ({
  contractId: randomUUID(),
  datasetCode: 'population.resident',
  fields: ['name', 'idNumber', 'gender', 'birthDate', 'household'],
  purpose: 'SUBSIDY_ELIGIBILITY',
  legalBasis: 'Regulation on government data sharing, art. 12',
  validFrom: '2026-01-01T00:00:00+08:00',
  validTo: '2027-01-01T00:00:00+08:00',
  dailyQuota: 1000 + i,
});
const metadata = {
  correlationId: randomUUID(),
  causationId: null,
  actor: { department: 'human-resources', client: 'hr-subsidy-system', role: 'CONSUMER' },
  occurredAt: '2026-11-27T12:00:00.000Z',
  schemaVersion: 1,
};

interface Figure {
  name: string;
  value: number;
  unit: string;
  baseline?: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

const main = async () => {
  const server = await openBenchServer('bench-postgres', Number(process.env.SHUZHI_BENCH_PG_PORT ?? 54349));
  const adminUrl = server.url;
  const dbName = `shuzhi_bench_${Date.now()}`;
  await createDatabaseIfMissing(adminUrl, dbName);
  const url = withDatabase(adminUrl, dbName);
  const store = await PostgresEventStore.connect({ connectionString: url, pool: { max: 10 } });
  const raw = new pg.Pool({ connectionString: url, max: 10 });
  await raw.query(`create table raw_events (
    global_position bigserial, stream_id text, stream_version bigint, event_id uuid, type text,
    data jsonb, metadata jsonb, recorded_at timestamptz default now())`);

  // A second reference, not the baseline: the same rows into a table with the event log's keys
  // (global order, unique event id, unique stream version), to tell what the keys cost from what
  // the append path adds on top of them.
  await raw.query(`create table raw_keyed_events (
    global_position bigserial, transaction_id xid8 not null default pg_current_xact_id(), stream_id text not null,
    stream_version bigint not null, event_id uuid not null unique, type text, data jsonb, metadata jsonb,
    recorded_at timestamptz default now(), unique (stream_id, stream_version), primary key (transaction_id, global_position))`);

  const figures: Figure[] = [];
  let latencies: number[] = [];

  const rawInsertInto = (table: string) => async (stream: string, from: number, count: number) => {
    const values: string[] = [];
    const params: unknown[] = [];
    for (let i = 0; i < count; i++) {
      const p = params.length;
      values.push(`($${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}, $${p + 5}, $${p + 6})`);
      params.push(stream, from + i, randomUUID(), 'ContractSubmitted', JSON.stringify(payload(from + i)), JSON.stringify(metadata));
    }
    await raw.query(
      `insert into ${table} (stream_id, stream_version, event_id, type, data, metadata) values ${values.join(', ')}`,
      params,
    );
  };
  const rawInsert = rawInsertInto('raw_events');
  const rawKeyedInsert = rawInsertInto('raw_keyed_events');

  const storeAppend = async (stream: string, from: number, count: number) => {
    const events: NewEvent[] = Array.from({ length: count }, (_, i) => ({ type: 'ContractSubmitted', data: payload(from + i) }));
    await store.appendToStream(stream, events, {
      expectedVersion: from === 0 ? 'no-stream' : from - 1,
      metadata,
    });
  };

  /** `writers` concurrent writers, each on streams of its own, `batch` events per statement. */
  const run = async (
    write: (stream: string, from: number, count: number) => Promise<void>,
    writers: number,
    batch: number,
    total: number,
    recordLatency = false,
  ) => {
    const perWriter = Math.floor(total / writers / batch) * batch;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: writers }, async () => {
        const streamsPerWriter = 10;
        const streams = Array.from({ length: streamsPerWriter }, () => `bench-${randomUUID()}`);
        const versions = new Map(streams.map((s) => [s, 0]));
        for (let written = 0, n = 0; written < perWriter; written += batch, n++) {
          const stream = streams[n % streamsPerWriter];
          const from = versions.get(stream)!;
          const t = performance.now();
          await write(stream, from, batch);
          if (recordLatency) latencies.push(performance.now() - t);
          versions.set(stream, from + batch);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    return (perWriter * writers) / seconds;
  };

  // Warm both paths (connections, plans, caches) before measuring.
  await run(rawInsert, 2, 10, 2_000);
  await run(storeAppend, 2, 10, 2_000);

  // Each figure is the median of ROUNDS paired runs, baseline and store back to back, so that
  // load from elsewhere on the machine moves both sides of a ratio alike.
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  for (const [batch, total] of [
    [1, SINGLE_EVENT_APPENDS],
    [100, EVENTS_PER_SCENARIO],
  ] as const) {
    for (const writers of [1, 8]) {
      const rounds: Array<{ baseline: number; measured: number }> = [];
      latencies = [];
      for (let round = 0; round < ROUNDS; round++) {
        const baseline = await run(rawInsert, writers, batch, total);
        const measured = await run(storeAppend, writers, batch, total, batch === 1 && writers === 1);
        rounds.push({ baseline, measured });
      }
      const ratio = median(rounds.map((r) => r.measured / r.baseline));
      const baseline = median(rounds.map((r) => r.baseline));
      figures.push({ name: `append batch ${batch}, ${writers} writer(s)`, value: baseline * ratio, unit: 'events/s', baseline });
      if (batch === 100) {
        const keyed = await run(rawKeyedInsert, writers, batch, total);
        figures.push({ name: `  reference: keyed INSERT, ${writers} writer(s)`, value: keyed, unit: 'events/s', baseline });
      }
      if (batch === 1 && writers === 1) {
        const sorted = [...latencies].sort((a, b) => a - b);
        figures.push({ name: 'single-event append p50', value: percentile(sorted, 50), unit: 'ms' });
        figures.push({ name: 'single-event append p99', value: percentile(sorted, 99), unit: 'ms' });
      }
    }
  }

  // Catch-up: the whole log, page by page, against the same number of rows of the bare table.
  const readStore = async () => {
    let after: Checkpoint | undefined;
    let count = 0;
    const started = performance.now();
    for (;;) {
      const page = await store.readAll({ after, limit: READ_PAGE });
      count += page.events.length;
      after = page.checkpoint ?? after;
      if (page.endOfLog) break;
    }
    return { count, perSecond: count / ((performance.now() - started) / 1000) };
  };
  // The baseline reads the bare table with one ordered SELECT: it has no index to page on.
  const readRaw = async () => {
    const started = performance.now();
    const { rows } = await raw.query('select * from raw_events order by global_position');
    return { count: rows.length, perSecond: rows.length / ((performance.now() - started) / 1000) };
  };
  await readRaw();
  await readStore();
  const reads: Array<{ raw: number; store: number; count: number }> = [];
  for (let round = 0; round < ROUNDS; round++) {
    const rawRead = await readRaw();
    const storeRead = await readStore();
    reads.push({ raw: rawRead.perSecond, store: storeRead.perSecond, count: storeRead.count });
  }
  const readRatio = median(reads.map((r) => r.store / r.raw));
  const rawReadRate = median(reads.map((r) => r.raw));
  figures.push({ name: `catch-up read of $all (${reads[0].count} events)`, value: rawReadRate * readRatio, unit: 'events/s', baseline: rawReadRate });

  console.log(`PostgreSQL ${(await raw.query('show server_version')).rows[0].server_version}, ${server.embedded ? 'embedded' : 'DATABASE_URL'}`);
  console.log(`baseline: plain multi-row INSERT into a bare table (no indexes), one ordered SELECT of all rows; the store reads $all in pages of ${READ_PAGE}`);
  console.log(`each ratio is the median of ${ROUNDS} paired rounds (baseline, then store)\n`);
  for (const f of figures) {
    const ratio = f.baseline ? `  baseline ${f.baseline.toFixed(0)} ${f.unit}  ratio ${(f.value / f.baseline).toFixed(2)}` : '';
    console.log(`${f.name.padEnd(42)} ${f.value.toFixed(f.unit === 'ms' ? 2 : 0).padStart(8)} ${f.unit}${ratio}`);
  }

  const ratioOf = (name: string) => {
    const f = figures.find((x) => x.name.startsWith(name))!;
    return f.value / f.baseline!;
  };
  const verdicts = [
    { name: 'batched-append-1-writer', value: ratioOf('append batch 100, 1 writer'), goal: 0.6, atLeast: true, unit: '' },
    { name: 'batched-append-8-writers', value: ratioOf('append batch 100, 8 writer'), goal: 0.6, atLeast: true, unit: '' },
    { name: 'catch-up-read', value: ratioOf('catch-up read'), goal: 0.5, atLeast: true, unit: '' },
    { name: 'single-event-append-p99', value: figures.find((f) => f.name === 'single-event append p99')!.value, goal: 5, atLeast: false, unit: ' ms' },
  ];
  console.log('');
  for (const v of verdicts) {
    const pass = v.atLeast ? v.value >= v.goal : v.value < v.goal;
    console.log(`target ${v.name}: ${v.value.toFixed(2)}${v.unit} (goal ${v.atLeast ? '>=' : '<'} ${v.goal}${v.unit}) ${pass ? 'PASS' : 'FAIL'}`);
  }

  await raw.end();
  await store.close();
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`drop database "${dbName}" with (force)`);
  await admin.end();
  await server.stop();
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
