import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Projection, RecordedEvent } from '@shuzhi/event-store';
import type { ResidentDied, ResidentRegistered } from '@shuzhi/population-events';

/**
 * What the register knows of residents, from the population service's published integration
 * events on the shared log (stream `resident-<residentId>`), never from its tables (DESIGN.md,
 * "Between services"). Only the id and whether the person has died are kept: the register needs
 * to know that a legal representative exists, not who they are, so nothing else of a person is
 * copied here.
 */

/** The two of population's published events this service reads, and of each only `residentId`. */
type PopulationIntegrationEvent = ResidentRegistered | ResidentDied;

export const RESIDENT_STREAM_PREFIX = 'resident-';
export const RESIDENT_EVENT_TYPES: ReadonlyArray<PopulationIntegrationEvent['type']> = ['ResidentRegistered', 'ResidentDied'];

@Entity('known_residents')
export class KnownResidentRow {
  @PrimaryColumn({ type: 'text' }) residentId!: string;
  @Column({ type: 'boolean' }) deceased!: boolean;
}

const residentIdOf = (event: RecordedEvent): string | undefined => {
  const id = (event.data as { residentId?: unknown } | null)?.residentId;
  return typeof id === 'string' && id !== '' ? id : undefined;
};

/** Applying an event twice gives the same row, which the lag-free lookup relies on. */
export const knownResidentsProjection: Projection<KnownResidentRow> = {
  name: 'enterprise.known-residents',
  version: 1,
  entity: KnownResidentRow,
  streamPrefix: RESIDENT_STREAM_PREFIX,
  types: RESIDENT_EVENT_TYPES,
  keysOf: (event) => {
    const id = residentIdOf(event);
    return id ? [id] : [];
  },
  evolve: (row, recorded) => {
    const event = recorded as unknown as PopulationIntegrationEvent;
    const residentId = residentIdOf(recorded)!;
    switch (event.type) {
      case 'ResidentRegistered':
        return { residentId, deceased: row?.deceased ?? false };
      case 'ResidentDied':
        return { residentId, deceased: true };
      default: {
        const exhaustive: never = event;
        return exhaustive;
      }
    }
  },
};
