import { Inject, Injectable } from '@nestjs/common';
import { aggregateStream, handleCommand, type AggregateStream, type CommandResult, type HandleCommandOptions } from '@shuzhi/event-store';
import { applicationDecider, type ApplicationCommand, type ApplicationState } from '../domain/subsidy-application.decider.js';
import type { SubsidyApplicationEvent } from '../domain/subsidy-application.events.js';
import { applicationStreamId, programStreamId, stepEventId } from '../domain/subsidy-ids.js';
import { programDecider, type ProgramCommand, type ProgramState } from '../domain/subsidy-program.decider.js';
import type { SubsidyProgramEvent } from '../domain/subsidy-program.events.js';
import { SUBSIDY_CONFIG, type SubsidyConfig } from '../subsidy.config.js';
import { metadataOf, type CommandOrigin } from './command-origin.js';
import type { DistributiveOmit } from '@shuzhi/shared-kernel';

export type ProgramChange = DistributiveOmit<ProgramCommand, 'actor' | 'now'>;
export type ApplicationChange = DistributiveOmit<ApplicationCommand, 'actor' | 'now'>;

/**
 * A named step: its event ids are derived from the stream and the name rather than random. A
 * step decided on the state read at `expectedVersion` is written only onto that version.
 */
export interface Step {
  name: string;
  expectedVersion?: number;
}

/** The step chosen on the stream as read at `version`; its name says which version that was. */
export const stepAt = (name: string, version: number): Step => ({ name: `${name}@${version}`, expectedVersion: version });

const stepOptions = (streamId: string, step: Step | undefined): HandleCommandOptions =>
  step ? { eventIds: (index) => stepEventId(streamId, step.name, index), expectedVersion: step.expectedVersion } : {};

/**
 * The write path of both aggregates: load, decide, append. A named step's event ids are
 * derived from the stream and the step (with the version it was decided on, for a `stepAt`), so
 * two runs deciding the same step write it once (the store takes a re-sent event id as a no-op),
 * a `stepAt` decided on a state the stream has since left is a conflict, and a rerun after a
 * crash picks up where the first stopped.
 */
@Injectable()
export class SubsidyStreams {
  constructor(@Inject(SUBSIDY_CONFIG) private readonly config: SubsidyConfig) {}

  private now(): string {
    return this.config.clock.now().toISOString();
  }

  program(programId: string): Promise<AggregateStream<SubsidyProgramEvent, ProgramState>> {
    return aggregateStream(this.config.store, programStreamId(programId), programDecider);
  }

  application(applicationId: string): Promise<AggregateStream<SubsidyApplicationEvent, ApplicationState>> {
    return aggregateStream(this.config.store, applicationStreamId(applicationId), applicationDecider);
  }

  async changeProgram(origin: CommandOrigin, programId: string, change: ProgramChange, step?: Step): Promise<CommandResult<SubsidyProgramEvent, ProgramState>> {
    const streamId = programStreamId(programId);
    const command = { ...change, actor: origin.actor, now: this.now() } as ProgramCommand;
    return handleCommand(this.config.store, streamId, programDecider, command, {
      metadata: metadataOf(origin),
      // A reservation decided again on a newer stream is still right (the budget is re-checked).
      retries: change.type === 'ReserveSubsidyGrant' ? 5 : 0,
      ...stepOptions(streamId, step),
    });
  }

  async changeApplication(
    origin: CommandOrigin,
    applicationId: string,
    change: ApplicationChange,
    step?: Step,
  ): Promise<CommandResult<SubsidyApplicationEvent, ApplicationState>> {
    const streamId = applicationStreamId(applicationId);
    const command = { ...change, actor: origin.actor, now: this.now() } as ApplicationCommand;
    return handleCommand(this.config.store, streamId, applicationDecider, command, { metadata: metadataOf(origin), ...stepOptions(streamId, step) });
  }
}
