/**
 * `npm run bench:feeds`: change feeds through one gateway, as department systems follow them.
 * 1, 100 and 1 000 subscribers (BENCH_FEED_LEVELS) each hold
 *   subscription { residentChanges { cursor kind resident { id name } } }
 * open over GraphQL over SSE (a connection each) from a worker thread of this process, while a
 * writer moves seeded residents between households at a fixed rate per level, straight to the
 * population subgraph (signed as a gateway would), so that no gateway measured pays for writes.
 * Each level runs on the gateway with enforcement and access records on, and on a second gateway
 * with our plugins off (the baseline: no enforcement, so its feed is not governed), each in a
 * process of its own (bench/gateway/gateway-process.ts), the other paused meanwhile, in turns.
 *
 * After every subscriber has had a change and a warm-up, one measured window: changes delivered
 * per second (parsed by a subscriber within it), append-to-delivery latency p50/p99 (the
 * change's append time in the log, its `occurredAt`, to the moment a subscriber parsed it, for
 * every change appended within the window, each once per subscriber, however late it came), and
 * CPU per delivered change: the gateway's (the target's figure), and every other process's. Also
 * what the feeds hold open: the gateway's connections to the population subgraph (each feed
 * opens its own SSE connection there) and each process's file descriptors against its limit.
 * Ends with one verdict line per target. BENCH_CPU_PROFILE=<dir> writes a CPU profile of the
 * gateway over each measured window.
 *
 * Uses DATABASE_URL's server when set, otherwise an embedded PostgreSQL in .data/bench-feeds;
 * either way the run seeds a database of its own and drops it at the end.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { PostgresEventStore, type Checkpoint } from '@shuzhi/event-store';
import { decodePostgresCheckpoint } from '../libs/event-store/src/postgres/postgres-event-store.js';
import { waitUntil } from '@shuzhi/shared-kernel';
import { FEEDS_PER_CLIENT } from '../apps/gateway/src/enforcement/enforcement.js';
import { generatePopulation } from '../apps/population/src/seed/population-generator.js';
import { writePopulation } from '../apps/population/src/seed/seed-writer.js';
import { askGateway, BenchGovernance, BenchPlatform, log, type BenchContract } from './gateway/bench-platform.js';
import { cpuPerRequest, readCpu } from './gateway/cpu-meter.js';
import { epochOf, latencyPercentiles } from './gateway/load.js';
import { increase, readMetrics, stallsBetween } from './gateway/service-metrics.js';
import { openFiles, type OpenFiles } from './feeds/open-files.js';
import { ResidentWriter, type MovableResident, type WriterResult } from './feeds/resident-writer.js';
import { Subscribers } from './feeds/subscribers.js';

// A log line per request is an operator's choice, the same for both gateways: off while measuring.
process.env.LOG_LEVEL ??= 'warn';
const RESIDENTS = Number(process.env.BENCH_RESIDENTS ?? 10_000);
/**
 * Subscribers, and the writes a second while they hold on: `subscribers:writes`, comma-separated.
 * Each write reaches every subscriber, so the rates fall as subscribers grow, keeping the
 * deliveries a second within what two cores serve with the writer and PostgreSQL besides.
 */
const LEVELS = (process.env.BENCH_FEED_LEVELS ?? '1:40,100:8,1000:1').split(',').map((level) => {
  const [subscribers, writesPerSecond] = level.split(':').map(Number);
  if (!(subscribers > 0 && writesPerSecond > 0)) throw new Error(`BENCH_FEED_LEVELS: "${level}" is not subscribers:writes-per-second`);
  return { subscribers, writesPerSecond };
});
const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 30) * 1000;
/** After every subscriber has had a change: long enough for V8 to optimise the feeds' paths. */
const WARMUP_MS = Number(process.env.BENCH_WARMUP_SECONDS ?? 5) * 1000;
/** Feeds being opened at once: a system's reconnecting subscribers, not a thousand at the same instant. */
const OPEN_CONCURRENCY = 25;
/** A directory to write a CPU profile of the gateway to, for each measured window. */
const CPU_PROFILE_DIR = process.env.BENCH_CPU_PROFILE;

