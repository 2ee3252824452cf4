import type { EventStore } from '@shuzhi/event-store';
import type { HouseholdRegistered, ResidentRegistered } from '@shuzhi/population-events';
import type { SubjectFact } from '../domain/consent/consent.decider.js';

/**
 * The subjects governance knows: rows of the registers the domain services keep, as their
 * published integration events on the shared log say, never their tables (DESIGN.md, "Between
 * services"). Each register keeps a row in a stream named after its id whose first event is
 * its registration, so knowing a subject is reading that one event: never behind the log, as a
 * projection of the registrations would be for a resident registered a moment before someone
 * consents for them (the demo seed does exactly that).
 */

/**
 * The enterprise register's registration as it publishes it on the log (`enterprise-<creditCode>`,
 * type `EnterpriseRegistered`). Its events are in no lib; of their documented data, only the key
 * is read here, so only the key is declared.
 */
type EnterpriseRegistered = { type: 'EnterpriseRegistered'; data: { creditCode: string } };

interface Register {
  streamPrefix: string;
  /** The type of the stream's first event when it holds a registered row. */
  registered: string;
  /** The field of that event's data that holds the row's id. */
  key: string;
}

const register = <Registered extends { type: string; data: object }>(
  streamPrefix: string,
  registered: Registered['type'],
  key: keyof Registered['data'] & string,
): Register => ({ streamPrefix, registered, key });

/** GraphQL entity type → the register that keeps its rows. A dataset bound to another type has no subjects governance can check. */
const REGISTERS: ReadonlyMap<string, Register> = new Map([
  ['Resident', register<ResidentRegistered>('resident-', 'ResidentRegistered', 'residentId')],
  ['Household', register<HouseholdRegistered>('household-', 'HouseholdRegistered', 'householdId')],
  ['Enterprise', register<EnterpriseRegistered>('enterprise-', 'EnterpriseRegistered', 'creditCode')],
]);

/** What the register of `type` knows of `subjectId` (trimmed, as a consent keeps it). */
export const knownSubject = async (store: EventStore, type: string, subjectId: string): Promise<SubjectFact> => {
  const kept = REGISTERS.get(type);
  if (!kept) return { type, register: 'NONE' };
  const id = subjectId?.trim() ?? '';
  if (!id) return { type, register: 'UNKNOWN' };
  const [first] = await store.readStream(`${kept.streamPrefix}${id}`, { untilVersion: 0 });
  // The stream's name is not trusted alone: its first event must be the registration of this very id.
  const registered = first?.type === kept.registered && (first.data as Record<string, unknown> | null)?.[kept.key] === id;
  return { type, register: registered ? 'KNOWN' : 'UNKNOWN' };
};
