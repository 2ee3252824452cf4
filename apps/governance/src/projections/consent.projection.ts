import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Projection } from '@shuzhi/event-store';
import type { ConsentEvent, ConsentReceipt } from '@shuzhi/governance-events';

/**
 * Consents by subject, for the citizen channel's "what did I allow" and for expiry. `channel`
 * is the department of the citizen channel the consent was given through: a channel lists only
 * those.
 */
@Entity('consents')
export class ConsentRow {
  @PrimaryColumn({ type: 'text' }) id!: string;
  @Column({ type: 'text' }) status!: string;
  @Column({ type: 'integer' }) streamVersion!: number;
  @Column({ type: 'text' }) subjectId!: string;
  @Column({ type: 'text' }) channel!: string;
  @Column({ type: 'text' }) consumerDepartment!: string;
  @Column({ type: 'text' }) providerDepartment!: string;
  @Column({ type: 'text' }) purpose!: string;
  @Column({ type: 'text' }) datasetCode!: string;
  @Column({ type: 'jsonb' }) fields!: string[];
  @Column({ type: 'timestamptz' }) expiresAt!: Date;
  @Column({ type: 'jsonb' }) receipt!: ConsentReceipt;
  @Column({ type: 'timestamptz' }) grantedAt!: Date;
  @Column({ type: 'timestamptz' }) updatedAt!: Date;
}

export const consentsProjection: Projection<ConsentRow> = {
  name: 'governance.consents',
  // 2: the channel a consent was given through.
  version: 2,
  entity: ConsentRow,
  streamPrefix: 'consent-',
  keysOf: (event) => [event.streamId.slice('consent-'.length)],
  evolve: (row, recorded) => {
    const event = recorded as unknown as ConsentEvent;
    const at = new Date(recorded.recordedAt);
    switch (event.type) {
      case 'ConsentGranted': {
        const { terms, receipt } = event.data;
        return {
          id: terms.consentId,
          status: 'ACTIVE',
          streamVersion: recorded.streamVersion,
          subjectId: terms.subjectId,
          channel: event.data.by.department,
          consumerDepartment: terms.consumerDepartment,
          providerDepartment: terms.providerDepartment,
          purpose: terms.purpose,
          datasetCode: terms.datasetCode,
          fields: terms.fields,
          expiresAt: new Date(terms.expiresAt),
          receipt,
          grantedAt: new Date(event.data.at),
          updatedAt: at,
        };
      }
      case 'ConsentWithdrawn':
        return row && { ...row, status: 'WITHDRAWN', streamVersion: recorded.streamVersion, updatedAt: at };
      case 'ConsentExpired':
        return row && { ...row, status: 'EXPIRED', streamVersion: recorded.streamVersion, updatedAt: at };
    }
  },
};
