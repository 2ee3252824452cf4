import { INPUT_LIMITS, InvalidTransition, NotFound, ValidationFailed, boundedText, optionalText, type CommandActor, type RecordedActor } from '@shuzhi/shared-kernel';
import { aSubject, evaluateRules, type EligibilityRule, type SubjectFacts } from './eligibility-rules.js';
import { applicantChannelOf, bureauStewardOf } from './stewardship.js';
import type {
  AccessDenial,
  ApplicationChannel,
  ApplicationStatus,
  CheckOutcome,
  GatewaySource,
  SubjectRef,
  SubsidyApplicationChecked,
  SubsidyApplicationEvent,
} from './subsidy-application.events.js';
import type { ProgramState } from './subsidy-program.decider.js';

export interface ApplicationProfile {
  applicationId: string;
  programId: string;
  subject: SubjectRef;
  amount: number;
  channel: ApplicationChannel;
  submittedAt: string;
}

export type LastCheck = Omit<SubsidyApplicationChecked['data'], 'applicationId'>;

export type ApplicationState =
  | { status: 'NONE' }
  | { status: ApplicationStatus; profile: ApplicationProfile; lastCheck: LastCheck | null; decision: { reason: string | null; at: string } | null };

/** What the gateway answered for the subject's facts: the facts, or why it would not give them. */
export type SharedFacts =
  | { available: true; facts: SubjectFacts; source: GatewaySource }
  | { available: false; denied: { code: AccessDenial; reason: string; fields: string[] }; source: GatewaySource };

interface Acting {
  actor: CommandActor;
  now: string;
}

export type ApplicationCommand =
  | ({
      type: 'SubmitSubsidyApplication';
      applicationId: string;
      /** The program as its stream stands. */
      program: ProgramState;
      subject: SubjectRef;
      channel: ApplicationChannel;
    } & Acting)
  | ({ type: 'CheckSubsidyApplication'; rules: readonly EligibilityRule[]; shared: SharedFacts } & Acting)
  | ({ type: 'ApproveSubsidyApplication'; reason: string | null } & Acting)
  | ({ type: 'RejectSubsidyApplication'; reason: string } & Acting)
  | ({ type: 'DisburseSubsidy' } & Acting);

const CREDIT_CODE_SHAPE = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/;
const RESIDENT_ID_SHAPE = /^[A-Za-z0-9_-]{1,64}$/;

/** The shape only: whether the subject exists is the check's to find out, through the gateway. */
const subjectProblem = (subject: SubjectRef): string | undefined => {
  if (subject.kind === 'ENTERPRISE') {
    return CREDIT_CODE_SHAPE.test(subject.id) ? undefined : `an enterprise is named by its 18-character unified social credit code; got ${JSON.stringify(subject.id)}`;
  }
  return RESIDENT_ID_SHAPE.test(subject.id) ? undefined : `a resident is named by their resident id; got ${JSON.stringify(subject.id)}`;
};

/**
 * The calendar day an application was made, in China Standard Time (UTC+8, no daylight saving):
 * ages are reckoned on it, so an applicant who turns 60 that day is 60, whatever the clock's zone.
 */
export const applicationDate = (submittedAt: string): string => new Date(Date.parse(submittedAt) + 8 * 3_600_000).toISOString().slice(0, 10);

type Existing = Exclude<ApplicationState, { status: 'NONE' }>;

const existing = (state: ApplicationState): Existing => {
  if (state.status === 'NONE') throw new NotFound('no subsidy application has this id');
  return state;
};

/**
 * Who may check and whether the application may be checked now. Exported so the check is
 * refused before the facts are read: nobody's data is fetched for a check that cannot happen.
 */
export const checkable = (state: ApplicationState, actor: CommandActor): { by: RecordedActor; current: Existing } => {
  const by = bureauStewardOf(actor, 'checking a subsidy application');
  const current = existing(state);
  if (current.status !== 'SUBMITTED' && current.status !== 'CHECKED') {
    throw new InvalidTransition(current.status, 'CheckSubsidyApplication', 'only an application not yet decided is checked');
  }
  return { by, current };
};

const outcomeOf = (shared: SharedFacts, rules: readonly EligibilityRule[], onDate: string) => {
  if (!shared.available) return { outcome: 'CANNOT_CHECK' as CheckOutcome, verdicts: [], denied: shared.denied };
  const verdicts = evaluateRules(rules, shared.facts, onDate);
  return { outcome: (verdicts.every((v) => v.verdict === 'PASS') ? 'ELIGIBLE' : 'INELIGIBLE') as CheckOutcome, verdicts, denied: null };
};

const subjectMatches = (facts: SubjectFacts, subject: SubjectRef): boolean =>
  facts.kind === subject.kind && (facts.kind === 'ENTERPRISE' ? facts.creditCode : facts.residentId) === subject.id;

