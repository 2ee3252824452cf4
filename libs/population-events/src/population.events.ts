import type { RecordedActor } from '@shuzhi/shared-kernel';

/**
 * The population register's events. Their `type` strings are stored forever; a new shape keeps
 * the old one and adds an upcaster. Dates of the register (birth, death) are `YYYY-MM-DD`
 * calendar dates as the register writes them; `at` is the instant the event was decided.
 */

export const GENDERS = ['MALE', 'FEMALE'] as const;
export type Gender = (typeof GENDERS)[number];

/** One level of the grid (网格): an administrative division, by its statistical code and name. */
export interface GridUnit {
  code: string;
  name: string;
}

/**
 * Where a household sits in the grid the platform uses for grassroots governance:
 * district (区/县, 6-digit code) → street or town (街道/乡镇, 9 digits) → community or village
 * (社区/村, 12 digits), each code extending its parent's.
 */
export interface GridPlace {
  district: GridUnit;
  street: GridUnit;
  community: GridUnit;
}

/** A household (户) entered the register at an address and a place in the grid. */
export type HouseholdRegistered = {
  type: 'HouseholdRegistered';
  data: { householdId: string; address: string; grid: GridPlace; by: RecordedActor; at: string };
};

export type HouseholdEvent = HouseholdRegistered;

/**
 * A resident entered the population register. `idNumber` is the normalised 18-character
 * number (upper-case X); `birthDate` and `gender` agree with it.
 */
export type ResidentRegistered = {
  type: 'ResidentRegistered';
  data: {
    residentId: string;
    idNumber: string;
    name: string;
    gender: Gender;
    birthDate: string;
    householdId: string | null;
    by: RecordedActor;
    at: string;
  };
};

/** A living resident moved into another household (迁移); `fromHouseholdId` is null when they had none. */
export type ResidentMoved = {
  type: 'ResidentMoved';
  data: { residentId: string; fromHouseholdId: string | null; toHouseholdId: string; by: RecordedActor; at: string };
};

/** A resident's death was recorded (死亡注销); final. `householdId` is the household they left. */
export type ResidentDied = {
  type: 'ResidentDied';
  data: { residentId: string; dateOfDeath: string; householdId: string | null; by: RecordedActor; at: string };
};

export type ResidentEvent = ResidentRegistered | ResidentMoved | ResidentDied;

export const RESIDENT_EVENT_TYPES: ReadonlyArray<ResidentEvent['type']> = ['ResidentRegistered', 'ResidentMoved', 'ResidentDied'];

/**
 * An ID number was claimed for one resident id, the first and only event of its `id-number-<n>`
 * stream. The resident registered with that number is exactly the one whose stream is
 * `resident-<residentId>`; see commands/register-resident.ts for why.
 */
export type IdNumberReserved = {
  type: 'IdNumberReserved';
  data: { idNumber: string; residentId: string; at: string };
};

export type IdNumberEvent = IdNumberReserved;
