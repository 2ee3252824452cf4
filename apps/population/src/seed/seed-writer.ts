import { createHash, randomUUID } from 'node:crypto';
import { ConcurrencyConflict, handleCommand, type EventMetadata, type EventStore, type NewEvent } from '@shuzhi/event-store';
import type { Decider } from '@shuzhi/shared-kernel';
import { DomainError, type CommandActor } from '@shuzhi/shared-kernel';
import { metadataOf } from '../commands/command-metadata.js';
import { registerResident } from '../commands/register-resident.js';
import { householdDecider, householdStreamId } from '../domain/household/household.decider.js';
import { idNumberReservationDecider, idNumberStreamId } from '../domain/id-number/id-number-reservation.decider.js';
import { normalizeIdNumber } from '../domain/id-number/id-number.js';
import { residentDecider, residentStreamId, type ResidentCommand } from '../domain/resident/resident.decider.js';
import type { RegisterResidentCommand } from '../commands/register-resident.js';
import type { SeededHousehold, SeededResident, SeedRegisterResident, SeedResidentCommand } from './population-generator.js';

export interface SeedWriteOptions {
  /** Appends in flight at once; PostgreSQL commits concurrent ones with one WAL flush. Default 8. */
  concurrency?: number;
  /** Households decided and written per round (their residents follow them). Default 500. */
  batchHouseholds?: number;
  /** Shared by every event of the run, as one request's events share one; a new one by default. */
  correlationId?: string;
  /** Called after each round with the totals so far. */
  onProgress?: (report: SeedReport) => void;
}

export interface SeedReport {
  households: number;
  /** Residents in the register, whether written now or already there from an earlier run. */
  residents: number;
  /** Their events and their households', as the deciders decided them. */
  events: number;
  /** Residents the register refused (an ID number registered before, outside this seed), with why. */
  refused: Array<{ residentId: string; reason: string }>;
}

/**
 * A seeded event's id follows from its stream, its aggregate and its place: writing the same
 * seed again appends nothing, since the store answers a known event id with the original
 * positions, and a run cut short is finished by running it again.
 */
const seedEventIds = (streamId: string, owner: string) => (index: number) => {
  const hex = createHash('sha256').update(`${streamId}\n${owner}\n${index}`).digest('hex');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

/** What a handler does for a new stream, without reading it: fold each decision into the next. */
const decideAll = <Command, Event extends { type: string; data: unknown }, State>(
  decider: Decider<Command, Event, State>,
  commands: readonly Command[],
): Event[] => {
  let state = decider.initialState;
  const events: Event[] = [];
  for (const command of commands) {
    const decided = decider.decide(command, state);
    state = decided.reduce(decider.evolve, state);
    events.push(...decided);
  }
  return events;
};

const inParallel = async <T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> => {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
};

interface ResidentPlan {
  residentId: string;
  idNumber: string;
  register: RegisterResidentCommand;
  then: ResidentCommand[];
  reservation: NewEvent[];
  events: NewEvent[];
}

/**
 * Writes generated households and residents as the events their deciders decide, in rounds:
 * a round's households first, then their residents, each resident's reservation before its
 * stream, as `registerResident` does. Streams are new, so instead of reading each one first
 * (as `handleCommand` would) the writer folds the decisions in memory and appends with
 * 'no-stream', which the store checks all the same. Only when that check fails, because the
 * register already knew the ID number, does a resident go the handlers' way, which refuses a
 * duplicate or completes an unfinished registration.
 */
export const writePopulation = async (
  store: EventStore,
  population: Iterable<SeededHousehold>,
  options: SeedWriteOptions = {},
): Promise<SeedReport> => {
  const concurrency = options.concurrency ?? 8;
  const batchHouseholds = options.batchHouseholds ?? 500;
  const report: SeedReport = { households: 0, residents: 0, events: 0, refused: [] };
  const written = new Set<string>();
  const correlationId = options.correlationId ?? randomUUID();
  const metadataFor = (actor: CommandActor): Partial<EventMetadata> => metadataOf({ actor, correlationId });

  const append = (streamId: string, owner: string, actor: CommandActor, events: readonly NewEvent[]) =>
    store.appendToStream(
      streamId,
      events.map((event, index) => ({ type: event.type, data: event.data, eventId: seedEventIds(streamId, owner)(index) })),
      { expectedVersion: 'no-stream', metadata: metadataFor(actor) },
    );

  /** The facts a handler would read: households come from this run, written before anyone refers to them. */
  const registration = (command: SeedRegisterResident): RegisterResidentCommand => ({
    ...command,
    householdRegistered: command.input.householdId !== null && written.has(command.input.householdId),
  });
  const withFacts = (command: SeedResidentCommand): ResidentCommand => {
    switch (command.type) {
      case 'RegisterResident':
        return registration(command);
      case 'MoveResident':
        return { ...command, householdRegistered: written.has(command.toHouseholdId) };
      case 'RecordDeath':
        return command;
      default: {
        const exhaustive: never = command;
        return exhaustive;
      }
    }
  };

  const plan = (seeded: SeededResident): ResidentPlan => {
    const register = registration(seeded.register);
    const then = seeded.then.map(withFacts);
    const idNumber = normalizeIdNumber(register.input.idNumber);
    const reserve = { type: 'ReserveIdNumber', idNumber, residentId: register.residentId, now: register.now } as const;
    return {
      residentId: register.residentId,
      idNumber,
      register,
      then,
      reservation: decideAll(idNumberReservationDecider, [reserve]),
      events: decideAll(residentDecider, [register, ...then]),
    };
  };

  const countWritten = (resident: ResidentPlan) => {
    report.residents++;
    report.events += resident.reservation.length + resident.events.length;
  };

  const throughHandlers = async (resident: ResidentPlan): Promise<void> => {
    const { residentId, register, then } = resident;
    try {
      const registered = await registerResident(store, register, { metadata: metadataFor(register.actor) });
      for (const command of then) {
        await handleCommand(store, residentStreamId(registered.residentId), residentDecider, { ...command, residentId: registered.residentId }, {
          metadata: metadataFor(command.actor),
        });
      }
      countWritten(resident);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      report.refused.push({ residentId, reason: error.message });
    }
  };

  const writeResident = async (resident: ResidentPlan): Promise<void> => {
    try {
      await append(idNumberStreamId(resident.idNumber), resident.residentId, resident.register.actor, resident.reservation);
      await append(residentStreamId(resident.residentId), resident.residentId, resident.register.actor, resident.events);
      countWritten(resident);
    } catch (error) {
      if (!(error instanceof ConcurrencyConflict)) throw error;
      await throughHandlers(resident);
    }
  };

  const writeRound = async (round: readonly SeededHousehold[]): Promise<void> => {
    await inParallel(round, concurrency, async ({ register }) => {
      await append(householdStreamId(register.householdId), register.householdId, register.actor, decideAll(householdDecider, [register]));
      written.add(register.householdId);
      report.events++;
    });
    report.households += round.length;
    await inParallel(round.flatMap((household) => household.residents).map(plan), concurrency, writeResident);
    options.onProgress?.(report);
  };

  let round: SeededHousehold[] = [];
  for (const household of population) {
    round.push(household);
    if (round.length >= batchHouseholds) {
      await writeRound(round);
      round = [];
    }
  }
  if (round.length > 0) await writeRound(round);
  return report;
};
