import type { CommandResult } from '@shuzhi/event-store';
import { householdStreamId, type HouseholdState } from '../domain/household/household.decider.js';
import type { HouseholdEvent, ResidentEvent } from '@shuzhi/population-events';
import { residentStreamId, type ResidentState } from '../domain/resident/resident.decider.js';
import type { ResidentRow } from '../projections/resident.projection.js';
import type { RegisteredHousehold, RegisteredResident, Versioned } from '../queries/population-reads.js';
import type { Household, Resident } from './population.models.js';

export const residentOf = ({ state, version }: Versioned<RegisteredResident>): Resident => ({
  id: state.residentId,
  streamId: residentStreamId(state.residentId),
  version,
  idNumber: state.idNumber,
  name: state.name,
  gender: state.gender,
  birthDate: state.birthDate,
  status: state.status,
  dateOfDeath: state.status === 'DECEASED' ? state.dateOfDeath : null,
  householdId: state.householdId,
});

/** A command that went through leaves its aggregate registered: only a refusal leaves it empty, and refusals throw. */
export const residentAfter = (result: CommandResult<ResidentEvent, ResidentState>): Resident =>
  residentOf({ state: result.state as RegisteredResident, version: result.version });

export const householdAfter = (result: CommandResult<HouseholdEvent, HouseholdState>): Household =>
  householdOf({ state: result.state as RegisteredHousehold, version: result.version });

export const residentOfRow = (row: ResidentRow): Resident => ({
  id: row.id,
  streamId: residentStreamId(row.id),
  version: row.streamVersion,
  idNumber: row.idNumber,
  name: row.name,
  gender: row.gender,
  birthDate: row.birthDate,
  status: row.status,
  dateOfDeath: row.dateOfDeath,
  householdId: row.householdId,
});

export const householdOf = ({ state, version }: Versioned<RegisteredHousehold>): Household => ({
  id: state.householdId,
  streamId: householdStreamId(state.householdId),
  version,
  address: state.address,
  districtCode: state.grid.district.code,
  districtName: state.grid.district.name,
  streetCode: state.grid.street.code,
  streetName: state.grid.street.name,
  communityCode: state.grid.community.code,
  communityName: state.grid.community.name,
  divisionCode: state.grid.community.code,
});