export const decide = (command: ApplicationCommand, state: ApplicationState): SubsidyApplicationEvent[] => {
  switch (command.type) {
    case 'SubmitSubsidyApplication': {
      const by: RecordedActor =
        command.channel === 'BATCH' ? bureauStewardOf(command.actor, 'running a program batch') : applicantChannelOf(command.actor);
      const { program, subject } = command;
      if (program.status === 'NONE') throw new NotFound('no subsidy program has this id');
      if (program.status !== 'OPEN') throw new InvalidTransition(program.status, command.type, 'the program takes no more applications');
      if (subject.kind !== program.profile.subject) {
        throw new ValidationFailed(`program ${program.profile.programId} is for ${aSubject(program.profile.subject)}, not ${aSubject(subject.kind)}`, {
          violations: [{ field: 'subjectKind', reason: 'wrong kind of subject' }],
        });
      }
      const problem = subjectProblem(subject);
      if (problem) throw new ValidationFailed(problem, { violations: [{ field: 'subjectId', reason: problem }] });
      if (state.status !== 'NONE') {
        throw new ValidationFailed(`${subject.kind.toLowerCase()} ${subject.id} has applied to program ${program.profile.programId} already (${state.status})`, {
          violations: [{ field: 'subjectId', reason: 'duplicate' }],
          applicationId: state.profile.applicationId,
        });
      }
      return [
        {
          type: 'SubsidyApplicationSubmitted',
          data: {
            applicationId: command.applicationId,
            programId: program.profile.programId,
            subject,
            amount: program.profile.amountPerGrant,
            channel: command.channel,
            by,
            at: command.now,
          },
        },
      ];
    }
    case 'CheckSubsidyApplication': {
      const { by, current } = checkable(state, command.actor);
      if (command.shared.available && !subjectMatches(command.shared.facts, current.profile.subject)) {
        throw new ValidationFailed(`the facts given are not of the applicant ${current.profile.subject.id}`);
      }
      const onDate = applicationDate(current.profile.submittedAt);
      const { outcome, verdicts, denied } = outcomeOf(command.shared, command.rules, onDate);
      return [
        {
          type: 'SubsidyApplicationChecked',
          data: { applicationId: current.profile.applicationId, outcome, onDate, verdicts, denied, source: command.shared.source, by, at: command.now },
        },
      ];
    }
    case 'ApproveSubsidyApplication': {
      const by = bureauStewardOf(command.actor, 'approving a subsidy application');
      const current = existing(state);
      if (current.status !== 'CHECKED') {
        throw new InvalidTransition(current.status, command.type, current.status === 'SUBMITTED' ? 'the application has not been checked (or could not be)' : 'the application is decided already');
      }
      if (current.lastCheck?.outcome !== 'ELIGIBLE') {
        throw new InvalidTransition(current.status, command.type, 'the last check found the applicant ineligible');
      }
      const reason = optionalText(command.reason, 'reason', INPUT_LIMITS.reason, { multiline: true });
      return [{ type: 'SubsidyApplicationApproved', data: { applicationId: current.profile.applicationId, amount: current.profile.amount, reason, by, at: command.now } }];
    }
    case 'RejectSubsidyApplication': {
      const by = bureauStewardOf(command.actor, 'rejecting a subsidy application');
      const current = existing(state);
      if (current.status !== 'SUBMITTED' && current.status !== 'CHECKED') {
        throw new InvalidTransition(current.status, command.type, 'the application is decided already');
      }
      const reason = command.reason?.trim();
      if (!reason) throw new ValidationFailed('a rejection needs a reason the applicant can read', { violations: [{ field: 'reason', reason: 'required' }] });
      boundedText(reason, 'reason', INPUT_LIMITS.reason, { multiline: true });
      return [{ type: 'SubsidyApplicationRejected', data: { applicationId: current.profile.applicationId, reason, by, at: command.now } }];
    }
    case 'DisburseSubsidy': {
      const by = bureauStewardOf(command.actor, 'disbursing a subsidy');
      const current = existing(state);
      if (current.status !== 'APPROVED') {
        throw new InvalidTransition(current.status, command.type, current.status === 'DISBURSED' ? 'the grant is paid already' : 'only an approved application is paid');
      }
      const { applicationId, programId, subject, amount } = current.profile;
      return [
        {
          type: 'SubsidyDisbursed',
          data: { applicationId, programId, beneficiary: subject, amount, paymentReference: `PAY-${applicationId}`, by, at: command.now },
        },
      ];
    }
    default: {
      const exhaustive: never = command;
      return exhaustive;
    }
  }
};

export const evolve = (state: ApplicationState, event: SubsidyApplicationEvent): ApplicationState => {
  if (event.type === 'SubsidyApplicationSubmitted') {
    const { by: _by, at, ...profile } = event.data;
    return { status: 'SUBMITTED', profile: { ...profile, submittedAt: at }, lastCheck: null, decision: null };
  }
  if (state.status === 'NONE') return state;
  switch (event.type) {
    case 'SubsidyApplicationChecked': {
      const { applicationId: _id, ...check } = event.data;
      return { ...state, status: check.outcome === 'CANNOT_CHECK' ? state.status : 'CHECKED', lastCheck: check };
    }
    case 'SubsidyApplicationApproved':
      return { ...state, status: 'APPROVED', decision: { reason: event.data.reason, at: event.data.at } };
    case 'SubsidyApplicationRejected':
      return { ...state, status: 'REJECTED', decision: { reason: event.data.reason, at: event.data.at } };
    case 'SubsidyDisbursed':
      return { ...state, status: 'DISBURSED' };
    default: {
      const exhaustive: never = event;
      return exhaustive;
    }
  }
};

export const applicationDecider = { initialState: { status: 'NONE' } as ApplicationState, decide, evolve };

