import type { Decider } from '@shuzhi/shared-kernel';
import { InvalidTransition, NotFound, ValidationFailed, type CommandActor } from '@shuzhi/shared-kernel';
import { chinaDateOf, isCalendarDate } from '../calendar.js';
import { parseIdNumber } from '../id-number/id-number.js';
import { GENDERS, type Gender, type ResidentEvent } from '@shuzhi/population-events';
import { populationStewardOf } from '../stewardship.js';

/** A resident of the register, `resident-<id>`: registered, moving between households, deceased. */

interface ResidentRecord {
  residentId: string;
  idNumber: string;
  name: string;
  gender: Gender;
  birthDate: string;
  householdId: string | null;
}

export type ResidentState =
  | { status: 'NONE' }
  | ({ status: 'LIVING' } & ResidentRecord)
  | ({ status: 'DECEASED'; dateOfDeath: string } & ResidentRecord);

export interface ResidentInput {
  idNumber: string;
  name: string;
  gender: Gender;
  /** `YYYY-MM-DD`; must be the date the ID number carries. */
  birthDate: string;
  householdId: string | null;
}

export type ResidentCommand =
  | {
      type: 'RegisterResident';
      residentId: string;
      actor: CommandActor;
      now: string;
      input: ResidentInput;
      /** Whether `input.householdId` names a registered household; unused without one. */
      householdRegistered: boolean;
    }
  | { type: 'MoveResident'; residentId: string; actor: CommandActor; now: string; toHouseholdId: string; householdRegistered: boolean }
  | { type: 'RecordDeath'; residentId: string; actor: CommandActor; now: string; dateOfDeath: string };

/** Other spellings of the middle dot that forms and input methods produce, for U+00B7. */
const OTHER_MIDDLE_DOTS = /[\u2022\u2027\u30fb]/g;
/**
 * The register writes names in Chinese characters; names of minorities transliterated into
 * them join their parts with a middle dot (阿依古丽·买买提).
 */
const NAME = /^\p{Script=Han}+(?:·\p{Script=Han}+)*$/u;
const MAX_NAME_LENGTH = 20;

export const normalizeName = (raw: string): string => raw.normalize('NFC').trim().replace(OTHER_MIDDLE_DOTS, '·');

const validName = (raw: string): string => {
  const name = normalizeName(raw ?? '');
  // Code points, not UTF-16 units: rare characters of names (CJK extension B and on) take two.
  const length = [...name].length;
  if (length < 1 || length > MAX_NAME_LENGTH) {
    throw new ValidationFailed(`a name has 1 to ${MAX_NAME_LENGTH} characters; this one has ${length}`, { field: 'name' });
  }
  if (!NAME.test(name)) {
    throw new ValidationFailed('a name is written in Chinese characters, with · only between the parts of a transliterated name', {
      field: 'name',
    });
  }
  return name;
};

/** A date of the register: a calendar date, not after today in China. */
const validDate = (value: string, field: string, today: string): string => {
  if (typeof value !== 'string' || !isCalendarDate(value)) {
    throw new ValidationFailed(`${field} ${String(value)} is not a calendar date (YYYY-MM-DD)`, { field });
  }
  if (value > today) throw new ValidationFailed(`${field} ${value} is in the future (today is ${today} in China)`, { field });
  return value;
};

export const decide = (command: ResidentCommand, state: ResidentState): ResidentEvent[] => {
  switch (command.type) {
    case 'RegisterResident': {
      const by = populationStewardOf(command.actor, 'registering a resident');
      const { input } = command;
      const today = chinaDateOf(command.now);
      const id = parseIdNumber(input.idNumber, today);
      const name = validName(input.name);
      if (!GENDERS.includes(input.gender)) throw new ValidationFailed(`gender must be MALE or FEMALE, not ${input.gender}`, { field: 'gender' });
      const birthDate = validDate(input.birthDate, 'birthDate', today);
      if (birthDate !== id.birthDate) {
        throw new ValidationFailed(`birthDate ${birthDate} contradicts the ID number, which carries ${id.birthDate}`, { field: 'birthDate' });
      }
      if (input.gender !== id.gender) {
        const parity = id.sequence % 2 === 1 ? 'odd (male)' : 'even (female)';
        throw new ValidationFailed(`gender ${input.gender} contradicts the ID number, whose sequence number is ${parity}`, { field: 'gender' });
      }
      const householdId = input.householdId ?? null;
      if (householdId !== null && !command.householdRegistered) throw new NotFound(`no household ${householdId}`);
      if (state.status !== 'NONE') {
        throw new ValidationFailed(`this ID number is already registered, to resident ${state.residentId}`, {
          field: 'idNumber',
          residentId: state.residentId,
        });
      }
      return [
        {
          type: 'ResidentRegistered',
          data: { residentId: command.residentId, idNumber: id.idNumber, name, gender: id.gender, birthDate, householdId, by, at: command.now },
        },
      ];
    }
    case 'MoveResident': {
      const by = populationStewardOf(command.actor, 'moving a resident');
      if (state.status === 'NONE') throw new NotFound(`no resident ${command.residentId}`);
      if (state.status === 'DECEASED') throw new InvalidTransition(state.status, command.type, 'a deceased resident does not move');
      if (!command.householdRegistered) throw new NotFound(`no household ${command.toHouseholdId}`);
      if (state.householdId === command.toHouseholdId) {
        throw new ValidationFailed(`the resident already belongs to household ${command.toHouseholdId}`, { field: 'householdId' });
      }
      return [
        {
          type: 'ResidentMoved',
          data: { residentId: state.residentId, fromHouseholdId: state.householdId, toHouseholdId: command.toHouseholdId, by, at: command.now },
        },
      ];
    }
    case 'RecordDeath': {
      const by = populationStewardOf(command.actor, 'recording a death');
      if (state.status === 'NONE') throw new NotFound(`no resident ${command.residentId}`);
      if (state.status === 'DECEASED') throw new InvalidTransition(state.status, command.type, `the death was recorded already (${state.dateOfDeath})`);
      const dateOfDeath = validDate(command.dateOfDeath, 'dateOfDeath', chinaDateOf(command.now));
      if (dateOfDeath < state.birthDate) {
        throw new ValidationFailed(`dateOfDeath ${dateOfDeath} is before the birth date ${state.birthDate}`, { field: 'dateOfDeath' });
      }
      return [{ type: 'ResidentDied', data: { residentId: state.residentId, dateOfDeath, householdId: state.householdId, by, at: command.now } }];
    }
    default: {
      const exhaustive: never = command;
      return exhaustive;
    }
  }
};

export const evolve = (state: ResidentState, event: ResidentEvent): ResidentState => {
  switch (event.type) {
    case 'ResidentRegistered': {
      const { residentId, idNumber, name, gender, birthDate, householdId } = event.data;
      return { status: 'LIVING', residentId, idNumber, name, gender, birthDate, householdId };
    }
    case 'ResidentMoved':
      return state.status === 'LIVING' ? { ...state, householdId: event.data.toHouseholdId } : state;
    case 'ResidentDied':
      return state.status === 'LIVING' ? { ...state, status: 'DECEASED', dateOfDeath: event.data.dateOfDeath } : state;
    default: {
      const exhaustive: never = event;
      return exhaustive;
    }
  }
};

export const residentDecider: Decider<ResidentCommand, ResidentEvent, ResidentState> = {
  initialState: { status: 'NONE' },
  decide,
  evolve,
};

export const residentStreamId = (residentId: string) => `resident-${residentId}`;
