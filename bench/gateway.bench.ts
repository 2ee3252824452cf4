/**
 * `npm run bench:gateway`: one federated query (a resident with their household and the
 * enterprises they represent) on seeded data, through
 *   1. the gateway with contract enforcement and access records on,
 *   2. a second gateway on the same subgraphs with our plugins off (the baseline),
 *   3. straight to the population subgraph (the same query without `enterprises`, signed here),
 *   4. `@apollo/gateway` on the same supergraph and subgraphs (a peer, signing the same way),
 * each gateway in a process of its own, as deployed (bench/gateway/gateway-process.ts), the
 * others paused while one is measured; each run at the same fixed concurrency from a worker
 * thread of this process (a new one per run, measured after a lead-in of its own), in paired
 * rounds. Prints throughput and p50/p99 latency, the ratios (the target's is the median of each
 * round's own), then the latency of 1, 2 and 4
 * over alternating open-loop runs at half the baseline's throughput (the target's p99 is 1's, over
 * all its runs' requests; 4's is a reference) with the machine's CPU per request in those runs
 * (what each costs at the same rate), and one verdict line per target. With each measured run it
 * prints where the machine's CPU went (per request, by process, and the cores' disk wait and
 * steal), each service's requests per request, our gateway's and each subgraph's event-loop delay
 * and GC pauses, the gateway's own timings, and the tables autovacuum worked on; after an
 * open-loop run, its slowest requests and how late the load sent them, and who used the machine's
 * cores (sampled every 100 ms) while the slowest was in flight. BENCH_SCENARIOS limits
 * the run to the two gateways and the scenarios named; BENCH_CPU_PROFILE=<dir> writes a CPU
 * profile of the gateway under load for each measured run.
 *
 * Uses DATABASE_URL's server when set, otherwise an embedded PostgreSQL in .data/bench-gateway;
 * either way the run seeds a database of its own and drops it at the end.
 */
import 'reflect-metadata';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { PostgresEventStore } from '@shuzhi/event-store';
import { waitUntil } from '@shuzhi/shared-kernel';
import { seedEnterprises, decideSeed } from '../apps/enterprise/src/seed/seed-enterprises.js';
import { generatePopulation } from '../apps/population/src/seed/population-generator.js';
import { writePopulation } from '../apps/population/src/seed/seed-writer.js';
import { isFederatedAnswer, latencyPercentiles, type LoadResult } from './gateway/load.js';
import type { LoadJob, LoadMessage } from './gateway/load-worker.js';
import { askGateway, BenchGovernance, BenchPlatform, log, stopChild, type Answer, type BenchContract } from './gateway/bench-platform.js';
import { cpuPerRequest, machineCpuPerRequest, readCpu, type CpuReading } from './gateway/cpu-meter.js';
import { CpuTimeline } from './gateway/cpu-timeline.js';
import { gatewayTimingsBetween, readMetrics, stallsBetween, type MetricsReading } from './gateway/service-metrics.js';

