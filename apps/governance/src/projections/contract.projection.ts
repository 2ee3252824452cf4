import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Projection } from '@shuzhi/event-store';
import { contractStatusAfter, type ContractEvent, type ContractStatus, type ContractTerms } from '@shuzhi/governance-events';

/** Sharing contracts for lists and queues: the steward's and the data bureau's work. */
@Entity('sharing_contracts')
export class ContractRow {
  @PrimaryColumn({ type: 'text' }) id!: string;
  @Column({ type: 'text' }) status!: string;
  @Column({ type: 'integer' }) streamVersion!: number;
  @Column({ type: 'text' }) datasetCode!: string;
  @Column({ type: 'text' }) consumerDepartment!: string;
  @Column({ type: 'text' }) providerDepartment!: string;
  @Column({ type: 'jsonb' }) fields!: string[];
  @Column({ type: 'text' }) purpose!: string;
  /** The division it is scoped to; null: the whole platform's area. */
  @Column({ type: 'text', nullable: true }) divisionScope!: string | null;
  @Column({ type: 'timestamptz' }) validFrom!: Date;
  @Column({ type: 'timestamptz' }) validTo!: Date;
  @Column({ type: 'text', nullable: true }) reviewStage!: string | null;
  @Column({ type: 'timestamptz', nullable: true }) reviewDeadline!: Date | null;
  @Column({ type: 'boolean' }) reviewOverdue!: boolean;
  @Column({ type: 'jsonb' }) terms!: ContractTerms;
  @Column({ type: 'timestamptz' }) submittedAt!: Date;
  @Column({ type: 'timestamptz' }) updatedAt!: Date;
}

export const contractsProjection: Projection<ContractRow> = {
  name: 'governance.sharing-contracts',
  // 2: a contract's division scope, and 回流 grants.
  version: 2,
  entity: ContractRow,
  streamPrefix: 'contract-',
  keysOf: (event) => [event.streamId.slice('contract-'.length)],
  evolve: (row, recorded) => {
    const event = recorded as unknown as ContractEvent;
    const at = new Date(recorded.recordedAt);
    if (event.type === 'ContractSubmitted' || event.type === 'ReturnFlowContractGranted') {
      const { terms } = event.data;
      return {
        id: terms.contractId,
        status: contractStatusAfter(event, 'SUBMITTED'),
        streamVersion: recorded.streamVersion,
        datasetCode: terms.datasetCode,
        consumerDepartment: terms.consumerDepartment,
        providerDepartment: terms.providerDepartment,
        fields: terms.fields,
        purpose: terms.purpose,
        divisionScope: terms.divisionScope ?? null,
        validFrom: new Date(terms.validFrom),
        validTo: new Date(terms.validTo),
        reviewStage: null,
        reviewDeadline: null,
        reviewOverdue: false,
        terms,
        submittedAt: new Date(event.data.at),
        updatedAt: at,
      };
    }
    if (!row) return null;
    const status = contractStatusAfter(event, row.status as ContractStatus);
    const next = { ...row, status, streamVersion: recorded.streamVersion, updatedAt: at };
    switch (event.type) {
      case 'ReviewOpened':
        return { ...next, reviewStage: event.data.stage, reviewDeadline: new Date(event.data.deadline), reviewOverdue: false };
      case 'ReviewOverdue':
        return { ...next, reviewOverdue: true };
      case 'ContractSuspended':
      case 'ContractRevoked':
        return next;
      default:
        return { ...next, reviewStage: null, reviewDeadline: null, reviewOverdue: false };
    }
  },
};
