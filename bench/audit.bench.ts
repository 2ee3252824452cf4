/**
 * `npm run bench:audit`: in one run, on one database of a million events,
 *  - `audit verify` (the whole chain recomputed from the rows) against the machine's raw
 *    SHA-256 throughput (node:crypto) over the very bytes the leaves are hashed from;
 *  - a replay of the log into an in-memory fold through the event store's `readAll` against a
 *    raw ordered SELECT of the same rows.
 * Prints each figure, then one verdict line per target.
 *
 * The million events are INSERTed straight into the events table with generate_series, in
 * batches of their own transactions: a bench of reading and hashing, not of appending (see
 * `npm run bench:event-store` for that), and appending a million through the store would take
 * most of the time budget. They are then sealed by the real sealer.
 *
 * Uses DATABASE_URL's server when set, otherwise an embedded PostgreSQL in .data/bench-audit-postgres.
 */
import { generateKeyPairSync, hash } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import pg from 'pg';
import { createDatabaseIfMissing, withDatabase } from '@shuzhi/database';
import { PostgresEventStore, type Checkpoint } from '@shuzhi/event-store';
import { keyPairFromPem } from '@shuzhi/signing';
import { AuditSealer, streamLeaves, verifyAuditChain } from '../apps/audit/src/sealing/index.js';
import { parseCheckpoint, START_OF_LOG } from '../apps/audit/src/sealing/leaf-reader.js';
import { readSealHead } from '../apps/audit/src/sealing/seal-log.js';
import { openBenchServer } from './bench-server.js';

const EVENTS = Number(process.env.BENCH_AUDIT_EVENTS ?? 1_000_000);
const INSERT_BATCH = 100_000;
const BLOCK_SIZE = 1000;
const READ_PAGE = 10_000;

const seconds = (since: number) => (performance.now() - since) / 1000;
const mb = (bytes: number) => bytes / 1024 / 1024;

