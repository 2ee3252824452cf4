import { INPUT_LIMITS, InvalidTransition, NotFound, ValidationFailed, boundedList, boundedText, type CommandActor } from '@shuzhi/shared-kernel';
import { parseRules, type EligibilityRule, type RuleInput, type SubjectKind } from './eligibility-rules.js';
import { bureauStewardOf } from './stewardship.js';
import type { ProgramStatus, SubsidyProgramEvent } from './subsidy-program.events.js';

export interface ProgramProfile {
  programId: string;
  name: string;
  subject: SubjectKind;
  rules: EligibilityRule[];
  budget: number;
  amountPerGrant: number;
  createdAt: string;
}

export type ProgramState =
  | { status: 'NONE' }
  | { status: ProgramStatus; profile: ProgramProfile; reservedTotal: number; reservedFor: string[]; closedReason: string | null };

export interface CreateProgramInput {
  name: string;
  subject: SubjectKind;
  rules: readonly RuleInput[];
  budget: number;
  amountPerGrant: number;
}

interface Acting {
  actor: CommandActor;
  now: string;
}

export type ProgramCommand =
  | ({ type: 'CreateSubsidyProgram'; programId: string; input: CreateProgramInput } & Acting)
  | ({ type: 'CloseSubsidyProgram'; reason: string } & Acting)
  | ({ type: 'ReserveSubsidyGrant'; applicationId: string } & Acting);

const PROGRAM_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
const MAX_NAME_LENGTH = 100;

const positiveYuan = (value: unknown): boolean => typeof value === 'number' && Number.isSafeInteger(value) && value > 0;

type Existing = Exclude<ProgramState, { status: 'NONE' }>;

const existing = (state: ProgramState): Existing => {
  if (state.status === 'NONE') throw new NotFound('no subsidy program has this id');
  return state;
};

export const decide = (command: ProgramCommand, state: ProgramState): SubsidyProgramEvent[] => {
  switch (command.type) {
    case 'CreateSubsidyProgram': {
      const by = bureauStewardOf(command.actor, 'creating a subsidy program');
      const { input } = command;
      const name = typeof input.name === 'string' ? input.name.trim() : '';
      boundedList(input.rules, 'rules');
      const { rules, violations } = parseRules(input.subject, input.rules);
      if (!PROGRAM_ID.test(command.programId)) {
        violations.push({ field: 'id', reason: 'a program id is 1-64 lower-case letters, digits and hyphens, starting with a letter or digit' });
      }
      if (name === '' || name.length > MAX_NAME_LENGTH) violations.push({ field: 'name', reason: `a program needs a name of 1-${MAX_NAME_LENGTH} characters` });
      if (!positiveYuan(input.budget)) violations.push({ field: 'budget', reason: `the budget is a whole number of yuan above 0; got ${String(input.budget)}` });
      if (!positiveYuan(input.amountPerGrant)) {
        violations.push({ field: 'amountPerGrant', reason: `the amount per grant is a whole number of yuan above 0; got ${String(input.amountPerGrant)}` });
      } else if (positiveYuan(input.budget) && input.amountPerGrant > input.budget) {
        violations.push({ field: 'amountPerGrant', reason: `one grant (${input.amountPerGrant} 元) exceeds the whole budget (${input.budget} 元)` });
      }
      if (violations.length > 0) {
        throw new ValidationFailed(`the program cannot be created: ${violations.map((v) => `${v.field}: ${v.reason}`).join('; ')}`, { violations });
      }
      boundedText(name, 'name', MAX_NAME_LENGTH);
      if (state.status !== 'NONE') {
        throw new ValidationFailed(`a program ${command.programId} exists already (${state.profile.name})`, { violations: [{ field: 'id', reason: 'duplicate' }] });
      }
      return [
        {
          type: 'SubsidyProgramCreated',
          data: { programId: command.programId, name, subject: input.subject, rules, budget: input.budget, amountPerGrant: input.amountPerGrant, by, at: command.now },
        },
      ];
    }
    case 'CloseSubsidyProgram': {
      const by = bureauStewardOf(command.actor, 'closing a subsidy program');
      const current = existing(state);
      if (current.status !== 'OPEN') throw new InvalidTransition(current.status, command.type, 'the program is closed already');
      const reason = command.reason?.trim();
      if (!reason) throw new ValidationFailed('closing a program needs a reason', { violations: [{ field: 'reason', reason: 'required' }] });
      boundedText(reason, 'reason', INPUT_LIMITS.reason, { multiline: true });
      return [{ type: 'SubsidyProgramClosed', data: { programId: current.profile.programId, reason, by, at: command.now } }];
    }
    case 'ReserveSubsidyGrant': {
      const by = bureauStewardOf(command.actor, 'approving a subsidy');
      const current = existing(state);
      // Reserved once per application: an approval retried after a crash finds its reservation.
      if (current.reservedFor.includes(command.applicationId)) return [];
      if (current.status !== 'OPEN') throw new InvalidTransition(current.status, command.type, 'a closed program approves no more grants');
      const { amountPerGrant: amount, budget, programId } = current.profile;
      if (current.reservedTotal + amount > budget) {
        throw new InvalidTransition(
          current.status,
          command.type,
          `the budget is spent: ${current.reservedTotal} of ${budget} 元 is committed, and a grant is ${amount} 元`,
        );
      }
      return [
        {
          type: 'SubsidyGrantReserved',
          data: { programId, applicationId: command.applicationId, amount, reservedTotal: current.reservedTotal + amount, by, at: command.now },
        },
      ];
    }
    default: {
      const exhaustive: never = command;
      return exhaustive;
    }
  }
};

export const evolve = (state: ProgramState, event: SubsidyProgramEvent): ProgramState => {
  if (event.type === 'SubsidyProgramCreated') {
    const { by: _by, at, ...profile } = event.data;
    return { status: 'OPEN', profile: { ...profile, createdAt: at }, reservedTotal: 0, reservedFor: [], closedReason: null };
  }
  if (state.status === 'NONE') return state;
  switch (event.type) {
    case 'SubsidyProgramClosed':
      return { ...state, status: 'CLOSED', closedReason: event.data.reason };
    case 'SubsidyGrantReserved':
      return { ...state, reservedTotal: event.data.reservedTotal, reservedFor: [...state.reservedFor, event.data.applicationId] };
    default: {
      const exhaustive: never = event;
      return exhaustive;
    }
  }
};

export const programDecider = { initialState: { status: 'NONE' } as ProgramState, decide, evolve };
