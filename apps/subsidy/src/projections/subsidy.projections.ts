import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Projection } from '@shuzhi/event-store';
import { applicationDecider, type ApplicationState } from '../domain/subsidy-application.decider.js';
import { APPLICATION_EVENT_TYPES, type SubsidyApplicationEvent } from '../domain/subsidy-application.events.js';
import { APPLICATION_STREAM_PREFIX, PROGRAM_STREAM_PREFIX } from '../domain/subsidy-ids.js';
import { programDecider, type ProgramState } from '../domain/subsidy-program.decider.js';
import { PROGRAM_EVENT_TYPES, type SubsidyProgramEvent } from '../domain/subsidy-program.events.js';

/** The programs as listed; the row keeps the decider's state, so the list cannot disagree with the stream. */
@Entity('programs')
export class ProgramRow {
  @PrimaryColumn({ type: 'text' }) programId!: string;
  @Column({ type: 'text' }) status!: string;
  @Column({ type: 'jsonb' }) state!: ProgramState;
  @Column({ type: 'integer' }) streamVersion!: number;
}

@Entity('applications')
@Index('applications_program', ['programId'])
export class ApplicationRow {
  @PrimaryColumn({ type: 'text' }) applicationId!: string;
  @Column({ type: 'text' }) programId!: string;
  @Column({ type: 'text' }) status!: string;
  @Column({ type: 'jsonb' }) state!: ApplicationState;
  @Column({ type: 'integer' }) streamVersion!: number;
}

export const programsProjection: Projection<ProgramRow> = {
  name: 'subsidy.programs',
  version: 1,
  entity: ProgramRow,
  streamPrefix: PROGRAM_STREAM_PREFIX,
  types: PROGRAM_EVENT_TYPES,
  keysOf: (event) => [event.streamId.slice(PROGRAM_STREAM_PREFIX.length)],
  evolve: (row, recorded) => {
    const state = programDecider.evolve(row?.state ?? programDecider.initialState, recorded as unknown as SubsidyProgramEvent);
    if (state.status === 'NONE') return null;
    return { programId: state.profile.programId, status: state.status, state, streamVersion: recorded.streamVersion };
  },
};

export const applicationsProjection: Projection<ApplicationRow> = {
  name: 'subsidy.applications',
  version: 1,
  entity: ApplicationRow,
  streamPrefix: APPLICATION_STREAM_PREFIX,
  types: APPLICATION_EVENT_TYPES,
  keysOf: (event) => [event.streamId.slice(APPLICATION_STREAM_PREFIX.length)],
  evolve: (row, recorded) => {
    const state = applicationDecider.evolve(row?.state ?? applicationDecider.initialState, recorded as unknown as SubsidyApplicationEvent);
    if (state.status === 'NONE') return null;
    const { applicationId, programId } = state.profile;
    return { applicationId, programId, status: state.status, state, streamVersion: recorded.streamVersion };
  },
};

export const SUBSIDY_PROJECTIONS = [programsProjection, applicationsProjection] as const;
