import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Projection, RecordedEvent } from '@shuzhi/event-store';
import type { ClientEvent, DepartmentRegistered, PurposeRegistered } from '@shuzhi/governance-events';

const keyAfter = (prefix: string) => (event: RecordedEvent) =>
  event.streamId.startsWith(prefix) ? [event.streamId.slice(prefix.length)] : [];

@Entity('departments')
export class DepartmentRow {
  @PrimaryColumn({ type: 'text' }) code!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'timestamptz' }) registeredAt!: Date;
}

export const departmentsProjection: Projection<DepartmentRow> = {
  name: 'governance.departments',
  version: 1,
  entity: DepartmentRow,
  streamPrefix: 'department-',
  types: ['DepartmentRegistered'],
  keysOf: keyAfter('department-'),
  evolve: (_row, event) => {
    const { data } = event as unknown as DepartmentRegistered;
    return { code: data.code, name: data.name, registeredAt: new Date(data.at) };
  },
};

@Entity('purposes')
export class PurposeRow {
  @PrimaryColumn({ type: 'text' }) code!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text', nullable: true }) description!: string | null;
}

export const purposesProjection: Projection<PurposeRow> = {
  name: 'governance.purposes',
  version: 1,
  entity: PurposeRow,
  streamPrefix: 'purpose-',
  types: ['PurposeRegistered'],
  keysOf: keyAfter('purpose-'),
  evolve: (_row, event) => {
    const { data } = event as unknown as PurposeRegistered;
    return { code: data.code, name: data.name, description: data.description };
  },
};

/** Clients and their roles; the key hash stays in the event log, never in a listing. */
@Entity('clients')
export class ClientRow {
  @PrimaryColumn({ type: 'text' }) clientId!: string;
  @Column({ type: 'text' }) departmentCode!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'jsonb' }) roles!: string[];
  @Column({ type: 'text' }) status!: 'ACTIVE' | 'REVOKED';
  @Column({ type: 'timestamptz' }) issuedAt!: Date;
  @Column({ type: 'timestamptz', nullable: true }) revokedAt!: Date | null;
}

export const clientsProjection: Projection<ClientRow> = {
  name: 'governance.clients',
  version: 1,
  entity: ClientRow,
  streamPrefix: 'client-',
  keysOf: keyAfter('client-'),
  evolve: (row, recorded) => {
    const event = recorded as unknown as ClientEvent;
    switch (event.type) {
      case 'ClientKeyIssued':
        return {
          clientId: event.data.clientId,
          departmentCode: event.data.departmentCode,
          name: event.data.name,
          roles: event.data.roles,
          status: 'ACTIVE',
          issuedAt: new Date(event.data.at),
          revokedAt: null,
        };
      case 'ClientKeyRevoked':
        return row && { ...row, status: 'REVOKED', revokedAt: new Date(event.data.at) };
    }
  },
};
