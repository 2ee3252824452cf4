import { householdDecider } from '../domain/household/household.decider.js';
import { parseIdNumber } from '../domain/id-number/id-number.js';
import { residentDecider, type ResidentCommand, type ResidentState } from '../domain/resident/resident.decider.js';
import { CITY_GRID } from './city-grid.js';
import { generatePopulation, type PopulationSeedOptions, type SeededHousehold, type SeedResidentCommand } from './population-generator.js';
import { Random } from './random.js';

const options = (overrides: Partial<PopulationSeedOptions> = {}): PopulationSeedOptions => ({
  seed: 42,
  residents: 2_000,
  now: '2026-11-27T02:00:00.000Z',
  asOf: '2026-01-01',
  ...overrides,
});
const generate = (overrides: Partial<PopulationSeedOptions> = {}) => [...generatePopulation(options(overrides))];
const residentsOf = (households: SeededHousehold[]) => households.flatMap((h) => h.residents);

/** The facts a writer reads: every household of the run exists. */
const withFacts = (command: SeedResidentCommand): ResidentCommand =>
  command.type === 'RecordDeath' ? command : { ...command, householdRegistered: true };

describe('synthetic population', () => {
  it('is the same for the same seed, ids included, and different for another', () => {
    expect(generate()).toEqual(generate());
    const other = residentsOf(generate({ seed: 43 }));
    const names = new Set(residentsOf(generate()).map((r) => r.register.input.idNumber));
    expect(other.filter((r) => names.has(r.register.input.idNumber)).length).toBeLessThan(5);
  });

  it('gives a prefix of a larger population for a smaller one', () => {
    const small = generate({ residents: 500 });
    const large = generate({ residents: 1_000 });
    expect(large.slice(0, small.length - 1)).toEqual(small.slice(0, -1));
  });

  it('counts exactly the residents asked for, in households of 1 to 5, about 2.5 on average', () => {
    const households = generate();
    expect(residentsOf(households)).toHaveLength(2_000);
    const sizes = households.map((h) => h.residents.length);
    expect(Math.min(...sizes)).toBe(1);
    expect(Math.max(...sizes)).toBe(5);
    expect(2_000 / households.length).toBeGreaterThan(2.2);
    expect(2_000 / households.length).toBeLessThan(2.8);
  });

  it('makes only commands the register accepts: valid, unique ID numbers agreeing with birth date and sex', () => {
    const households = generate({ residents: 10_000, seed: 7 });
    for (const { register } of households) expect(householdDecider.decide(register, householdDecider.initialState)).toHaveLength(1);
    const idNumbers = new Set<string>();
    let moved = 0;
    let died = 0;
    for (const { register, then } of residentsOf(households)) {
      const id = parseIdNumber(register.input.idNumber, '2026-11-27');
      expect([id.birthDate, id.gender]).toEqual([register.input.birthDate, register.input.gender]);
      idNumbers.add(id.idNumber);
      let state: ResidentState = residentDecider.initialState;
      for (const command of [register, ...then].map(withFacts)) state = residentDecider.decide(command, state).reduce(residentDecider.evolve, state);
      expect(state.status).not.toBe('NONE');
      moved += then.filter((c) => c.type === 'MoveResident').length;
      died += then.filter((c) => c.type === 'RecordDeath').length;
    }
    expect(idNumbers.size).toBe(10_000);
    // A few moves and deaths, as a register has: enough to exercise them, not to dominate.
    expect(moved).toBeGreaterThan(20);
    expect(moved).toBeLessThan(300);
    expect(died).toBeGreaterThan(20);
    expect(died).toBeLessThan(500);
  });

  it('looks like a Chinese city: common surnames lead, names of 2 to 4 characters, the grid nests', () => {
    const residents = residentsOf(generate({ residents: 5_000 }));
    const surnames = new Map<string, number>();
    for (const r of residents) surnames.set(r.register.input.name[0], (surnames.get(r.register.input.name[0]) ?? 0) + 1);
    const top = [...surnames.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([s]) => s);
    expect(top).toEqual(expect.arrayContaining(['王', '李', '张']));
    for (const r of residents) expect([...r.register.input.name].length).toBeGreaterThanOrEqual(2);
    for (const r of residents) expect([...r.register.input.name].length).toBeLessThanOrEqual(4);
    expect(CITY_GRID.length).toBeGreaterThan(400);
    for (const { place } of CITY_GRID) {
      expect(place.street.code.startsWith(place.district.code)).toBe(true);
      expect(place.community.code.startsWith(place.street.code)).toBe(true);
    }
    expect(new Set(CITY_GRID.map((c) => c.place.community.code)).size).toBe(CITY_GRID.length);
  });

  it('refuses an asOf after the date of now, which would put births in the future', () => {
    expect(() => generate({ asOf: '2026-11-28' })).toThrow(RangeError);
  });

  it('draws from mulberry32: the stream its reference implementation gives for the seed', () => {
    const random = new Random(1);
    // mulberry32(1) of the widely copied reference JavaScript: 0.6270739405881613, ... times 2^32.
    expect([random.uint32(), random.uint32(), random.uint32()]).toEqual([2693262067, 11749833, 2265367787]);
    expect(new Random(9).uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
