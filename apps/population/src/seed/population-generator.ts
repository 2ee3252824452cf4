import type { CommandActor, DistributiveOmit } from '@shuzhi/shared-kernel';
import { chinaDateOf } from '../domain/calendar.js';
import type { HouseholdCommand } from '../domain/household/household.decider.js';
import { checkCharacter } from '../domain/id-number/id-number.js';
import type { Gender } from '@shuzhi/population-events';
import type { ResidentCommand } from '../domain/resident/resident.decider.js';
import { givenNameFor, SURNAMES } from './chinese-names.js';
import { addressIn, CITY_GRID, type GridCommunity } from './city-grid.js';
import { Random, WeightedTable } from './random.js';


/**
 * A resident command as generated. Whether a household exists is a fact the writer reads, as a
 * command handler does, not something the generator asserts.
 */
export type SeedResidentCommand = DistributiveOmit<ResidentCommand, 'householdRegistered'>;
export type SeedRegisterResident = Extract<SeedResidentCommand, { type: 'RegisterResident' }>;

export interface SeededResident {
  register: SeedRegisterResident;
  /** Later commands about the same resident, in order: a move to an earlier household, a death. */
  then: SeedResidentCommand[];
}

export interface SeededHousehold {
  register: HouseholdCommand;
  residents: SeededResident[];
}

/** Seeded data is written by the register's own steward role, as a named client. */
export const SEED_STEWARD: CommandActor = { clientId: 'population-seed', department: 'public-security', roles: ['STEWARD'] };

export interface PopulationSeedOptions {
  seed: number;
  residents: number;
  /** Every command is issued at this instant (ISO 8601). */
  now: string;
  /**
   * Ages are counted back from this date (YYYY-MM-DD), not from `now`, so a seed gives the same
   * people on any day. Not after `now`'s date, or some would be born in the future.
   */
  asOf: string;
  actor?: CommandActor;
}

/** Household sizes, roughly as Zhejiang's census counts them (about 2.5 people a household). */
const HOUSEHOLD_SIZES = new WeightedTable<number>([[1, 25], [2, 30], [3, 25], [4, 12], [5, 8]]);

/** Where people's numbers were first issued when not in their household's district (older codes of merged districts included). */
const ZHEJIANG = ['330103', '330104', '330122', '330127', '330182', '330302', '330381', '330402', '330502', '330602', '330681', '330702', '330782', '330802', '331002', '331102'];
const ELSEWHERE = ['310101', '320102', '320583', '340102', '360102', '410102', '420102', '430102', '510104', '500101', '450102', '350102', '370102', '610102', '230102', '210102', '130102', '140105', '522601'];

const DAY_MS = 24 * 60 * 60 * 1000;

interface Person {
  sex: Gender;
  age: number;
  surname: string;
}

const opposite = (sex: Gender): Gender => (sex === 'MALE' ? 'FEMALE' : 'MALE');

/** A household's people: a householder, usually a spouse, children of plausible ages, sometimes a grandparent. */
const familyOf = (size: number, random: Random): Person[] => {
  const sex: Gender = random.chance(0.6) ? 'MALE' : 'FEMALE';
  const age = size === 1 ? (random.chance(0.55) ? random.int(20, 40) : random.int(41, 95)) : random.int(size >= 3 ? 30 : 22, 78);
  const head: Person = { sex, age, surname: SURNAMES.draw(random) };
  const people = [head];
  if (size === 1) return people;
  let father = head.sex === 'MALE' ? head : undefined;
  let youngestParent = head.age;
  if (random.chance(0.85)) {
    const spouse: Person = { sex: opposite(head.sex), age: Math.max(20, head.age + random.int(-6, 4)), surname: SURNAMES.draw(random) };
    people.push(spouse);
    father ??= spouse;
    youngestParent = Math.min(head.age, spouse.age);
  }
  if (people.length < size && (size === 5 || (size === 4 && random.chance(0.3))) && youngestParent <= 65) {
    const grandparent: Gender = random.chance(0.6) ? 'FEMALE' : 'MALE';
    people.push({
      sex: grandparent,
      age: Math.min(100, head.age + random.int(22, 32)),
      // The householder's father carries the householder's surname; a mother her own.
      surname: grandparent === 'MALE' ? head.surname : SURNAMES.draw(random),
    });
  }
  const familyName = (father ?? head).surname;
  while (people.length < size) {
    people.push({ sex: random.chance(0.51) ? 'MALE' : 'FEMALE', age: random.int(Math.max(0, youngestParent - 42), youngestParent - 20), surname: familyName });
  }
  return people;
};

