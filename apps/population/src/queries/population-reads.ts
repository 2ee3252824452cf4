import { Inject, Injectable } from '@nestjs/common';
import { aggregateStream } from '@shuzhi/event-store';
import { chinaDateOf } from '../domain/calendar.js';
import { householdDecider, householdStreamId, type HouseholdState } from '../domain/household/household.decider.js';
import { idNumberReservationDecider, idNumberStreamId } from '../domain/id-number/id-number-reservation.decider.js';
import { parseIdNumber } from '../domain/id-number/id-number.js';
import { residentDecider, residentStreamId, type ResidentState } from '../domain/resident/resident.decider.js';
import { POPULATION_CONFIG, type PopulationConfig } from '../population.config.js';

export type RegisteredResident = Exclude<ResidentState, { status: 'NONE' }>;
export type RegisteredHousehold = Extract<HouseholdState, { status: 'REGISTERED' }>;

/** An aggregate as of its last event, with that event's version. */
export interface Versioned<State> {
  state: State;
  version: number;
}

/**
 * Single residents and households are read from their streams, not from a read model: an
 * answer is always as of the last command, so a steward reads what they just wrote.
 */
@Injectable()
export class PopulationReads {
  constructor(@Inject(POPULATION_CONFIG) private readonly config: PopulationConfig) {}

  async resident(residentId: string): Promise<Versioned<RegisteredResident> | null> {
    const { state, version } = await aggregateStream(this.config.store, residentStreamId(residentId), residentDecider);
    return state.status !== 'NONE' ? { state, version } : null;
  }

  /** A malformed number is refused (VALIDATION_FAILED) rather than answered "no one": it is a typo, not an absence. */
  async residentByIdNumber(idNumber: string): Promise<Versioned<RegisteredResident> | null> {
    const parts = parseIdNumber(idNumber, chinaDateOf(this.config.clock.now().toISOString()));
    const { state } = await aggregateStream(this.config.store, idNumberStreamId(parts.idNumber), idNumberReservationDecider);
    // A reservation whose registration never completed names a stream with nothing in it: no one.
    return state.status === 'RESERVED' ? this.resident(state.residentId) : null;
  }

  async household(householdId: string | null): Promise<Versioned<RegisteredHousehold> | null> {
    if (householdId === null) return null;
    const { state, version } = await aggregateStream(this.config.store, householdStreamId(householdId), householdDecider);
    return state.status === 'REGISTERED' ? { state, version } : null;
  }
}
