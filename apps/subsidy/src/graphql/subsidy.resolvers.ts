import { Inject } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Args, Directive, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { aggregateStream, type CommandResult } from '@shuzhi/event-store';
import type { CallerContext } from '@shuzhi/signing';
import { Caller, actorOf, readsArgument } from '@shuzhi/subgraph';
import type { CommandOrigin } from '../commands/command-origin.js';
import {
  ApplyForSubsidy,
  ApproveSubsidyApplication,
  CheckSubsidyApplication,
  CloseSubsidyProgram,
  CreateSubsidyProgram,
  DisburseSubsidy,
  RejectSubsidyApplication,
  RunSubsidyBatch,
} from '../commands/subsidy.commands.js';
import type { BatchRun } from '../commands/subsidy-workflows.js';
import { applicationDecider, type ApplicationState } from '../domain/subsidy-application.decider.js';
import type { SubsidyApplicationEvent } from '../domain/subsidy-application.events.js';
import { applicationStreamId, programStreamId } from '../domain/subsidy-ids.js';
import { programDecider, type ProgramState } from '../domain/subsidy-program.decider.js';
import type { SubsidyProgramEvent } from '../domain/subsidy-program.events.js';
import { assertMayReadApplications } from '../domain/stewardship.js';
import { ApplicationRow, ProgramRow } from '../projections/subsidy.projections.js';
import { SUBSIDY_CONFIG, type SubsidyConfig } from '../subsidy.config.js';
import { historyOf, toApplication, toProgram } from './subsidy.mappers.js';
import {
  ApplyForSubsidyInput,
  CreateSubsidyProgramInput,
  SubsidyApplication,
  SubsidyApplicationHistoryEntry,
  SubsidyBatchRun,
  SubsidyProgram,
} from './subsidy.models.js';

const originOf = (caller: CallerContext): CommandOrigin => ({ actor: actorOf(caller), correlationId: caller.correlationId });

/**
 * The subsidy programs and their applications. Writes go through the bus; a write answers
 * with the state it left, read from the stream, so the caller sees its own change at once.
 */
@Resolver(() => SubsidyProgram)
export class SubsidyProgramResolver {
  constructor(
    private readonly commands: CommandBus,
    @Inject(SUBSIDY_CONFIG) private readonly config: SubsidyConfig,
  ) {}

  private async answer(command: object): Promise<SubsidyProgram> {
    const result: CommandResult<SubsidyProgramEvent, ProgramState> = await this.commands.execute(command);
    if (result.state.status === 'NONE') throw new Error('a command on a program left no program');
    return toProgram(result.state, result.version);
  }

  @Mutation(() => SubsidyProgram, {
    description: 'A steward of economic-bureau. VALIDATION_FAILED names each malformed rule, amount or a duplicate id.',
  })
  createSubsidyProgram(@Caller() caller: CallerContext, @Args('input') input: CreateSubsidyProgramInput): Promise<SubsidyProgram> {
    const { id, ...program } = input;
    return this.answer(new CreateSubsidyProgram(originOf(caller), id ?? null, program));
  }

  @Mutation(() => SubsidyProgram, { description: 'OPEN → CLOSED: no more applications or approvals; approved grants are still paid.' })
  closeSubsidyProgram(@Caller() caller: CallerContext, @Args('id', { type: () => ID }) id: string, @Args('reason') reason: string) {
    return this.answer(new CloseSubsidyProgram(originOf(caller), id, reason));
  }

  @Mutation(() => SubsidyBatchRun, {
    description:
      '免申即享: every enterprise the rules admit is applied for, checked, approved and paid; a second run pays nobody twice. A steward of economic-bureau.',
  })
  runSubsidyBatch(@Caller() caller: CallerContext, @Args('programId', { type: () => ID }) programId: string): Promise<BatchRun> {
    return this.commands.execute(new RunSubsidyBatch(originOf(caller), programId));
  }

  @Query(() => SubsidyProgram, { nullable: true, description: 'Read from its stream: always as of the last command.' })
  @Directive(readsArgument('id', 'SubsidyProgram.id'))
  async subsidyProgram(@Args('id', { type: () => ID }) id: string): Promise<SubsidyProgram | null> {
    const { state, version } = await aggregateStream(this.config.store, programStreamId(id), programDecider);
    return state.status === 'NONE' ? null : toProgram(state, version);
  }