const PURPOSE = 'SUBSIDY_ELIGIBILITY';
const CONSUMER = 'human-resources';
const ENFORCED = 'gateway, enforcement + records ON';
const PLAIN = 'gateway, plugins OFF';
const QUERY = 'subscription { residentChanges { cursor kind resident { id name } } }';
/** Exactly the fields the feed reads. */
const CONTRACTS: BenchContract[] = [{ datasetCode: 'population.resident', fields: ['id', 'name'], steward: 'public-security' }];
const SUBGRAPH_PORTS = { governance: 4211, population: 4212, enterprise: 4213 } as const;
/** The p99 target's bound: a change reaches each of a thousand subscribers within a second. */
const P99_GOAL_MS = 1_000;
const CPU_RATIO_GOAL = 1.3;

/** One level's measured window on one gateway. */
interface Run {
  gateway: string;
  subscribers: number;
  writesPerSecond: number;
  openMs: number;
  writer: WriterResult;
  seconds: number;
  /** Changes parsed by a subscriber within the window. */
  delivered: number;
  /** Changes appended within the window, and their deliveries (each subscriber's, however late). */
  changes: number;
  latencies: number[];
  /** Deliveries of those changes that never came (the subscriber was cut, or the run gave up waiting). */
  missing: number;
  /** Milliseconds of the gateway's CPU per delivered change. */
  gatewayCpuMs: number;
  cpuByPart: string;
  stalls: string;
  /** Feeds the gateway ended or cut meanwhile (its own count; none with plugins off). */
  feedEnds: number;
  ended: number;
  errors: number;
  firstError?: string;
  files: Record<string, OpenFiles | undefined>;
}