/** A birth date `age` whole years before `asOf`, on a day drawn within that year of life. */
const birthDateOf = (asOf: string, age: number, random: Random): string => {
  const days = Math.floor(age * 365.2425) + random.int(0, 364);
  return new Date(Date.parse(`${asOf}T00:00:00Z`) - days * DAY_MS).toISOString().slice(0, 10);
};

/** A valid GB 11643 number for this person, unused so far: the sequence's parity is their sex. */
const issueIdNumber = (sex: Gender, birthDate: string, community: GridCommunity, random: Random, issued: Set<string>): string => {
  const division = random.chance(0.7) ? community.place.district.code : random.chance(0.5) ? random.pick(ZHEJIANG) : random.pick(ELSEWHERE);
  for (;;) {
    const sequence = random.int(sex === 'MALE' ? 0 : 1, 499) * 2 + (sex === 'MALE' ? 1 : 0);
    const first17 = `${division}${birthDate.replaceAll('-', '')}${String(sequence).padStart(3, '0')}`;
    const idNumber = `${first17}${checkCharacter(first17)}`;
    if (!issued.has(idNumber)) {
      issued.add(idNumber);
      return idNumber;
    }
  }
};

const deathRate = (age: number) => (age >= 85 ? 0.08 : age >= 75 ? 0.03 : age >= 60 ? 0.008 : 0.001);
const MOVE_RATE = 0.015;
const MAX_HOUSEHOLD = 5;

/**
 * Synthetic households and residents, as the commands that register them (and, for a few, a
 * later move or death). Deterministic: the same options give the same commands, ids included,
 * and a smaller `residents` gives a prefix of a larger one.
 */
export function* generatePopulation(options: PopulationSeedOptions): Generator<SeededHousehold> {
  if (options.asOf > chinaDateOf(options.now)) throw new RangeError(`asOf ${options.asOf} is after the date of now (${options.now})`);
  const random = new Random(options.seed);
  const actor = options.actor ?? SEED_STEWARD;
  const { now, asOf } = options;
  const issued = new Set<string>();
  /** Households so far and how many living people each has: moves go to earlier ones with room. */
  const earlier: Array<{ householdId: string; living: number }> = [];
  let remaining = options.residents;

  while (remaining > 0) {
    const size = Math.min(remaining, HOUSEHOLD_SIZES.draw(random));
    remaining -= size;
    const community = random.pick(CITY_GRID);
    const householdId = random.uuid();
    const household = { householdId, living: size };
    const register: HouseholdCommand = {
      type: 'RegisterHousehold',
      householdId,
      actor,
      now,
      input: { address: addressIn(community, random), grid: community.place },
    };

    const residents = familyOf(size, random).map((person, index): SeededResident => {
      const residentId = random.uuid();
      const birthDate = birthDateOf(asOf, person.age, random);
      const name = `${person.surname}${givenNameFor(person.sex, Number(birthDate.slice(0, 4)), (names) => random.pick(names))}`;
      const idNumber = issueIdNumber(person.sex, birthDate, community, random, issued);
      const then: SeedResidentCommand[] = [];
      if (index > 0 && person.age >= 18 && random.chance(MOVE_RATE)) {
        const target = random.pick(earlier.length > 0 ? earlier : [household]);
        if (target !== household && target.living < MAX_HOUSEHOLD) {
          then.push({ type: 'MoveResident', residentId, actor, now, toHouseholdId: target.householdId });
          target.living++;
          household.living--;
        }
      }
      if (random.chance(deathRate(person.age))) {
        const earliest = Math.max(Date.parse(`${birthDate}T00:00:00Z`), Date.parse(`${asOf}T00:00:00Z`) - 730 * DAY_MS);
        const latest = Date.parse(`${asOf}T00:00:00Z`);
        const dateOfDeath = new Date(earliest + random.int(0, Math.floor((latest - earliest) / DAY_MS)) * DAY_MS).toISOString().slice(0, 10);
        then.push({ type: 'RecordDeath', residentId, actor, now, dateOfDeath });
      }
      return {
        register: {
          type: 'RegisterResident',
          residentId,
          actor,
          now,
          input: { idNumber, name, gender: person.sex, birthDate, householdId },
        },
        then,
      };
    });
    earlier.push(household);
    yield { register, residents };
  }
}