const main = async () => {
  const server = await openBenchServer('bench-audit-postgres', Number(process.env.SHUZHI_BENCH_AUDIT_PG_PORT ?? 54359));
  const dbName = `shuzhi_bench_audit_${Date.now()}`;
  await createDatabaseIfMissing(server.url, dbName);
  const url = withDatabase(server.url, dbName);
  const store = await PostgresEventStore.connect({ connectionString: url, pool: { max: 4 } });

  try {
    let started = performance.now();
    for (let from = 0; from < EVENTS; from += INSERT_BATCH) {
      await store.pool.query(
        `insert into event_store.events (stream_id, stream_version, event_id, type, data, metadata, recorded_at)
         select 'contract-' || (i / 10), i % 10, gen_random_uuid(),
           case when i % 10 = 0 then 'ContractSubmitted' else 'ContractReviewed' end,
           jsonb_build_object('contractId', md5(i::text), 'datasetCode', 'population.resident',
             'fields', jsonb_build_array('name', 'idNumber', 'gender', 'birthDate', 'household'),
             'purpose', 'SUBSIDY_ELIGIBILITY', 'legalBasis', 'Regulation on government data sharing, art. 12',
             'validFrom', '2026-01-01T00:00:00+08:00', 'validTo', '2027-01-01T00:00:00+08:00', 'dailyQuota', 1000 + i),
           jsonb_build_object('correlationId', gen_random_uuid(), 'causationId', null,
             'actor', jsonb_build_object('department', 'human-resources', 'client', 'hr-subsidy-system', 'role', 'CONSUMER'),
             'occurredAt', '2026-11-27T12:00:00.000Z', 'schemaVersion', 1),
           clock_timestamp()
         from generate_series($1::bigint, $2::bigint) i`,
        [from, Math.min(EVENTS, from + INSERT_BATCH) - 1],
      );
    }
    await store.pool.query('vacuum analyze event_store.events');
    console.log(`filled ${EVENTS} events in ${seconds(started).toFixed(1)} s`);

    // The real sealer, in blocks of 1000; the clock is moved past the interval for the last block.
    let clock = Date.now();
    const key = keyPairFromPem(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    const sealer = new AuditSealer(store, key, { blockSize: BLOCK_SIZE, intervalMs: 1000, clock: { now: () => new Date(clock) } });
    started = performance.now();
    let seals = 0;
    while ((await sealer.sealDue()) !== undefined) seals++;
    clock += 60_000;
    while ((await sealer.sealDue()) !== undefined) seals++;
    console.log(`sealing                      ${(EVENTS / seconds(started)).toFixed(0).padStart(9)} events/s  (${seals} seals of up to ${BLOCK_SIZE})`);
    const head = await readSealHead(store.pool);
    if (head === undefined) throw new Error('nothing was sealed');

    // Baseline 1: SHA-256 of the exact leaf input bytes (0x00 || leaf text), already in memory;
    // only the hashing is timed, page by page.
    let rawHashSeconds = 0;
    let rawBytes = 0;
    let rawEvents = 0;
    for await (const page of streamLeaves(store.pool, { after: START_OF_LOG, through: parseCheckpoint(head.checkpoint), pageSize: READ_PAGE, withText: true })) {
      const inputs = page.map((row) => Buffer.from(`\u0000${row.leafText}`, 'utf8'));
      const t = performance.now();
      for (const input of inputs) hash('sha256', input, 'buffer');
      rawHashSeconds += seconds(t);
      for (const input of inputs) rawBytes += input.length;
      rawEvents += inputs.length;
    }

    started = performance.now();
    const verification = await verifyAuditChain(store.pool, key.publicKey, { pageSize: READ_PAGE });
    const verifySeconds = seconds(started);
    if (!verification.ok || verification.checkedEvents !== rawEvents) throw new Error(`verify did not check the sealed log: ${JSON.stringify(verification)}`);
    const rawRate = rawEvents / rawHashSeconds;
    const verifyRate = verification.checkedEvents / verifySeconds;
    console.log(`raw SHA-256 (node:crypto)    ${rawRate.toFixed(0).padStart(9)} events/s  ${(mb(rawBytes) / rawHashSeconds).toFixed(1).padStart(7)} MB/s`);
    console.log(`audit verify                 ${verifyRate.toFixed(0).padStart(9)} events/s  ${(mb(rawBytes) / verifySeconds).toFixed(1).padStart(7)} MB/s  ratio ${(verifyRate / rawRate).toFixed(2)}`);
    console.log(`  (${verification.checkedEvents} events, ${mb(rawBytes).toFixed(0)} MB of leaf text, ${verification.seals} seals, in ${verifySeconds.toFixed(1)} s)`);

    // Baseline 2: the same rows, in the same order, through one server-side cursor (a plain
    // ordered SELECT that does not hold a million parsed rows in memory at once).
    const rawSelect = async () => {
      const client = await store.pool.connect();
      const t = performance.now();
      let rows = 0;
      try {
        await client.query('begin read only');
        await client.query('declare replay no scroll cursor for select * from event_store.events order by transaction_id, global_position');
        for (;;) {
          const { rowCount } = await client.query(`fetch ${READ_PAGE} from replay`);
          rows += rowCount ?? 0;
          if (!rowCount) break;
        }
        await client.query('commit');
      } finally {
        client.release();
      }
      return { rows, rate: rows / seconds(t) };
    };
    // The fold: each stream's version and last type, and a count per type, as a projection would keep.
    const replay = async () => {
      const streams = new Map<string, { version: number; type: string }>();
      const perType = new Map<string, number>();
      const t = performance.now();
      let after: Checkpoint | undefined;
      let rows = 0;
      for (;;) {
        const page = await store.readAll({ after, limit: READ_PAGE });
        for (const event of page.events) {
          streams.set(event.streamId, { version: event.streamVersion, type: event.type });
          perType.set(event.type, (perType.get(event.type) ?? 0) + 1);
        }
        rows += page.events.length;
        after = page.checkpoint ?? after;
        if (page.endOfLog) break;
      }
      return { rows, rate: rows / seconds(t), streams: streams.size };
    };
    const raw = await rawSelect();
    const folded = await replay();
    if (raw.rows !== folded.rows) throw new Error(`the replay read ${folded.rows} events, the SELECT ${raw.rows}`);
    console.log(`raw ordered SELECT (cursor)  ${raw.rate.toFixed(0).padStart(9)} events/s`);
    console.log(`replay into a fold (readAll) ${folded.rate.toFixed(0).padStart(9)} events/s  ratio ${(folded.rate / raw.rate).toFixed(2)}  (${folded.streams} streams)`);
    // Context for the first target: reading the rows out of PostgreSQL at all (serialising their
    // jsonb) is itself slower than hashing them, so this ratio bounds any verifier that reads them.
    console.log(`  reference: the raw ordered SELECT runs at ${(raw.rate / rawRate).toFixed(2)} of raw SHA-256, verify at ${(verifyRate / raw.rate).toFixed(2)} of the raw SELECT`);

    console.log(`\nPostgreSQL ${(await store.pool.query('show server_version')).rows[0].server_version}, ${server.embedded ? 'embedded' : 'DATABASE_URL'}; ${folded.rows} events in the log`);
    console.log(`${availableParallelism()} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}; raw SHA-256 on one thread, verify with its default 2 database readers`);
    const verdicts = [
      { name: 'verify-vs-raw-sha256', value: verifyRate / rawRate, goal: 0.5 },
      { name: 'replay-vs-raw-select', value: folded.rate / raw.rate, goal: 0.5 },
    ];
    console.log('');
    for (const v of verdicts) console.log(`target ${v.name}: ${v.value.toFixed(2)} (goal >= ${v.goal}) ${v.value >= v.goal ? 'PASS' : 'FAIL'}`);
  } finally {
    await store.close();
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    await admin.query(`drop database "${dbName}" with (force)`);
    await admin.end();
    await server.stop();
  }
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
