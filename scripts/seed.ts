import { parseArgs } from 'node:util';
import { openDatabase } from '@shuzhi/database';
import { PostgresEventStore } from '@shuzhi/event-store';
import { systemClock } from '@shuzhi/shared-kernel';
import { seedEnterprises } from '../apps/enterprise/src/seed/seed-enterprises.js';
import { generatePopulation } from '../apps/population/src/seed/population-generator.js';
import { writePopulation } from '../apps/population/src/seed/seed-writer.js';

/**
 * `npm run seed -- --residents 10000 --enterprises 2000 [--seed 1]`: synthetic residents,
 * households and enterprises, written as events through each service's deciders into
 * DATABASE_URL or the embedded PostgreSQL of .data/ (stop `npm start` first, or point both at
 * one DATABASE_URL). The same seed writes the same data; a second run appends nothing.
 */
const main = async () => {
  const { values } = parseArgs({
    options: {
      residents: { type: 'string', default: '1000' },
      enterprises: { type: 'string', default: '200' },
      seed: { type: 'string', default: '1' },
      'as-of': { type: 'string', default: '2026-01-01' },
    },
  });
  const residents = Number(values.residents);
  const enterprises = Number(values.enterprises);
  const seed = Number(values.seed);
  for (const [flag, value] of [['--residents', residents], ['--enterprises', enterprises], ['--seed', seed]] as const) {
    if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${flag} takes a whole number of at least 0`);
  }
  const database = await openDatabase();
  // The seed's own sessions only: an OS crash may lose the run's last commits, and a rerun
  // appends exactly what is missing.
  const store = await PostgresEventStore.connect({ connectionString: database.url, pool: { max: 8, options: '-c synchronous_commit=off' } });
  try {
    const started = performance.now();
    const options = { seed, residents, asOf: values['as-of'], now: systemClock.now().toISOString() };
    const population = await writePopulation(store, generatePopulation(options));
    console.log(`residents: ${population.residents} in ${population.households} households (${population.events} events)`);
    // The generator is deterministic: a second pass names the same people, for legal representatives.
    const residentIds = [...generatePopulation(options)].flatMap((household) => household.residents.map((r) => r.register.residentId));
    const register = await seedEnterprises(store, { seed: String(seed), count: enterprises, residentIds });
    console.log(`enterprises: ${register.enterprises} (${register.events} events)`);
    console.log(`seeded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await store.close();
    await database.stop();
  }
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
