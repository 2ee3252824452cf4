import { parseArgs } from 'node:util';
import { openDatabase } from '@shuzhi/database';
import { PostgresEventStore } from '@shuzhi/event-store';
import { systemClock } from '@shuzhi/shared-kernel';
import { generatePopulation } from './population-generator.js';
import { writePopulation } from './seed-writer.js';

/**
 * Seeds the population register with synthetic households and residents, written as events
 * through the deciders, into DATABASE_URL or the embedded PostgreSQL of .data/:
 *
 *   npx tsx apps/population/src/seed/seed-population.ts --residents 10000 [--seed 1] [--as-of 2026-01-01] [--concurrency 8]
 *
 * The same seed writes the same people; running it again appends nothing. Prints the rate.
 */
const main = async () => {
  const { values } = parseArgs({
    options: {
      residents: { type: 'string', default: '1000' },
      seed: { type: 'string', default: '1' },
      'as-of': { type: 'string', default: '2026-01-01' },
      concurrency: { type: 'string', default: '8' },
    },
  });
  const residents = Number(values.residents);
  const seed = Number(values.seed);
  const concurrency = Number(values.concurrency);
  if (!Number.isSafeInteger(residents) || residents < 1) throw new Error('--residents takes a whole number of at least 1');
  if (!Number.isSafeInteger(seed)) throw new Error('--seed takes a whole number');
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) throw new Error('--concurrency takes a whole number of at least 1');

  const database = await openDatabase();
  const store = await PostgresEventStore.connect({
    connectionString: database.url,
    // Only the seed's own sessions: an OS crash may lose the last commits of the run, never half
    // of one, and running the same seed again appends exactly what is missing. Without a WAL
    // flush per append the run is bound by CPU, not by the disk.
    pool: { max: concurrency, options: '-c synchronous_commit=off' },
  });
  try {
    const population = generatePopulation({ seed, residents, asOf: values['as-of'], now: systemClock.now().toISOString() });
    const started = performance.now();
    let reported = 0;
    const report = await writePopulation(store, population, {
      concurrency,
      onProgress: (progress) => {
        if (progress.residents - reported < residents / 10) return;
        reported = progress.residents;
        const seconds = (performance.now() - started) / 1000;
        console.log(`${progress.residents} residents in ${progress.households} households, ${seconds.toFixed(1)} s`);
      },
    });
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `seeded ${report.residents} residents (${report.households} households, ${report.events} events) in ${seconds.toFixed(1)} s: ` +
        `${Math.round(report.residents / seconds)} residents/s, ${Math.round(report.events / seconds)} events/s`,
    );
    for (const { residentId, reason } of report.refused) console.log(`refused ${residentId}: ${reason}`);
  } finally {
    await store.close();
    await database.stop();
  }
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
