import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Projection, RecordedEvent } from '@shuzhi/event-store';
import type { ClientEvent, DepartmentLevel, DepartmentRegistered, PurposeRegistered, SubgraphEvent } from '@shuzhi/governance-events';

const keyAfter = (prefix: string) => (event: RecordedEvent) =>
  event.streamId.startsWith(prefix) ? [event.streamId.slice(prefix.length)] : [];

@Entity('departments')
export class DepartmentRow {
  @PrimaryColumn({ type: 'text' }) code!: string;
  @Column({ type: 'text' }) name!: string;
  /** Both null: the department serves the whole platform's area. */
  @Column({ type: 'text', nullable: true }) level!: DepartmentLevel | null;
  @Column({ type: 'text', nullable: true }) divisionCode!: string | null;
  @Column({ type: 'timestamptz' }) registeredAt!: Date;
}

export const departmentsProjection: Projection<DepartmentRow> = {
  name: 'governance.departments',
  // 2: a department's level and division.
  version: 2,
  entity: DepartmentRow,
  streamPrefix: 'department-',
  types: ['DepartmentRegistered'],
  keysOf: keyAfter('department-'),
  evolve: (_row, event) => {
    const { data } = event as unknown as DepartmentRegistered;
    return { code: data.code, name: data.name, level: data.level ?? null, divisionCode: data.divisionCode ?? null, registeredAt: new Date(data.at) };
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

/** The subgraph registry: who owns each subgraph, and how many fields it resolves. */
@Entity('subgraphs')
export class SubgraphRow {
  @PrimaryColumn({ type: 'text' }) name!: string;
  @Column({ type: 'text' }) departmentCode!: string;
  @Column({ type: 'jsonb' }) fields!: string[];
  @Column({ type: 'timestamptz' }) registeredAt!: Date;
  @Column({ type: 'timestamptz' }) changedAt!: Date;
}

export const subgraphsProjection: Projection<SubgraphRow> = {
  name: 'governance.subgraphs',
  version: 1,
  entity: SubgraphRow,
  streamPrefix: 'subgraph-',
  keysOf: keyAfter('subgraph-'),
  evolve: (row, recorded) => {
    const event = recorded as unknown as SubgraphEvent;
    switch (event.type) {
      case 'SubgraphRegistered': {
        const at = new Date(event.data.at);
        return { name: event.data.name, departmentCode: event.data.departmentCode, fields: event.data.fields, registeredAt: at, changedAt: at };
      }
      case 'SubgraphSchemaRecorded':
        return row && { ...row, fields: event.data.fields, changedAt: new Date(event.data.at) };
    }
  },
};