const main = async (platform: BenchPlatform) => {
  const { url, server } = await platform.openDatabase('bench-feeds', Number(process.env.SHUZHI_BENCH_PG_PORT ?? 54369), 'shuzhi_bench_feeds');
  const { movable, households } = await seedResidents(platform, url);

  await platform.startSubgraph('governance', SUBGRAPH_PORTS.governance);
  // All three, as deployed: the gateways serve the whole supergraph, the feed one subgraph of it.
  await Promise.all([platform.startSubgraph('population', SUBGRAPH_PORTS.population), platform.startSubgraph('enterprise', SUBGRAPH_PORTS.enterprise)]);
  log('subgraphs up');
  const supergraphSdl = await platform.composeSupergraph();
  const gateways: Record<string, string> = {
    [ENFORCED]: await platform.startGateway(ENFORCED, platform.shuzhiGateway(supergraphSdl, { hashKey: `bench-${randomUUID()}` })),
    [PLAIN]: await platform.startGateway(PLAIN, platform.shuzhiGateway(supergraphSdl, false)),
  };

  // The consumer's systems: enough keys that each holds no more feeds than a client may open.
  const governance = new BenchGovernance(gateways[ENFORCED], platform.adminKey, Object.values(gateways));
  await governance.registerConsumer({ code: CONSUMER, name: '人社局' }, PURPOSE);
  const most = Math.max(...LEVELS.map((l) => l.subscribers));
  const consumerKeys: string[] = [];
  for (let i = 0; i < Math.ceil(most / FEEDS_PER_CLIENT); i++) consumerKeys.push((await governance.issue(CONSUMER, ['CONSUMER'])).apiKey);
  const steward = (await governance.issue('public-security', ['STEWARD'])).apiKey;
  await governance.activateContracts(consumerKeys[0], { 'public-security': steward }, PURPOSE, CONTRACTS);
  await waitUntil(async () => !(await governance.call(consumerKeys[0], 'query ($id: ID!) { resident(id: $id) { id name } }', { id: movable[0].residentId }, { 'x-purpose': PURPOSE })).errors, {
    timeoutMs: 30_000,
    intervalMs: 200,
    what: 'the approved contract to apply',
  });
  log(`${consumerKeys.length} consumer keys, the contract active`);

  const raw = await platform.connect();
  const writer = new ResidentWriter(`${platform.subgraphs.population}/graphql`, platform.gatewayKeys.privateKey, movable, households);
  const populationPort = SUBGRAPH_PORTS.population;
  const pidOf = (name: string) => platform.processPids.get(name)!;
  /** When each change was appended (epoch ms), by cursor: the log's `recorded_at`, the change's occurredAt. */
  const appendedAt = async (cursors: readonly string[]): Promise<Map<string, number>> => {
    const byPosition = new Map(cursors.map((cursor) => [decodePostgresCheckpoint(cursor as Checkpoint).globalPosition.toString(), cursor]));
    const { rows } = await raw.query<{ position: string; at: string }>(
      'select global_position::text as position, extract(epoch from recorded_at) * 1000 as at from event_store.events where global_position = any($1::bigint[])',
      [[...byPosition.keys()]],
    );
    return new Map(rows.map((row) => [byPosition.get(row.position)!, Number(row.at)]));
  };

  const measure = async (gateway: string, subscribers: number, writesPerSecond: number): Promise<Run> => {
    const child = platform.gatewayProcesses.get(gateway)!;
    const base = gateways[gateway].replace(/\/graphql$/, '');
    // The other gateway is paused meanwhile, as in bench:gateway: idle, it still collects garbage.
    const idle = [...platform.gatewayProcesses].filter(([name]) => name !== gateway).map(([, other]) => other);
    for (const other of idle) other.kill('SIGSTOP');
    try {
      const { subscribers: feeds, openMs } = await Subscribers.open({
        url: gateways[gateway],
        query: QUERY,
        purpose: PURPOSE,
        apiKeys: Array.from({ length: subscribers }, (_, i) => consumerKeys[i % consumerKeys.length]),
        openConcurrency: OPEN_CONCURRENCY,
      });
      try {
        writer.start(writesPerSecond);
        let tally = await feeds.tally();
        await waitUntil(
          async () => {
            tally = await feeds.tally();
            if (tally.ended > 0) throw new Error(`${tally.ended} feeds ended before all were live: ${tally.firstError}`);
            return tally.live === subscribers;
          },
          { timeoutMs: 120_000, intervalMs: 200, what: `every one of ${subscribers} subscribers to have a change` },
        );
        await new Promise((resolve) => setTimeout(resolve, WARMUP_MS));
        const files = { gateway: openFiles(child.pid!), 'population subgraph': openFiles(pidOf('population subgraph')), 'this process (subscribers, writer)': openFiles(process.pid) };
        const services = { [gateway]: base, population: platform.subgraphs.population };
        const metricsBefore = await readMetrics(services);
        if (CPU_PROFILE_DIR) await askGateway(child, { profile: 'start' }, 'profiling');
        feeds.record();
        const cpuBefore = readCpu(platform.processPids);
        const started = epochOf(performance.now());
        await new Promise((resolve) => setTimeout(resolve, DURATION_MS));
        const cpuAfter = readCpu(platform.processPids);
        const ended = epochOf(performance.now());
        const metricsAfter = await readMetrics(services);
        if (CPU_PROFILE_DIR) {
          await askGateway(child, { profile: 'stop', file: join(CPU_PROFILE_DIR, `${subscribers}-${gateway.replace(/[^\w-]+/g, '_')}.cpuprofile`) }, 'profiled');
        }
        const written = await writer.stop();
        // What was appended within the window reaches the subscribers after it, if late.
        let before = -1;
        await waitUntil(
          async () => {
            const { delivered } = await feeds.tally();
            const settled = delivered === before;
            before = delivered;
            return settled;
          },
          { timeoutMs: 60_000, intervalMs: 1_000, what: 'the last changes to be delivered' },
        );
        tally = await feeds.tally();
        const deliveries = await feeds.report();
        const appended = await appendedAt(deliveries.map(([cursor]) => cursor));
        const inWindow = (at: number) => at >= started && at <= ended;
        const delivered = deliveries.reduce((n, [, times]) => n + times.filter(inWindow).length, 0);
        const ofWindow = deliveries.filter(([cursor]) => inWindow(appended.get(cursor) ?? -Infinity));
        const latencies = ofWindow.flatMap(([cursor, times]) => times.map((at) => at - appended.get(cursor)!));
        const gatewayCpuMs = ((cpuAfter[gateway] - cpuBefore[gateway]) * 1000) / Math.max(1, delivered);
        return {
          gateway,
          subscribers,
          writesPerSecond,
          openMs,
          writer: written,
          seconds: (ended - started) / 1000,
          delivered,
          changes: ofWindow.length,
          latencies,
          missing: ofWindow.reduce((n, [, times]) => n + subscribers - times.length, 0),
          gatewayCpuMs,
          cpuByPart: cpuPerRequest(cpuBefore, cpuAfter, delivered),
          stalls: stallsBetween(metricsBefore, metricsAfter, delivered),
          feedEnds: increase(metricsBefore.get(gateway)!, metricsAfter.get(gateway)!, 'shuzhi_change_feed_ends_total'),
          ended: tally.ended,
          errors: tally.errors,
          firstError: tally.firstError,
          files,
        };
      } finally {
        await writer.stop();
        await feeds.close();
        // Every feed's connection to the subgraph closes behind its subscriber before the next run.
        await waitUntil(() => (openFiles(child.pid!)?.connectionsTo.get(populationPort) ?? 0) === 0, {
          timeoutMs: 60_000,
          intervalMs: 200,
          what: `the ${gateway}'s feeds to close`,
        });
      }
    } finally {
      for (const other of idle) other.kill('SIGCONT');
    }
  };

  const runs: Run[] = [];
  for (const [i, { subscribers, writesPerSecond }] of LEVELS.entries()) {
    // Every other level in reverse, so that whatever the first of a pair pays falls on each alike.
    for (const gateway of i % 2 === 0 ? [ENFORCED, PLAIN] : [PLAIN, ENFORCED]) {
      const run = await measure(gateway, subscribers, writesPerSecond);
      runs.push(run);
      report(run, populationPort);
    }
  }

  const pgVersion = (await raw.query('show server_version')).rows[0].server_version as string;
  console.log('');
  console.log(`PostgreSQL ${pgVersion}, ${server.embedded ? 'embedded' : 'DATABASE_URL'}; ${RESIDENTS} residents seeded`);
  console.log(`feed: ${QUERY}`);
  console.log(
    `subscribers on a worker thread of this process, each gateway in a process of its own; per level and gateway, ${DURATION_MS / 1000} s measured ` +
      `after every subscriber had a change and ${WARMUP_MS / 1000} s more; writes straight to the population subgraph; baseline: plugins OFF\n`,
  );
  for (const run of runs) {
    const { p50, p99 } = latencyPercentiles(run.latencies);
    console.log(
      `${String(run.subscribers).padStart(5)} subscribers, ${String(run.writesPerSecond).padStart(3)} writes/s, ${run.gateway.padEnd(34)} ` +
        `${(run.delivered / run.seconds).toFixed(0).padStart(6)} changes delivered/s  p50 ${p50.toFixed(1).padStart(7)} ms  p99 ${p99.toFixed(1).padStart(7)} ms  ` +
        `gateway CPU ${run.gatewayCpuMs.toFixed(3)} ms per delivered change  (${run.missing} deliveries missing, ${run.ended} feeds ended)`,
    );
  }
  console.log('');
  const ratios = LEVELS.map(({ subscribers }) => {
    const of = (gateway: string) => runs.find((r) => r.subscribers === subscribers && r.gateway === gateway)!;
    return { subscribers, ratio: of(ENFORCED).gatewayCpuMs / of(PLAIN).gatewayCpuMs };
  });
  for (const { subscribers, ratio } of ratios) console.log(`enforced / plugins-off gateway CPU per delivered change, ${subscribers} subscribers: ${ratio.toFixed(2)}`);
  console.log('');
  for (const { subscribers, ratio } of ratios) {
    console.log(`target cpu-per-change-ratio-${subscribers}: ${ratio.toFixed(2)} (goal <= ${CPU_RATIO_GOAL}) ${ratio <= CPU_RATIO_GOAL ? 'PASS' : 'FAIL'}`);
  }
  const thousand = runs.find((r) => r.subscribers === 1_000 && r.gateway === ENFORCED);
  if (!thousand) {
    console.log('target p99-1000-subscribers: not measured (BENCH_FEED_LEVELS has no level of 1000) FAIL');
    return;
  }
  // Held: every subscriber kept its feed, and had every change appended in the window.
  const held = thousand.ended === 0 && thousand.missing === 0;
  const { p99 } = latencyPercentiles(thousand.latencies);
  console.log(
    `target p99-1000-subscribers: ${p99.toFixed(0)} ms${held ? '' : ` (not held: ${thousand.ended} ended, ${thousand.missing} deliveries missing)`} ` +
      `(goal < ${P99_GOAL_MS} ms, all held) ${held && p99 < P99_GOAL_MS ? 'PASS' : 'FAIL'}`,
  );
};