// A log line per request is an operator's choice, the same for every variant: off while measuring.
process.env.LOG_LEVEL ??= 'warn';
const RESIDENTS = Number(process.env.BENCH_RESIDENTS ?? 100_000);
const ENTERPRISES = Number(process.env.BENCH_ENTERPRISES ?? Math.round(RESIDENTS / 5));
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 10) * 1000;
// Long enough for V8 to optimise every process's hot paths and PostgreSQL to cache the rows:
// with 3 s, the first measured run paid for the warm-up of everyone's code.
const WARMUP_MS = Number(process.env.BENCH_WARMUP_SECONDS ?? 10) * 1000;
/** Each run's own lead-in on its new thread, not measured (see LoadJob.warmupMs). */
const LOAD_WARMUP_MS = 1_000;
const MAX_REQUESTS = Number(process.env.BENCH_MAX_REQUESTS ?? 50_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
/** The open-loop latency run's rate, as a share of the baseline's closed-loop throughput. */
const LATENCY_LOAD_SHARE = Number(process.env.BENCH_LATENCY_LOAD_SHARE ?? 0.5);
/**
 * Open-loop runs per gateway, alternating between the two; the p99 is over all their requests.
 * One 10 s run at half load is a few hundred requests, whose p99 is its few slowest: it says more
 * about the moment the run fell on than about the gateway.
 */
const OPEN_LOOP_RUNS = Number(process.env.BENCH_OPEN_LOOP_RUNS ?? 3);
/** Besides the two gateways the targets compare, only the scenarios whose names start with one of these (comma-separated). */
const SCENARIOS = process.env.BENCH_SCENARIOS?.split(',').map((s) => s.trim());
const wanted = (scenario: string) => !SCENARIOS || scenario.startsWith('gateway') || SCENARIOS.some((prefix) => scenario.startsWith(prefix));
/** A directory to write a CPU profile of the gateway under load to, for each measured run. */
const CPU_PROFILE_DIR = process.env.BENCH_CPU_PROFILE;
/** Distinct residents the load cycles through: half of them represent at least one enterprise. */
const QUERIED_RESIDENTS = 5_000;

const PURPOSE = 'SUBSIDY_ELIGIBILITY';
const ENFORCED = 'gateway, enforcement + records ON';
const PLAIN = 'gateway, plugins OFF';
const PEER = '@apollo/gateway (peer)';
const CONSUMER = 'human-resources';
const QUERY = 'query ($id: ID!) { resident(id: $id) { id name birthDate household { id address } enterprises { creditCode name } } }';
const SUBGRAPH_QUERY = 'query ($id: ID!) { resident(id: $id) { id name birthDate household { id address } } }';
/** Exactly the fields the query reads, dataset by dataset. */
const CONTRACTS: BenchContract[] = [
  { datasetCode: 'population.resident', fields: ['id', 'name', 'birthDate', 'household'], steward: 'public-security' },
  { datasetCode: 'population.household', fields: ['id', 'address'], steward: 'public-security' },
  { datasetCode: 'enterprise.legal-representation', fields: ['enterprises'], steward: 'market-regulation' },
  { datasetCode: 'enterprise.registration', fields: ['creditCode', 'name'], steward: 'market-regulation' },
];

const SUBGRAPH_PORTS = { governance: 4201, population: 4202, enterprise: 4203 } as const;

const main = async (platform: BenchPlatform) => {
  const { url, server } = await platform.openDatabase('bench-gateway', Number(process.env.SHUZHI_BENCH_PG_PORT ?? 54359), 'shuzhi_bench_gateway');

  const { population, register, queried } = await seedCity(platform, url);

  // The subgraphs, as the platform starts them, trusting a gateway key made for this run.
  await platform.startSubgraph('governance', SUBGRAPH_PORTS.governance);
  await Promise.all([platform.startSubgraph('population', SUBGRAPH_PORTS.population), platform.startSubgraph('enterprise', SUBGRAPH_PORTS.enterprise)]);
  const { subgraphs, gatewayProcesses } = platform;
  log('subgraphs up');

  // One supergraph for all three gateways, composed by our composition.
  const supergraphSdl = await platform.composeSupergraph();
  const enforced = await platform.startGateway(ENFORCED, platform.shuzhiGateway(supergraphSdl, { hashKey: `bench-${randomUUID()}` }));
  const plain = await platform.startGateway(PLAIN, platform.shuzhiGateway(supergraphSdl, false));
  /** Our gateways' base URLs (their /metrics), by name. */
  const gatewayBases: Record<string, string> = { [ENFORCED]: enforced.replace(/\/graphql$/, ''), [PLAIN]: plain.replace(/\/graphql$/, '') };

  // Governance, as the platform admin: the consumer department, its purpose, keys, contracts.
  const governance = new BenchGovernance(enforced, platform.adminKey, [enforced, plain]);
  const call = (apiKey: string, query: string, variables: object = {}, headers: Record<string, string> = {}) => governance.call(apiKey, query, variables, headers);
  await governance.registerConsumer({ code: CONSUMER, name: '人社局' }, PURPOSE);
  const consumer = (await governance.issue(CONSUMER, ['CONSUMER'])).apiKey;
  const stewards = {
    'public-security': (await governance.issue('public-security', ['STEWARD'])).apiKey,
    'market-regulation': (await governance.issue('market-regulation', ['STEWARD'])).apiKey,
  };
  await governance.activateContracts(consumer, stewards, PURPOSE, CONTRACTS);

  // The enterprise read model catches up from the log; the query reads it.
  const raw = await platform.connect();
  await waitUntil(async () => Number((await raw.query('select count(*) from enterprise.enterprises')).rows[0].count) >= register.enterprises, {
    timeoutMs: 600_000,
    intervalMs: 500,
    what: 'the enterprise read model to catch up',
  });
  /** Autovacuum and autoanalyze runs so far, by table: each takes a core for a while. */
  const vacuums = async () =>
    new Map(
      (
        await raw.query<{ name: string; runs: string }>(
          `select schemaname || '.' || relname as name, autovacuum_count + autoanalyze_count as runs from pg_stat_all_tables where autovacuum_count + autoanalyze_count > 0`,
        )
      ).rows.map((row) => [row.name, Number(row.runs)]),
    );

  /** PostgreSQL sessions opened so far: each a backend forked, authenticated and warmed up. */
  const sessions = async () => Number((await raw.query<{ n: string }>('select sum(sessions) as n from pg_stat_database')).rows[0].n);

  const bodies = queried.map((id) => JSON.stringify({ query: QUERY, variables: { id } }));
  const subgraphBodies = queried.map((id) => JSON.stringify({ query: SUBGRAPH_QUERY, variables: { id } }));
  const consumerHeaders = { authorization: `Bearer ${consumer}`, 'x-purpose': PURPOSE };
  // queried[0] is a legal representative: the answer has enterprises.
  const probe = await call(consumer, QUERY, { id: queried[0] }, { 'x-purpose': PURPOSE });
  await waitUntil(async () => !(await call(consumer, QUERY, { id: queried[0] }, { 'x-purpose': PURPOSE })).errors, {
    timeoutMs: 30_000,
    intervalMs: 200,
    what: `the approved contracts to apply (last answer: ${JSON.stringify(probe.errors ?? probe.data).slice(0, 300)})`,
  });
  const sample = await call(consumer, QUERY, { id: queried[0] }, { 'x-purpose': PURPOSE });
  log(`sample answer through the enforced gateway: ${JSON.stringify(sample.data)}`);

  let peerProblem: string | undefined = wanted(PEER) ? undefined : 'not asked for (BENCH_SCENARIOS)';
  let peer: string | undefined;
  try {
    if (peerProblem) throw new Error(peerProblem);
    peer = await platform.startGateway(PEER, {
      kind: 'apollo',
      supergraphSdl,
      privateKeyPem: platform.gatewayPrivateKeyPem,
      caller: { clientId: 'bench-apollo', department: CONSUMER, roles: ['CONSUMER'], purpose: PURPOSE },
    });
    const answer = (await (await fetch(peer, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bodies[0] })).json()) as Answer;
    if (!isFederatedAnswer(answer)) throw new Error(`unexpected answer ${JSON.stringify(answer).slice(0, 300)}`);
  } catch (error) {
    peerProblem = (error as Error).message;
    log(`@apollo/gateway peer skipped: ${peerProblem}`);
    const child = gatewayProcesses.get(PEER);
    if (child) await stopChild(child);
    peer = undefined;
  }

  const directCaller = { clientId: 'bench', department: CONSUMER, roles: ['CONSUMER' as const], purpose: PURPOSE, audience: 'population' };
  const scenarios: Array<{ name: string; url: string; headers: Record<string, string>; bodies: string[]; expectFederated: boolean; signAs?: LoadJob['signAs'] }> = [
    { name: ENFORCED, url: enforced, headers: consumerHeaders, bodies, expectFederated: true },
    { name: PLAIN, url: plain, headers: consumerHeaders, bodies, expectFederated: true },
    {
      name: 'population subgraph direct (no enterprises)',
      url: `${subgraphs.population}/graphql`,
      headers: {},
      bodies: subgraphBodies,
      expectFederated: false,
      signAs: { privateKeyPem: platform.gatewayPrivateKeyPem, caller: directCaller },
    },
    ...(peer ? [{ name: PEER, url: peer, headers: {}, bodies, expectFederated: true }] : []),
  ].filter((s) => wanted(s.name));
  /** A load from a new worker thread; with `whenWarm`, the worker warms up first and the run starts once `whenWarm` is done. */
  const load = (s: (typeof scenarios)[number], durationMs: number, offset: number, ratePerSecond?: number, whenWarm?: () => Promise<void>) =>
    new Promise<LoadResult>((done, fail) => {
      const job: LoadJob = {
        options: { url: s.url, headers: s.headers, bodies: s.bodies, concurrency: CONCURRENCY, ratePerSecond, durationMs, maxRequests: MAX_REQUESTS },
        offset,
        signAs: s.signAs,
        expectFederated: s.expectFederated,
        warmupMs: whenWarm ? LOAD_WARMUP_MS : undefined,
      };
      const worker = new Worker(new URL('./gateway/load-worker.js', import.meta.url), { workerData: job });
      worker.on('message', (message: LoadMessage) => {
        if (message !== 'warm') return done(message);
        whenWarm!().then(() => worker.postMessage('go'), fail);
      });
      worker.once('error', fail);
      // A thread that ends without its result (after it, this is a no-op) would leave the other gateways paused.
      worker.once('exit', (code) => fail(new Error(`the load's thread exited (${code}) without a result`)));
    });
  /**
   * A run's result, with where the machine's CPU went meanwhile (ms per request, by part), the
   * subgraphs' and (for our gateways) the gateway's stalls and own timings, all read from the end
   * of its warm-up.
   */
  const measured = async (name: string, s: (typeof scenarios)[number], offset: number, ratePerSecond?: number) => {
    const services: Record<string, string> = { ...subgraphs, ...(gatewayBases[s.name] ? { [s.name]: gatewayBases[s.name] } : {}) };
    let before: CpuReading = {};
    let vacuumsBefore = new Map<string, number>();
    let sessionsBefore = 0;
    let metricsBefore: MetricsReading = new Map();
    const profiled = CPU_PROFILE_DIR ? gatewayProcesses.get(s.name) : undefined;
    // Open-loop runs only: closed-loop, the cores are busy all the time by design.
    const timeline = ratePerSecond ? new CpuTimeline(platform.processPids, availableParallelism()) : undefined;
    // The other gateways sit idle meanwhile, but not quiet: having just served a run, one still
    // collects its garbage, with helper threads on both cores, and such bursts were seen to stall
    // the one measured. Deployed, gateways do not share a machine with idle peers: they are paused.
    // (A paused gateway's LISTEN connections stop reading: PostgreSQL holds their notifications
    // until it is continued, and the governance events it would have folded meanwhile are none.)
    const idle = [...gatewayProcesses].filter(([name]) => name !== s.name).map(([, child]) => child);
    for (const child of idle) child.kill('SIGSTOP');
    const result = await load(s, DURATION_MS, offset, ratePerSecond, async () => {
      [vacuumsBefore, sessionsBefore, metricsBefore] = await Promise.all([vacuums(), sessions(), readMetrics(services)]);
      before = readCpu(platform.processPids);
      if (profiled) await askGateway(profiled, { profile: 'start' }, 'profiling');
      timeline?.start();
    }).finally(() => {
      timeline?.stop();
      for (const child of idle) child.kill('SIGCONT');
    });
    if (profiled) await askGateway(profiled, { profile: 'stop', file: join(CPU_PROFILE_DIR!, `${name.replace(/[^\w-]+/g, '_')}.cpuprofile`) }, 'profiled');
    const after = readCpu(platform.processPids);
    const metricsAfter = await readMetrics(services);
    const stalls = stallsBetween(metricsBefore, metricsAfter, result.requests);
    const timings = metricsBefore.has(s.name) ? gatewayTimingsBetween(metricsBefore.get(s.name)!, metricsAfter.get(s.name)!) : undefined;
    // An autovacuum still at work when the run ends shows in the next run's count.
    const vacuumed = `autovacuum/autoanalyze runs: ${
      [...(await vacuums())]
        .filter(([table, runs]) => runs > (vacuumsBefore.get(table) ?? 0))
        .map(([table, runs]) => `${table} ${runs - (vacuumsBefore.get(table) ?? 0)}`)
        .join(', ') || 'none'
    }`;
    const opened = `PostgreSQL sessions opened: ${(await sessions()) - sessionsBefore}`;
    return {
      result,
      cpu: `${cpuPerRequest(before, after, result.requests)}; ${vacuumed}; ${opened}`,
      machineCpuMs: machineCpuPerRequest(before, after, result.requests),
      stalls,
      timings,
      timeline,
    };
  };
  const results = new Map<string, LoadResult[]>(scenarios.map((s) => [s.name, []]));
  for (const s of scenarios) await load(s, WARMUP_MS, 0);
  // Rounds run the scenarios back to back, so that load from elsewhere moves all of them alike.
  for (let round = 0; round < ROUNDS; round++) {
    // Every other round runs the scenarios in reverse, so that whatever the first run of a round
    // pays (rows not yet cached, a checkpoint) falls on each scenario alike.
    for (const s of round % 2 === 0 ? scenarios : [...scenarios].reverse()) {
      const { result, cpu, stalls, timings } = await measured(`${round + 1}-${s.name}`, s, (round + 1) * 1_000);
      results.get(s.name)!.push(result);
      log(`round ${round + 1} ${s.name}: ${result.perSecond.toFixed(0)} req/s, p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, ${result.failures} failed${result.firstFailure ? ` (${result.firstFailure})` : ''}`);
      log(`  CPU ms per request: ${cpu}`);
      log(`  stalls: ${stalls}`);
      if (timings) log(`  where the gateway's time went (its own metrics): ${timings}`);
    }
  }

  // Each figure is the median over rounds (with two rounds, their mean).
  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  };
  const figure = (name: string) => {
    const runs = results.get(name)!;
    return {
      perSecond: median(runs.map((r) => r.perSecond)),
      p50: median(runs.map((r) => r.p50)),
      p99: median(runs.map((r) => r.p99)),
      requests: runs.reduce((n, r) => n + r.requests, 0),
      failures: runs.reduce((n, r) => n + r.failures, 0),
    };
  };
  const baseline = figure(PLAIN);

  // Latency where a service is meant to run, below saturation: open-loop at a fixed share of what
  // the baseline sustained. (Closed-loop at saturation, latency is only concurrency / throughput.)
  const rate = Math.max(1, Math.floor(baseline.perSecond * LATENCY_LOAD_SHARE));
  // The peer runs at the same rate too, as a reference: what this machine does to the p99 of a
  // gateway that is not ours.
  const latencyScenarios = scenarios.filter((s) => s.name === ENFORCED || s.name === PLAIN || s.name === PEER);
  const openLoop = new Map<string, LoadResult[]>(latencyScenarios.map((s) => [s.name, []]));
  /** The machine's CPU per request in each open-loop run, by scenario: what each costs at the same rate. */
  const openLoopCpu = new Map<string, number[]>(latencyScenarios.map((s) => [s.name, []]));
  for (let run = 0; run < OPEN_LOOP_RUNS; run++) {
    for (const s of run % 2 === 0 ? latencyScenarios : [...latencyScenarios].reverse()) {
      const { result, cpu, machineCpuMs, stalls, timings, timeline } = await measured(`open-loop-${run + 1}-${s.name}`, s, 90_000 + run * 1_000, rate);
      openLoop.get(s.name)!.push(result);
      openLoopCpu.get(s.name)!.push(machineCpuMs);
      log(`open loop ${run + 1} at ${rate} req/s, ${s.name}, from ${new Date(result.startedAt).toISOString()}: p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, ${result.failures} failed`);
      log(`  slowest (due at ms into the run: took ms, of which sent late ms): ${result.slowest.map((r) => `${r.at}: ${r.ms} (${r.late})`).join(', ')}`);
      const [slowest] = result.slowest;
      if (timeline && slowest) {
        const due = result.startedAt + slowest.at;
        log(`  the machine's CPU from when the slowest was due until it was answered: ${timeline.between(due, due + slowest.ms)}`);
        log(`  100 ms intervals with every core busy: ${timeline.saturated()}`);
      }
      log(`  CPU ms per request: ${cpu}`);
      log(`  stalls: ${stalls}`);
      if (timings) log(`  where the gateway's time went (its own metrics): ${timings}`);
    }
  }
  const pgVersion = (await raw.query('show server_version')).rows[0].server_version as string;
  console.log('');
  console.log(`PostgreSQL ${pgVersion}, ${server.embedded ? 'embedded' : 'DATABASE_URL'}; ${population.residents} residents, ${register.enterprises} enterprises`);
  console.log(`query: ${QUERY}`);
  console.log(`${CONCURRENCY} requests in flight from a worker thread of this process (each gateway runs in a process of its own), ${DURATION_MS / 1000} s or ${MAX_REQUESTS} requests per run after a ${WARMUP_MS / 1000} s warm-up,`);
  console.log(`each run led in by ${LOAD_WARMUP_MS / 1000} s of the same load from its own thread, not measured,`);
  console.log(`over ${QUERIED_RESIDENTS} residents (half of them legal representatives); median of ${ROUNDS} paired round(s), every other one in reverse order; baseline: plugins OFF\n`);
  for (const s of scenarios) {
    const f = figure(s.name);
    console.log(
      `${s.name.padEnd(46)} ${f.perSecond.toFixed(0).padStart(6)} req/s  p50 ${f.p50.toFixed(1).padStart(6)} ms  p99 ${f.p99.toFixed(1).padStart(6)} ms  ` +
        `ratio ${(f.perSecond / baseline.perSecond).toFixed(2)}  (${f.requests} requests, ${f.failures} failed)`,
    );
  }
  // The target's ratio is taken within each round, then the median: the two gateways run back to
  // back in every round, while this machine's speed drifts between rounds (the load's own CPU per
  // request, the same code in every run, has varied threefold within one benchmark here).
  const plainRuns = results.get(PLAIN)!;
  const pairedRatios = results.get(ENFORCED)!.map((enforcedRun, round) => enforcedRun.perSecond / plainRuns[round].perSecond);
  const overhead = median(pairedRatios);
  console.log('');
  console.log(
    `enforced / plugins-off throughput: ${overhead.toFixed(2)}, the median of each round's (${pairedRatios.map((r) => r.toFixed(2)).join(', ')}); ` +
      `the ratio of the medians above is ${(figure(ENFORCED).perSecond / baseline.perSecond).toFixed(2)}`,
  );
  if (peer) {
    console.log(`ours (plugins off) / @apollo/gateway throughput: ${(baseline.perSecond / figure(PEER).perSecond).toFixed(2)}`);
  } else {
    console.log(`ours (plugins off) / @apollo/gateway: not measured (${peerProblem})`);
  }
  console.log('');
  /** Each gateway's open-loop percentiles over all its runs' requests pooled. */
  const pooled = new Map([...openLoop].map(([name, runs]) => [name, latencyPercentiles(runs.flatMap((r) => r.latencies))]));
  for (const [name, { p50, p99 }] of pooled) {
    const runs = openLoop.get(name)!;
    console.log(
      `open loop at ${rate} req/s (${LATENCY_LOAD_SHARE} of the baseline's throughput), ${name.padEnd(34)} ` +
        `p50 ${p50.toFixed(1).padStart(6)} ms  p99 ${p99.toFixed(1).padStart(6)} ms  ` +
        `(${runs.reduce((n, r) => n + r.requests, 0)} requests in ${runs.length} runs; each run's p99: ${runs.map((r) => r.p99.toFixed(1)).join(', ')} ms)`,
    );
  }
  // What enforcement costs the machine at the same rate. Closed-loop, each process's CPU per
  // request also grows as its rate falls (less is amortised per wake-up), so the throughput
  // ratio charges the enforced gateway for the subgraphs' lost efficiency too.
  const cpuAtRate = (name: string) => median(openLoopCpu.get(name)!);
  console.log(
    `the machine's CPU per request at ${rate} req/s (median of the open-loop runs): ` +
      [...openLoopCpu.keys()].map((name) => `${name} ${cpuAtRate(name).toFixed(1)} ms`).join(', ') +
      `; enforced / plugins-off ${(cpuAtRate(ENFORCED) / cpuAtRate(PLAIN)).toFixed(2)}`,
  );
  const enforcedP99 = pooled.get(ENFORCED)!.p99;
  const anyFailed = [...results.values(), ...openLoop.values()].flat().some((r) => r.failures > 0);
  if (anyFailed) console.log('WARNING: some requests failed; the figures above count them as answered');
  console.log('');
  const cpuRatio = cpuAtRate(ENFORCED) / cpuAtRate(PLAIN);
  console.log(`target enforcement-overhead: ${overhead.toFixed(2)} (goal >= 0.85) ${overhead >= 0.85 && !anyFailed ? 'PASS' : 'FAIL'}`);
  // What the enforcement costs the machine per request at the same rate (decision, lookups, shaping,
  // the access record's append, the caller context's signatures): the figure the security work is held to.
  console.log(`target enforcement-cpu-at-equal-rate: ${cpuRatio.toFixed(2)} (goal <= 1.15) ${cpuRatio <= 1.15 && !anyFailed ? 'PASS' : 'FAIL'}`);
  console.log(`target p99-at-half-load: ${enforcedP99.toFixed(1)} ms (goal < 50 ms) ${enforcedP99 < 50 && !anyFailed ? 'PASS' : 'FAIL'}`);
};

