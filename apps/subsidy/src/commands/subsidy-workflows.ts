import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ConcurrencyConflict, type CommandResult } from '@shuzhi/event-store';
import { InvalidTransition, NotFound, ValidationFailed } from '@shuzhi/shared-kernel';
import { evaluateRules, type EligibilityRule } from '../domain/eligibility-rules.js';
import { applicationDate, applicationDecider, checkable, type ApplicationState, type SharedFacts } from '../domain/subsidy-application.decider.js';
import type { SubjectRef, SubsidyApplicationEvent } from '../domain/subsidy-application.events.js';
import { subsidyApplicationId } from '../domain/subsidy-ids.js';
import { bureauStewardOf } from '../domain/stewardship.js';
import type { CreateProgramInput, ProgramState } from '../domain/subsidy-program.decider.js';
import { SUBSIDY_CONFIG, type SubsidyConfig } from '../subsidy.config.js';
import type { CommandOrigin } from './command-origin.js';
import { stepAt, SubsidyStreams } from './subsidy-streams.js';

type Result = CommandResult<SubsidyApplicationEvent, ApplicationState>;

/** Submit, check, approve, pay, and room for a few steps another run takes first. */
const MAX_STEPS = 10;

/** What a program run did, counted per application. */
export interface BatchRun {
  programId: string;
  /** Enterprises the register listed under the program's filters. */
  examined: number;
  /** Eligible enterprises that are paid, by this run or an earlier one. */
  eligible: number;
  submitted: number;
  approved: number;
  disbursed: number;
  /** Eligible enterprises paid by an earlier run (or by hand): nothing was paid again. */
  alreadyDisbursed: number;
  /** Why the run stopped before the end (cannot check, budget spent); null when it went through. */
  stoppedBecause: string | null;
}

/**
 * The bureau's use cases, each a sequence of single-stream decisions. Approval touches two
 * streams: the grant is reserved on the program first, then the application approved, so a
 * crash in between leaves money reserved but never an approval without budget; the
 * reservation is per application, so retrying the approval finds it and reserves nothing more.
 */
@Injectable()
export class SubsidyWorkflows {
  constructor(
    @Inject(SUBSIDY_CONFIG) private readonly config: SubsidyConfig,
    private readonly streams: SubsidyStreams,
  ) {}

  async createProgram(origin: CommandOrigin, requestedId: string | null, input: CreateProgramInput) {
    const programId = requestedId ?? randomUUID();
    return this.streams.changeProgram(origin, programId, { type: 'CreateSubsidyProgram', programId, input });
  }

  async closeProgram(origin: CommandOrigin, programId: string, reason: string) {
    return this.streams.changeProgram(origin, programId, { type: 'CloseSubsidyProgram', reason });
  }

  async apply(origin: CommandOrigin, programId: string, subject: SubjectRef): Promise<Result> {
    const { state: program } = await this.streams.program(programId);
    const applicationId = subsidyApplicationId(programId, subject.kind, subject.id);
    return this.streams.changeApplication(origin, applicationId, { type: 'SubmitSubsidyApplication', applicationId, program, subject, channel: 'APPLICATION' });
  }

  /** Reads the applicant's facts through the gateway and records the verdicts, whatever they are. */
  async check(origin: CommandOrigin, applicationId: string): Promise<Result> {
    const { state } = await this.streams.application(applicationId);
    const { current } = checkable(state, origin.actor);
    const rules = await this.rulesOf(current.profile.programId);
    const { subject } = current.profile;
    const shared =
      subject.kind === 'ENTERPRISE'
        ? await this.config.sharedData.enterprise(subject.id, rules)
        : await this.config.sharedData.resident(subject.id, rules);
    return this.streams.changeApplication(origin, applicationId, { type: 'CheckSubsidyApplication', rules, shared });
  }

  /** `inBatch`: the approval is a step decided on the state read here, as every batch step is. */
  async approve(origin: CommandOrigin, applicationId: string, reason: string | null, inBatch = false): Promise<Result> {
    const { state, version } = await this.streams.application(applicationId);
    // Decided here first, without writing, so no budget is reserved for an approval that would be refused.
    applicationDecider.decide({ type: 'ApproveSubsidyApplication', reason, actor: origin.actor, now: this.config.clock.now().toISOString() }, state);
    if (state.status === 'NONE') throw new NotFound(`no subsidy application ${applicationId}`);
    await this.streams.changeProgram(origin, state.profile.programId, { type: 'ReserveSubsidyGrant', applicationId }, { name: `reserve/${applicationId}` });
    return this.streams.changeApplication(origin, applicationId, { type: 'ApproveSubsidyApplication', reason }, inBatch ? stepAt('approve', version) : undefined);
  }

  async reject(origin: CommandOrigin, applicationId: string, reason: string): Promise<Result> {
    return this.streams.changeApplication(origin, applicationId, { type: 'RejectSubsidyApplication', reason });
  }

  async disburse(origin: CommandOrigin, applicationId: string): Promise<Result> {
    // One payment per application, even when two disbursements race: its event id is the application's.
    return this.streams.changeApplication(origin, applicationId, { type: 'DisburseSubsidy' }, { name: 'disburse' });
  }

