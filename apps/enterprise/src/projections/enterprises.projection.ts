import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Projection } from '@shuzhi/event-store';
import {
  ENTERPRISE_STREAM_PREFIX,
  enterpriseDecider,
  type EnterpriseState,
} from '../domain/enterprise.decider.js';
import { ENTERPRISE_EVENT_TYPES, type EnterpriseEvent, type EnterpriseStatus } from '../domain/enterprise.events.js';

/** The register as listed and filtered: by industry, status and legal representative. */
@Entity('enterprises')
@Index('enterprises_legal_representative', ['legalRepresentativeId'])
export class EnterpriseRow {
  @PrimaryColumn({ type: 'text' }) creditCode!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text', nullable: true }) legalRepresentativeId!: string | null;
  @Column({ type: 'text' }) industryCode!: string;
  @Column({ type: 'double precision', nullable: true }) registeredCapital!: number | null;
  @Column({ type: 'integer', nullable: true }) employees!: number | null;
  @Column({ type: 'text', nullable: true }) divisionCode!: string | null;
  @Column({ type: 'text' }) status!: EnterpriseStatus;
  @Column({ type: 'timestamptz' }) registeredAt!: Date;
  @Column({ type: 'integer' }) streamVersion!: number;
  @Column({ type: 'timestamptz' }) updatedAt!: Date;
}

export const stateOfRow = (row: EnterpriseRow): Exclude<EnterpriseState, { status: 'NONE' }> => ({
  status: row.status,
  profile: {
    creditCode: row.creditCode,
    name: row.name,
    legalRepresentativeId: row.legalRepresentativeId,
    industryCode: row.industryCode,
    registeredCapital: row.registeredCapital,
    employees: row.employees,
    registeredAt: new Date(row.registeredAt).toISOString(),
    divisionCode: row.divisionCode,
  },
});

/** Rows follow the decider's own `evolve`, so the list can never disagree with the stream. */
export const enterprisesProjection: Projection<EnterpriseRow> = {
  name: 'enterprise.enterprises',
  // 2: where each enterprise lies (its division code).
  version: 2,
  entity: EnterpriseRow,
  streamPrefix: ENTERPRISE_STREAM_PREFIX,
  types: ENTERPRISE_EVENT_TYPES,
  keysOf: (event) => [event.streamId.slice(ENTERPRISE_STREAM_PREFIX.length)],
  evolve: (row, recorded) => {
    const state = enterpriseDecider.evolve(row ? stateOfRow(row) : enterpriseDecider.initialState, recorded as unknown as EnterpriseEvent);
    if (state.status === 'NONE') return null;
    return {
      ...state.profile,
      registeredAt: new Date(state.profile.registeredAt),
      status: state.status,
      streamVersion: recorded.streamVersion,
      updatedAt: new Date(recorded.recordedAt),
    };
  },
};