/**
 * Seeds the city through the deciders, as `npm run seed` does, and picks the residents the load
 * asks for: half of them legal representatives (the first is one), half anyone.
 */
const seedCity = async (platform: BenchPlatform, url: string) => {
  const seedStarted = performance.now();
  const store = await PostgresEventStore.connect({ connectionString: url, pool: { max: 8, options: '-c synchronous_commit=off' } });
  const closeStore = platform.onStop('the event store', () => store.close());
  const seedOptions = { seed: 1, residents: RESIDENTS, asOf: '2026-01-01', now: new Date().toISOString() };
  const population = await writePopulation(store, generatePopulation(seedOptions));
  const residentIds = [...generatePopulation(seedOptions)].flatMap((household) => household.residents.map((r) => r.register.residentId));
  const register = await seedEnterprises(store, { seed: '1', count: ENTERPRISES, residentIds });
  await closeStore();
  log(`seeded ${population.residents} residents in ${population.households} households and ${register.enterprises} enterprises in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);
  const representatives = [
    ...new Set(
      decideSeed({ seed: '1', count: ENTERPRISES, residentIds })
        .flatMap(({ events }) => events.map((e) => (e.data as { legalRepresentativeId?: string | null }).legalRepresentativeId))
        .filter((id): id is string => typeof id === 'string'),
    ),
  ];
  const queried = Array.from({ length: QUERIED_RESIDENTS }, (_, i) =>
    i % 2 === 0 ? representatives[(i * 7919) % representatives.length] : residentIds[(i * 104_729) % residentIds.length],
  );
  return { population, register, queried };
};

BenchPlatform.run(main);