  private async rulesOf(programId: string): Promise<EligibilityRule[]> {
    const { state } = await this.streams.program(programId);
    if (state.status === 'NONE') throw new NotFound(`no subsidy program ${programId}`);
    return state.profile.rules;
  }

  /**
   * 免申即享: every enterprise the program's rules admit gets an application, a check, an
   * approval and a payment, without applying. Application ids come from program + enterprise
   * and event ids from the state each step was decided on, so a second run finds every step
   * done and appends nothing: run it twice, pay once.
   */
  async runBatch(origin: CommandOrigin, programId: string): Promise<BatchRun> {
    bureauStewardOf(origin.actor, 'running a program batch');
    const { state: program } = await this.streams.program(programId);
    if (program.status === 'NONE') throw new NotFound(`no subsidy program ${programId}`);
    if (program.profile.subject !== 'ENTERPRISE') {
      throw new ValidationFailed(`program ${programId} is for residents; a batch run lists enterprises`, { violations: [{ field: 'programId', reason: 'not an enterprise program' }] });
    }
    const run: BatchRun = { programId, examined: 0, eligible: 0, submitted: 0, approved: 0, disbursed: 0, alreadyDisbursed: 0, stoppedBecause: null };
    const seen = new Set<string>();
    for await (const page of this.config.sharedData.enterprisePages(program.profile.rules)) {
      if (!page.available) {
        run.stoppedBecause = page.denied.reason;
        return run;
      }
      for (const facts of page.facts) {
        if (seen.has(facts.creditCode)) continue;
        seen.add(facts.creditCode);
        run.examined++;
        const shared: SharedFacts = { available: true, facts, source: page.source };
        const stopped = await this.payIfEligible(origin, program, shared, run);
        if (stopped) {
          run.stoppedBecause = stopped;
          return run;
        }
      }
    }
    return run;
  }

  /**
   * One enterprise of a run: its application is moved from wherever it stands to paid, a step
   * at a time, each decided on the state just read. Submitting, checking and approving are
   * written only onto that state; paying is once per application by its event id. Another run
   * doing the same steps at once either writes the same event ids first (this one's append is
   * then a no-op, and not counted) or moves the application on, and this one meets a conflict or
   * a refused transition; either way it reads again and goes on from the newer state. Answers
   * why the run must stop, if it must.
   */
  private async payIfEligible(
    origin: CommandOrigin,
    program: Exclude<ProgramState, { status: 'NONE' }>,
    shared: Extract<SharedFacts, { available: true }>,
    run: BatchRun,
  ): Promise<string | undefined> {
    const { programId, rules } = program.profile;
    if (shared.facts.kind !== 'ENTERPRISE') return undefined;
    const subject: SubjectRef = { kind: 'ENTERPRISE', id: shared.facts.creditCode };
    const applicationId = subsidyApplicationId(programId, subject.kind, subject.id);
    let didSomething = false;
    for (let attempt = 0; attempt < MAX_STEPS; attempt++) {
      const { state, version } = await this.streams.application(applicationId);
      try {
        // What this run appended: nothing when the other run wrote the same step first.
        let appended: readonly unknown[];
        switch (state.status) {
          case 'NONE': {
            // The page's facts say whether the enterprise is a candidate at all; the recorded
            // check evaluates the same rules on the same facts, on the application's date.
            const verdicts = evaluateRules(rules, shared.facts, applicationDate(this.config.clock.now().toISOString()));
            if (program.status !== 'OPEN' || !verdicts.every((v) => v.verdict === 'PASS')) return undefined;
            const submit = { type: 'SubmitSubsidyApplication', applicationId, program, subject, channel: 'BATCH' } as const;
            ({ events: appended } = await this.streams.changeApplication(origin, applicationId, submit, stepAt('submit', version)));
            if (appended.length > 0) run.submitted++;
            break;
          }
          case 'SUBMITTED':
            ({ events: appended } = await this.streams.changeApplication(origin, applicationId, { type: 'CheckSubsidyApplication', rules, shared }, stepAt('check', version)));
            break;
          case 'CHECKED':
            if (state.lastCheck?.outcome !== 'ELIGIBLE') return undefined;
            ({ events: appended } = await this.approve(origin, applicationId, 'program batch run', true));
            if (appended.length > 0) run.approved++;
            break;
          case 'APPROVED':
            ({ events: appended } = await this.disburse(origin, applicationId));
            if (appended.length > 0) run.disbursed++;
            break;
          case 'DISBURSED':
            run.eligible++;
            if (!didSomething) run.alreadyDisbursed++;
            return undefined;
          case 'REJECTED':
            return undefined;
          default: {
            const exhaustive: never = state;
            return exhaustive;
          }
        }
        if (appended.length > 0) didSomething = true;
      } catch (error) {
        // The budget is spent: no later enterprise can be approved either.
        if (error instanceof InvalidTransition && error.details.command === 'ReserveSubsidyGrant') return `stopped at ${subject.id}: ${error.message}`;
        // Another run moved the application on first: read it again.
        if (error instanceof ConcurrencyConflict || error instanceof InvalidTransition) continue;
        throw error;
      }
    }
    throw new Error(`application ${applicationId} kept changing under the batch run; run it again`);
  }
}
