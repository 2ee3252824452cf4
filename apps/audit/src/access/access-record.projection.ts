import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Projection } from '@shuzhi/event-store';
import { ACCESS_EVENT_TYPES, ACCESS_STREAM_PREFIX, type AccessEvent, type AccessLookup } from '@shuzhi/policy';

export type AccessOutcome = 'ALLOW' | 'PARTIAL' | 'REFUSED';

export interface SubjectRef {
  type: string;
  id: string;
}

/**
 * One row per access record (`AccessRecorded` / `AccessRefused`), so that "who did read" is
 * answered by index (department, contract, subject, time) rather than by scanning every day's
 * stream. Contract and subject ids are also kept as text arrays under GIN indexes for the
 * filters; the full lists stay as the gateway wrote them.
 */
@Entity('access_records')
export class AccessRecordRow {
  /** The event id of the record. */
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ type: 'bigint' }) globalPosition!: string;
  @Index() @Column({ type: 'timestamptz' }) recordedAt!: Date;
  /** The instant the gateway decided at. */
  @Column({ type: 'timestamptz' }) at!: Date;
  @Column({ type: 'text' }) outcome!: AccessOutcome;
  @Column({ type: 'text', nullable: true }) code!: string | null;
  @Column({ type: 'text', nullable: true }) reason!: string | null;
  @Column({ type: 'text' }) clientId!: string;
  @Index() @Column({ type: 'text' }) department!: string;
  @Column({ type: 'text', nullable: true }) purpose!: string | null;
  @Column({ type: 'jsonb' }) contracts!: Array<{ id: string; version: number }>;
  @Index({ type: 'gin' } as never) @Column({ type: 'text', array: true }) contractIds!: string[];
  @Column({ type: 'jsonb' }) fields!: string[];
  @Column({ type: 'jsonb' }) maskedFields!: Array<{ field: string; rule: string }>;
  @Column({ type: 'jsonb' }) deniedFields!: string[];
  @Column({ type: 'jsonb' }) subjects!: SubjectRef[];
  @Column({ type: 'jsonb' }) withheldSubjects!: SubjectRef[];
  /** Every subject the operation served or withheld: a withheld row was still asked for. */
  @Index({ type: 'gin' } as never) @Column({ type: 'text', array: true }) subjectIds!: string[];
  @Column({ type: 'text' }) decisionId!: string;
  @Column({ type: 'text' }) correlationId!: string;
  @Column({ type: 'text' }) operationHash!: string;
  @Column({ type: 'text', nullable: true }) snapshotCheckpoint!: string | null;
}

export const accessRecordsProjection: Projection<AccessRecordRow> = {
  name: 'audit.access-records',
  // 2: the subjects a record names include those its lookups looked for.
  version: 2,
  entity: AccessRecordRow,
  streamPrefix: ACCESS_STREAM_PREFIX,
  types: ACCESS_EVENT_TYPES,
  keysOf: (event) => [event.eventId],
  evolve: (_row, recorded) => {
    const event = recorded as unknown as AccessEvent;
    const common = {
      id: recorded.eventId,
      globalPosition: String(recorded.globalPosition),
      recordedAt: recorded.recordedAt,
      at: new Date(event.data.at),
      clientId: event.data.clientId,
      department: event.data.department,
      purpose: event.data.purpose,
      contracts: event.data.contracts,
      contractIds: [...new Set(event.data.contracts.map((c) => c.id))],
      deniedFields: event.data.deniedFields,
      decisionId: event.data.decisionId,
      correlationId: event.data.correlationId,
      operationHash: event.data.operationHash,
      snapshotCheckpoint: event.data.snapshotCheckpoint,
    };
    const looked = lookedUp(event.data.lookups ?? []);
    if (event.type === 'AccessRefused') {
      return { ...common, outcome: 'REFUSED', code: event.data.code, reason: event.data.reason, fields: [], maskedFields: [], subjects: [], withheldSubjects: [], subjectIds: looked };
    }
    const withheld = event.data.withheldSubjects.map(({ type, id }) => ({ type, id }));
    return {
      ...common,
      outcome: event.data.outcome,
      code: null,
      reason: null,
      fields: event.data.fields,
      maskedFields: event.data.maskedFields,
      subjects: event.data.subjects,
      withheldSubjects: withheld,
      subjectIds: [...new Set([...[...event.data.subjects, ...withheld].map((s) => s.id), ...looked])],
    };
  },
};

/**
 * Who a record's lookups looked for, found or not, refused or not: the values they were given
 * (`resident(id: X)`, `consents(subjectId: X)`), and for a stream (`streamHistory(streamId:
 * "resident-X")`) the id it is named by. A subject's report and the access log by subject find
 * them.
 */
const lookedUp = (lookups: readonly AccessLookup[]): string[] =>
  lookups.flatMap(({ via, value }) => (via.endsWith('(streamId)') && value.includes('-') ? [value, value.slice(value.indexOf('-') + 1)] : [value]));
