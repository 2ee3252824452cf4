import type { Decider } from '@shuzhi/shared-kernel';
import { InvalidTransition, ValidationFailed, boundedText, isCountyCode, type CommandActor } from '@shuzhi/shared-kernel';
import type { GridPlace, GridUnit, HouseholdEvent } from '@shuzhi/population-events';
import { populationStewardOf } from '../stewardship.js';

/**
 * A household (户), `household-<id>`: an address and a place in the grid. Its members are not
 * kept here: they follow from the residents' own events (a move is one resident's fact), and a
 * projection lists them.
 */

export type HouseholdState = { status: 'NONE' } | { status: 'REGISTERED'; householdId: string; address: string; grid: GridPlace };

export type HouseholdCommand = {
  type: 'RegisterHousehold';
  householdId: string;
  actor: CommandActor;
  now: string;
  input: { address: string; grid: GridPlace };
};

const MAX_ADDRESS_LENGTH = 200;
const MAX_UNIT_NAME_LENGTH = 50;

const refuse = (reason: string, field: string) => new ValidationFailed(reason, { field });

const validUnit = (unit: GridUnit | undefined, level: string, code: RegExp, parent: GridUnit | null): GridUnit => {
  const codeValue = unit?.code?.trim() ?? '';
  const name = unit?.name?.normalize('NFC').trim() ?? '';
  if (!code.test(codeValue)) throw refuse(`the ${level} code ${codeValue} is malformed`, `${level}Code`);
  // A street's code extends its district's and a community's its street's (statistical division codes).
  if (parent && !codeValue.startsWith(parent.code)) {
    throw refuse(`the ${level} code ${codeValue} does not lie under ${parent.code}`, `${level}Code`);
  }
  if (parent && codeValue.endsWith('000')) throw refuse(`the ${level} code ${codeValue} ends in 000, which names its parent`, `${level}Code`);
  if ([...name].length < 1 || [...name].length > MAX_UNIT_NAME_LENGTH) {
    throw refuse(`the ${level} needs a name of 1 to ${MAX_UNIT_NAME_LENGTH} characters`, `${level}Name`);
  }
  boundedText(name, `${level}Name`, MAX_UNIT_NAME_LENGTH);
  return { code: codeValue, name };
};

const validGrid = (grid: GridPlace | undefined): GridPlace => {
  const district = validUnit(grid?.district, 'district', /^\d{6}$/, null);
  if (!isCountyCode(district.code)) {
    throw refuse(`the district code ${district.code} is not a county-level division code (GB/T 2260)`, 'districtCode');
  }
  const street = validUnit(grid?.street, 'street', /^\d{9}$/, district);
  const community = validUnit(grid?.community, 'community', /^\d{12}$/, street);
  return { district, street, community };
};

export const decide = (command: HouseholdCommand, state: HouseholdState): HouseholdEvent[] => {
  const by = populationStewardOf(command.actor, 'registering a household');
  if (state.status !== 'NONE') throw new InvalidTransition(state.status, command.type, 'this household id is taken');
  const address = command.input.address?.normalize('NFC').trim() ?? '';
  if ([...address].length < 1 || [...address].length > MAX_ADDRESS_LENGTH) {
    throw refuse(`a household needs an address of 1 to ${MAX_ADDRESS_LENGTH} characters`, 'address');
  }
  boundedText(address, 'address', MAX_ADDRESS_LENGTH);
  const grid = validGrid(command.input.grid);
  return [{ type: 'HouseholdRegistered', data: { householdId: command.householdId, address, grid, by, at: command.now } }];
};

export const evolve = (_state: HouseholdState, event: HouseholdEvent): HouseholdState => ({
  status: 'REGISTERED',
  householdId: event.data.householdId,
  address: event.data.address,
  grid: event.data.grid,
});

export const householdDecider: Decider<HouseholdCommand, HouseholdEvent, HouseholdState> = {
  initialState: { status: 'NONE' },
  decide,
  evolve,
};

export const householdStreamId = (householdId: string) => `household-${householdId}`;
