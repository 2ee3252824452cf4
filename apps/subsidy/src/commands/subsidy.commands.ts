import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { SubjectRef } from '../domain/subsidy-application.events.js';
import type { CreateProgramInput } from '../domain/subsidy-program.decider.js';
import type { CommandOrigin } from './command-origin.js';
import { SubsidyWorkflows } from './subsidy-workflows.js';

/** The bus's commands: each carries the caller and what they asked; the workflows do the rest. */

export class CreateSubsidyProgram {
  constructor(readonly origin: CommandOrigin, readonly programId: string | null, readonly input: CreateProgramInput) {}
}

export class CloseSubsidyProgram {
  constructor(readonly origin: CommandOrigin, readonly programId: string, readonly reason: string) {}
}

export class ApplyForSubsidy {
  constructor(readonly origin: CommandOrigin, readonly programId: string, readonly subject: SubjectRef) {}
}

export class CheckSubsidyApplication {
  constructor(readonly origin: CommandOrigin, readonly applicationId: string) {}
}

export class ApproveSubsidyApplication {
  constructor(readonly origin: CommandOrigin, readonly applicationId: string, readonly reason: string | null) {}
}

export class RejectSubsidyApplication {
  constructor(readonly origin: CommandOrigin, readonly applicationId: string, readonly reason: string) {}
}

export class DisburseSubsidy {
  constructor(readonly origin: CommandOrigin, readonly applicationId: string) {}
}

export class RunSubsidyBatch {
  constructor(readonly origin: CommandOrigin, readonly programId: string) {}
}

@CommandHandler(CreateSubsidyProgram)
export class CreateSubsidyProgramHandler implements ICommandHandler<CreateSubsidyProgram> {
  constructor(private readonly workflows: SubsidyWorkflows) {}
  execute({ origin, programId, input }: CreateSubsidyProgram) {
    return this.workflows.createProgram(origin, programId, input);
  }
}

@CommandHandler(CloseSubsidyProgram)
export class CloseSubsidyProgramHandler implements ICommandHandler<CloseSubsidyProgram> {
  constructor(private readonly workflows: SubsidyWorkflows) {}
  execute({ origin, programId, reason }: CloseSubsidyProgram) {
    return this.workflows.closeProgram(origin, programId, reason);
  }
}

@CommandHandler(ApplyForSubsidy)
export class ApplyForSubsidyHandler implements ICommandHandler<ApplyForSubsidy> {
  constructor(private readonly workflows: SubsidyWorkflows) {}
  execute({ origin, programId, subject }: ApplyForSubsidy) {
    return this.workflows.apply(origin, programId, subject);
  }
}

@CommandHandler(CheckSubsidyApplication)
export class CheckSubsidyApplicationHandler implements ICommandHandler<CheckSubsidyApplication> {
  constructor(private readonly workflows: SubsidyWorkflows) {}
  execute({ origin, applicationId }: CheckSubsidyApplication) {
    return this.workflows.check(origin, applicationId);
  }
}

@CommandHandler(ApproveSubsidyApplication)
export class ApproveSubsidyApplicationHandler implements ICommandHandler<ApproveSubsidyApplication> {
  constructor(private readonly workflows: SubsidyWorkflows) {}
  execute({ origin, applicationId, reason }: ApproveSubsidyApplication) {
    return this.workflows.approve(origin, applicationId, reason);
  }
}

@CommandHandler(RejectSubsidyApplication)
export class RejectSubsidyApplicationHandler implements ICommandHandler<RejectSubsidyApplication> {
  constructor(private readonly workflows: SubsidyWorkflows) {}
  execute({ origin, applicationId, reason }: RejectSubsidyApplication) {
    return this.workflows.reject(origin, applicationId, reason);
  }
}

@CommandHandler(DisburseSubsidy)
export class DisburseSubsidyHandler implements ICommandHandler<DisburseSubsidy> {
  constructor(private readonly workflows: SubsidyWorkflows) {}
  execute({ origin, applicationId }: DisburseSubsidy) {
    return this.workflows.disburse(origin, applicationId);
  }
}

@CommandHandler(RunSubsidyBatch)
export class RunSubsidyBatchHandler implements ICommandHandler<RunSubsidyBatch> {
  constructor(private readonly workflows: SubsidyWorkflows) {}
  execute({ origin, programId }: RunSubsidyBatch) {
    return this.workflows.runBatch(origin, programId);
  }
}

export const SUBSIDY_COMMAND_HANDLERS = [
  CreateSubsidyProgramHandler,
  CloseSubsidyProgramHandler,
  ApplyForSubsidyHandler,
  CheckSubsidyApplicationHandler,
  ApproveSubsidyApplicationHandler,
  RejectSubsidyApplicationHandler,
  DisburseSubsidyHandler,
  RunSubsidyBatchHandler,
];