/** One run's lines, as it ends. */
const report = (run: Run, populationPort: number) => {
  const { p50, p99 } = latencyPercentiles(run.latencies);
  log(
    `${run.subscribers} subscribers on the ${run.gateway}: opened in ${(run.openMs / 1000).toFixed(1)} s; ${run.writer.writes} writes at ${run.writesPerSecond}/s ` +
      `(${run.writer.failures} failed${run.writer.firstFailure ? `: ${run.writer.firstFailure}` : ''}); ` +
      `${run.delivered} changes delivered in ${run.seconds.toFixed(1)} s (${(run.delivered / run.seconds).toFixed(0)}/s); ` +
      `${run.changes} changes appended in the window, delivered p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms after their append, ${run.missing} deliveries missing`,
  );
  log(`  CPU ms per delivered change: ${run.cpuByPart}`);
  log(`  stalls (per delivered change): ${run.stalls}`);
  log(`  feeds ended by the gateway: ${run.feedEnds}; seen ended by the subscribers: ${run.ended}, errors ${run.errors}${run.firstError ? ` (${run.firstError})` : ''}`);
  const held = Object.entries(run.files).map(([name, files]) =>
    files
      ? `${name} ${files.files} open files (limit ${files.limit})${name === 'gateway' ? `, ${files.connectionsTo.get(populationPort) ?? 0} connections to the population subgraph` : ''}`
      : `${name} not read`,
  );
  log(`  held open: ${held.join('; ')}`);
};

