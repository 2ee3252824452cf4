import { PostgresEventStore } from '@shuzhi/event-store';
import { createTestDatabase, type TestDatabase } from '@shuzhi/testing';
import { registerResident } from '../commands/register-resident.js';
import { householdDecider } from '../domain/household/household.decider.js';
import { residentDecider, type ResidentCommand } from '../domain/resident/resident.decider.js';
import { generatePopulation, type PopulationSeedOptions, type SeedResidentCommand } from './population-generator.js';
import { writePopulation } from './seed-writer.js';

const options: PopulationSeedOptions = { seed: 11, residents: 400, now: '2026-11-27T02:00:00.000Z', asOf: '2026-01-01' };

describe('seed writer (real PostgreSQL)', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  const count = async (type: string): Promise<number> => {
    const { rows } = await store.pool.query<{ n: number }>('select count(*)::int as n from event_store.events where type = $1', [type]);
    return rows[0].n;
  };

  beforeAll(async () => {
    database = await createTestDatabase('population_seed');
    store = await PostgresEventStore.connect({ connectionString: database.url });
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  it('writes exactly the events the deciders decide; the same seed again writes nothing; a known ID number is refused', async () => {
    const population = [...generatePopulation(options)];
    const residents = population.flatMap((h) => h.residents);

    // One of the seed's ID numbers was registered before, for someone else.
    const taken = residents[7].register;
    const earlier = await registerResident(store, {
      ...taken,
      residentId: '00000000-0000-4000-8000-000000000001',
      input: { ...taken.input, householdId: null },
      householdRegistered: false,
    });

    const report = await writePopulation(store, population, { concurrency: 4, batchHouseholds: 50 });
    expect(report).toMatchObject({ households: population.length, residents: 399 });
    expect(report.refused).toEqual([{ residentId: taken.residentId, reason: `this ID number is already registered, to resident ${earlier.residentId}` }]);
    expect(await count('HouseholdRegistered')).toBe(population.length);
    expect(await count('ResidentRegistered')).toBe(400);
    expect(await count('IdNumberReserved')).toBe(400);
    expect(await store.readStream(`resident-${taken.residentId}`)).toEqual([]);

    // Every stream holds what its commands decide, in order, and nothing else.
    const withFacts = (c: SeedResidentCommand): ResidentCommand => (c.type === 'RecordDeath' ? c : { ...c, householdRegistered: true });
    for (const { register } of population.slice(0, 20)) {
      const recorded = await store.readStream(`household-${register.householdId}`);
      expect(recorded.map(({ type, data }) => ({ type, data }))).toEqual(householdDecider.decide(register, householdDecider.initialState));
    }
    const followed = residents.filter((r) => r.then.length > 0 && r !== residents[7]).slice(0, 10);
    expect(followed.length).toBeGreaterThan(0);
    for (const resident of [...residents.slice(0, 20).filter((r) => r !== residents[7]), ...followed]) {
      let state = residentDecider.initialState;
      const decided = [resident.register, ...resident.then].map(withFacts).flatMap((command) => {
        const events = residentDecider.decide(command, state);
        state = events.reduce(residentDecider.evolve, state);
        return events;
      });
      const recorded = await store.readStream(`resident-${resident.register.residentId}`);
      expect(recorded.map(({ type, data }) => ({ type, data }))).toEqual(decided);
      expect(recorded[0].metadata.actor).toEqual({ department: 'public-security', client: 'population-seed', role: 'STEWARD' });
    }

    const { rows: before } = await store.pool.query<{ n: number }>('select count(*)::int as n from event_store.events');
    const again = await writePopulation(store, generatePopulation(options), { concurrency: 4, batchHouseholds: 50 });
    expect(again.refused).toHaveLength(1);
    const { rows: after } = await store.pool.query<{ n: number }>('select count(*)::int as n from event_store.events');
    expect(after[0].n).toBe(before[0].n);
  });
});
