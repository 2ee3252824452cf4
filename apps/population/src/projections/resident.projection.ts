import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Projection } from '@shuzhi/event-store';
import { RESIDENT_EVENT_TYPES, type ResidentEvent } from '@shuzhi/population-events';

/**
 * Residents by household: the members of a household follow from the residents' own events
 * (registered into it, moved in or out, died), so a household's members are a query here.
 */
@Entity('residents')
export class ResidentRow {
  @PrimaryColumn({ type: 'text' }) id!: string;
  @Column({ type: 'text' }) idNumber!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text' }) gender!: string;
  @Column({ type: 'date' }) birthDate!: string;
  @Index() @Column({ type: 'text', nullable: true }) householdId!: string | null;
  @Column({ type: 'text' }) status!: 'LIVING' | 'DECEASED';
  @Column({ type: 'date', nullable: true }) dateOfDeath!: string | null;
  @Column({ type: 'integer' }) streamVersion!: number;
  @Column({ type: 'timestamptz' }) registeredAt!: Date;
}

export const residentsProjection: Projection<ResidentRow> = {
  name: 'population.residents',
  version: 1,
  entity: ResidentRow,
  streamPrefix: 'resident-',
  types: RESIDENT_EVENT_TYPES,
  keysOf: (event) => [event.streamId.slice('resident-'.length)],
  evolve: (row, recorded) => {
    const event = recorded as unknown as ResidentEvent;
    switch (event.type) {
      case 'ResidentRegistered':
        return {
          id: event.data.residentId,
          idNumber: event.data.idNumber,
          name: event.data.name,
          gender: event.data.gender,
          birthDate: event.data.birthDate,
          householdId: event.data.householdId,
          status: 'LIVING',
          dateOfDeath: null,
          streamVersion: recorded.streamVersion,
          registeredAt: new Date(event.data.at),
        };
      case 'ResidentMoved':
        return row && { ...row, householdId: event.data.toHouseholdId, streamVersion: recorded.streamVersion };
      case 'ResidentDied':
        return row && { ...row, status: 'DECEASED', dateOfDeath: event.data.dateOfDeath, streamVersion: recorded.streamVersion };
    }
  },
};