/**
 * The register, through the deciders as `npm run seed` writes it; the residents the writer moves
 * (the living ones), and the two households it moves them between.
 */
const seedResidents = async (platform: BenchPlatform, url: string) => {
  const seedStarted = performance.now();
  const store = await PostgresEventStore.connect({ connectionString: url, pool: { max: 8, options: '-c synchronous_commit=off' } });
  const closeStore = platform.onStop('the event store', () => store.close());
  const seedOptions = { seed: 1, residents: RESIDENTS, asOf: '2026-01-01', now: new Date().toISOString() };
  const population = await writePopulation(store, generatePopulation(seedOptions));
  await closeStore();
  log(`seeded ${population.residents} residents in ${population.households} households in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);
  const movable: MovableResident[] = [];
  const householdIds: string[] = [];
  for (const household of generatePopulation(seedOptions)) {
    if (household.register.type !== 'RegisterHousehold') continue;
    householdIds.push(household.register.householdId);
    for (const { register, then } of household.residents) {
      if (then.some((command) => command.type === 'RecordDeath')) continue;
      const moved = then.filter((command) => command.type === 'MoveResident').pop();
      movable.push({ residentId: register.residentId, householdId: moved?.toHouseholdId ?? household.register.householdId });
    }
  }
  return { movable, households: [householdIds[0], householdIds[1]] as [string, string] };
};

BenchPlatform.run(main);