  @Query(() => [SubsidyProgram], { description: 'From the read model, by id.' })
  async subsidyPrograms(): Promise<SubsidyProgram[]> {
    const rows = await this.config.dataSource.manager.find(ProgramRow, { order: { programId: 'ASC' } });
    return rows.flatMap((row) => (row.state.status === 'NONE' ? [] : [toProgram(row.state, row.streamVersion)]));
  }
}

@Resolver(() => SubsidyApplication)
export class SubsidyApplicationResolver {
  constructor(
    private readonly commands: CommandBus,
    @Inject(SUBSIDY_CONFIG) private readonly config: SubsidyConfig,
  ) {}

  private async answer(command: object): Promise<SubsidyApplication> {
    const result: CommandResult<SubsidyApplicationEvent, ApplicationState> = await this.commands.execute(command);
    if (result.state.status === 'NONE') throw new Error('a command on an application left no application');
    return toApplication(result.state, result.version);
  }

  @Mutation(() => SubsidyApplication, {
    description: "economic-bureau's systems or a citizen channel. One application per subject and program: a second is VALIDATION_FAILED.",
  })
  applyForSubsidy(@Caller() caller: CallerContext, @Args('input') input: ApplyForSubsidyInput) {
    return this.answer(new ApplyForSubsidy(originOf(caller), input.programId, { kind: input.subjectKind, id: input.subjectId.trim() }));
  }

  @Mutation(() => SubsidyApplication, {
    description:
      'Reads the facts through the gateway under the bureau’s contracts and records every rule’s verdict. Refused facts are recorded as CANNOT_CHECK and leave the application SUBMITTED.',
  })
  checkSubsidyApplication(@Caller() caller: CallerContext, @Args('id', { type: () => ID }) id: string) {
    return this.answer(new CheckSubsidyApplication(originOf(caller), id));
  }

  @Mutation(() => SubsidyApplication, { description: 'CHECKED (eligible) → APPROVED, reserving the grant in the program’s budget.' })
  approveSubsidyApplication(
    @Caller() caller: CallerContext,
    @Args('id', { type: () => ID }) id: string,
    @Args('reason', { type: () => String, nullable: true }) reason: string | null,
  ) {
    return this.answer(new ApproveSubsidyApplication(originOf(caller), id, reason ?? null));
  }

  @Mutation(() => SubsidyApplication, { description: 'SUBMITTED or CHECKED → REJECTED, with a reason.' })
  rejectSubsidyApplication(@Caller() caller: CallerContext, @Args('id', { type: () => ID }) id: string, @Args('reason') reason: string) {
    return this.answer(new RejectSubsidyApplication(originOf(caller), id, reason));
  }

  @Mutation(() => SubsidyApplication, { description: 'APPROVED → DISBURSED: paid straight to the subject, once.' })
  disburseSubsidy(@Caller() caller: CallerContext, @Args('id', { type: () => ID }) id: string) {
    return this.answer(new DisburseSubsidy(originOf(caller), id));
  }

  @Query(() => SubsidyApplication, { nullable: true, description: 'Read from its stream. economic-bureau and auditors only.' })
  @Directive(readsArgument('id', 'SubsidyApplication.id'))
  async subsidyApplication(@Caller() caller: CallerContext, @Args('id', { type: () => ID }) id: string): Promise<SubsidyApplication | null> {
    assertMayReadApplications(actorOf(caller));
    const { state, version, events } = await aggregateStream(this.config.store, applicationStreamId(id), applicationDecider);
    return state.status === 'NONE' ? null : { ...toApplication(state, version), history: historyOf(events) };
  }

  @Query(() => [SubsidyApplication], { description: 'A program’s applications, from the read model. economic-bureau and auditors only.' })
  @Directive(readsArgument('programId', 'SubsidyApplication.programId'))
  async subsidyApplications(@Caller() caller: CallerContext, @Args('programId', { type: () => ID }) programId: string): Promise<SubsidyApplication[]> {
    assertMayReadApplications(actorOf(caller));
    const rows = await this.config.dataSource.manager.find(ApplicationRow, { where: { programId }, order: { applicationId: 'ASC' } });
    return rows.flatMap((row) => (row.state.status === 'NONE' ? [] : [toApplication(row.state, row.streamVersion)]));
  }

  @ResolveField(() => [SubsidyApplicationHistoryEntry])
  async history(@Parent() application: SubsidyApplication): Promise<SubsidyApplicationHistoryEntry[]> {
    return application.history ?? historyOf((await aggregateStream(this.config.store, application.streamId, applicationDecider)).events);
  }
}
