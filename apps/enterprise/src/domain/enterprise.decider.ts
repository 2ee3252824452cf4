import {
  Forbidden,
  INPUT_LIMITS,
  InvalidTransition,
  NotFound,
  ValidationFailed,
  boundedText,
  divisionCodeProblem,
  divisionLevelOf,
  hasRole,
  identifier,
  optionalText,
  type CommandActor,
  type RecordedActor,
} from '@shuzhi/shared-kernel';
import { creditCodeProblem, registeringDivisionOf } from './credit-code.js';
import type { EnterpriseEvent, EnterpriseStatus } from './enterprise.events.js';
import { industryCodeProblem } from './industry-code.js';

/** The department that keeps the register (市场监督管理局). */
export const MARKET_REGULATION = 'market-regulation';

export const ENTERPRISE_STREAM_PREFIX = 'enterprise-';
export const enterpriseStreamId = (creditCode: string) => `${ENTERPRISE_STREAM_PREFIX}${creditCode}`;

const MAX_NAME_LENGTH = 100;

export interface EnterpriseProfile {
  creditCode: string;
  name: string;
  legalRepresentativeId: string | null;
  industryCode: string;
  /** 万元. */
  registeredCapital: number | null;
  employees: number | null;
  registeredAt: string;
  /**
   * Where it lies, for contracts scoped to a division: its registered address's street or
   * community, else its registering office's division; null when neither is a division code.
   */
  divisionCode: string | null;
}

export type EnterpriseState = { status: 'NONE' } | { status: EnterpriseStatus; profile: EnterpriseProfile };

/**
 * A resident as population's published events have told this service of them. The register
 * never reads the population service's tables: it keeps its own projection of those events.
 */
export interface ResidentFact {
  residentId: string;
  deceased: boolean;
}

export interface RegisterEnterpriseInput {
  creditCode: string;
  name: string;
  legalRepresentativeId?: string | null;
  industryCode: string;
  registeredCapital?: number | null;
  employees?: number | null;
  /** The street's (9 digits) or community's (12) code of its registered address. */
  divisionCode?: string | null;
}

interface Acting {
  actor: CommandActor;
  now: string;
}

export type EnterpriseCommand =
  | ({
      type: 'RegisterEnterprise';
      input: RegisterEnterpriseInput;
      /** The named legal representative as this service knows them; undefined when unknown or none is named. */
      legalRepresentative: ResidentFact | undefined;
    } & Acting)
  | ({ type: 'SuspendEnterprise'; reason: string } & Acting)
  | ({ type: 'ReactivateEnterprise'; reason: string | null } & Acting)
  | ({ type: 'DeregisterEnterprise'; reason: string } & Acting)
  | ({ type: 'UpdateEnterpriseEmployees'; employees: number; reason: string | null } & Acting)
  | ({
      type: 'ChangeLegalRepresentative';
      legalRepresentativeId: string;
      legalRepresentative: ResidentFact | undefined;
      reason: string | null;
    } & Acting);

interface Violation {
  field: string;
  reason: string;
}

/** Only the register's own stewards write it: the gateway vouches for the caller's department and roles. */
const stewardOf = (actor: CommandActor, what: string): RecordedActor => {
  if (hasRole(actor, 'STEWARD') && actor.department === MARKET_REGULATION) {
    return { clientId: actor.clientId, department: actor.department, role: 'STEWARD' };
  }
  throw new Forbidden(`${what} is for a steward of ${MARKET_REGULATION} (the register's department)`);
};

const requiredReason = (reason: string | null | undefined, what: string): string => {
  const trimmed = reason?.trim();
  if (!trimmed) throw new ValidationFailed(`${what} needs a reason`, { violations: [{ field: 'reason', reason: 'required' }] });
  return boundedText(trimmed, 'reason', INPUT_LIMITS.reason, { multiline: true });
};

const optionalReason = (reason: string | null | undefined): string | null => optionalText(reason, 'reason', INPUT_LIMITS.reason, { multiline: true });

const employeesProblem = (employees: unknown): string | undefined =>
  typeof employees === 'number' && Number.isSafeInteger(employees) && employees >= 0
    ? undefined
    : `employees must be a whole number of at least 0; got ${String(employees)}`;

const capitalProblem = (capital: unknown): string | undefined =>
  typeof capital === 'number' && Number.isFinite(capital) && capital >= 0
    ? undefined
    : `registered capital must be an amount of at least 0 (万元); got ${String(capital)}`;

/** An address lies in a street or a community: a coarser division says no more than the credit code does. */
const addressDivisionProblem = (code: string): string | undefined => {
  const problem = divisionCodeProblem(code);
  if (problem) return problem;
  const level = divisionLevelOf(code);
  return level === 'STREET' || level === 'COMMUNITY' ? undefined : `the division of a registered address is a street's (9 digits) or community's (12 digits) code; ${code} is a ${level}'s`;
};

const nameProblem = (name: string): string | undefined => {
  if (name === '') return 'an enterprise needs a name';
  return name.length > MAX_NAME_LENGTH ? `a name has at most ${MAX_NAME_LENGTH} characters` : undefined;
};

const refuseIfAny = (violations: readonly Violation[], what: string): void => {
  if (violations.length === 0) return;
  throw new ValidationFailed(`${what}: ${violations.map((v) => v.reason).join('; ')}`, { violations });
};

/** The resident a command names as legal representative: known to population's events, and alive. */
const assertLegalRepresentative = (residentId: string, fact: ResidentFact | undefined): void => {
  if (!fact || fact.residentId !== residentId) throw new NotFound(`no resident ${residentId} is known to the population register`);
  if (fact.deceased) {
    throw new ValidationFailed(`resident ${residentId} is deceased and cannot be a legal representative`, {
      violations: [{ field: 'legalRepresentativeId', reason: 'deceased' }],
    });
  }
};

type Registered = Exclude<EnterpriseState, { status: 'NONE' }>;

/** An enterprise that exists and may still change: deregistration is final. */
const changeable = (state: EnterpriseState, command: EnterpriseCommand['type']): Registered => {
  if (state.status === 'NONE') throw new NotFound('no enterprise is registered under this credit code');
  if (state.status === 'DEREGISTERED') {
    throw new InvalidTransition(state.status, command, 'deregistration is final: a deregistered enterprise does not change');
  }
  return state;
};

export const decide = (command: EnterpriseCommand, state: EnterpriseState): EnterpriseEvent[] => {
  switch (command.type) {
    case 'RegisterEnterprise': {
      const by = stewardOf(command.actor, 'registering an enterprise');
      const { input } = command;
      const name = typeof input.name === 'string' ? input.name.trim() : '';
      const legalRepresentativeId = input.legalRepresentativeId == null ? null : input.legalRepresentativeId.trim();
      const divisionCode = input.divisionCode == null ? null : String(input.divisionCode).trim();
      const violations: Violation[] = [];
      const check = (field: string, problem: string | undefined) => {
        if (problem) violations.push({ field, reason: problem });
      };
      check('creditCode', creditCodeProblem(input.creditCode));
      check('name', nameProblem(name));
      check('industryCode', industryCodeProblem(input.industryCode));
      if (input.registeredCapital != null) check('registeredCapital', capitalProblem(input.registeredCapital));
      if (input.employees != null) check('employees', employeesProblem(input.employees));
      check('legalRepresentativeId', legalRepresentativeId === '' ? 'a legal representative id must not be empty' : undefined);
      if (divisionCode !== null) check('divisionCode', addressDivisionProblem(divisionCode));
      refuseIfAny(violations, `enterprise ${input.creditCode} cannot be registered`);
      boundedText(name, 'name', MAX_NAME_LENGTH);
      if (legalRepresentativeId !== null) identifier(legalRepresentativeId, 'legalRepresentativeId');
      if (state.status !== 'NONE') {
        throw new ValidationFailed(`credit code ${input.creditCode} is registered already (${state.profile.name})`, {
          violations: [{ field: 'creditCode', reason: 'duplicate' }],
        });
      }
      if (legalRepresentativeId !== null) assertLegalRepresentative(legalRepresentativeId, command.legalRepresentative);
      return [
        {
          type: 'EnterpriseRegistered',
          data: {
            creditCode: input.creditCode,
            name,
            legalRepresentativeId,
            industryCode: input.industryCode,
            registeredCapital: input.registeredCapital ?? null,
            employees: input.employees ?? null,
            // Left out when not given: the credit code says the rest, as it does for older events.
            ...(divisionCode !== null ? { divisionCode } : {}),
            by,
            at: command.now,
          },
        },
      ];
    }
    case 'SuspendEnterprise': {
      const by = stewardOf(command.actor, 'suspending an enterprise');
      const current = changeable(state, command.type);
      if (current.status !== 'ACTIVE') throw new InvalidTransition(current.status, command.type, 'only an active enterprise is suspended');
      const reason = requiredReason(command.reason, 'a suspension');
      return [{ type: 'EnterpriseSuspended', data: { creditCode: current.profile.creditCode, reason, by, at: command.now } }];
    }
    case 'ReactivateEnterprise': {
      const by = stewardOf(command.actor, 'reactivating an enterprise');
      const current = changeable(state, command.type);
      if (current.status !== 'SUSPENDED') throw new InvalidTransition(current.status, command.type, 'only a suspended enterprise is reactivated');
      const reason = optionalReason(command.reason);
      return [{ type: 'EnterpriseReactivated', data: { creditCode: current.profile.creditCode, reason, by, at: command.now } }];
    }
    case 'DeregisterEnterprise': {
      const by = stewardOf(command.actor, 'deregistering an enterprise');
      const current = changeable(state, command.type);
      const reason = requiredReason(command.reason, 'a deregistration');
      return [{ type: 'EnterpriseDeregistered', data: { creditCode: current.profile.creditCode, reason, by, at: command.now } }];
    }
    case 'UpdateEnterpriseEmployees': {
      const by = stewardOf(command.actor, 'updating the employees of an enterprise');
      const current = changeable(state, command.type);
      const problem = employeesProblem(command.employees);
      if (problem) refuseIfAny([{ field: 'employees', reason: problem }], 'the employees cannot be updated');
      // The same number again changes nothing, so nothing is written: safe to resend.
      if (current.profile.employees === command.employees) return [];
      return [
        {
          type: 'EnterpriseEmployeesUpdated',
          data: {
            creditCode: current.profile.creditCode,
            employees: command.employees,
            previous: current.profile.employees,
            reason: optionalReason(command.reason),
            by,
            at: command.now,
          },
        },
      ];
    }
    case 'ChangeLegalRepresentative': {
      const by = stewardOf(command.actor, 'changing the legal representative of an enterprise');
      const current = changeable(state, command.type);
      const residentId = command.legalRepresentativeId?.trim() ?? '';
      if (residentId === '') {
        throw new ValidationFailed('a legal representative id must not be empty', {
          violations: [{ field: 'legalRepresentativeId', reason: 'required' }],
        });
      }
      identifier(residentId, 'legalRepresentativeId');
      assertLegalRepresentative(residentId, command.legalRepresentative);
      if (current.profile.legalRepresentativeId === residentId) return [];
      return [
        {
          type: 'LegalRepresentativeChanged',
          data: {
            creditCode: current.profile.creditCode,
            legalRepresentativeId: residentId,
            previousLegalRepresentativeId: current.profile.legalRepresentativeId,
            reason: optionalReason(command.reason),
            by,
            at: command.now,
          },
        },
      ];
    }
    default: {
      const exhaustive: never = command;
      return exhaustive;
    }
  }
};

export const evolve = (state: EnterpriseState, event: EnterpriseEvent): EnterpriseState => {
  if (event.type === 'EnterpriseRegistered') {
    const { by: _by, at, divisionCode, ...profile } = event.data;
    return { status: 'ACTIVE', profile: { ...profile, registeredAt: at, divisionCode: divisionCode ?? registeringDivisionOf(profile.creditCode) } };
  }
  if (state.status === 'NONE') return state;
  switch (event.type) {
    case 'EnterpriseSuspended':
      return { ...state, status: 'SUSPENDED' };
    case 'EnterpriseReactivated':
      return { ...state, status: 'ACTIVE' };
    case 'EnterpriseDeregistered':
      return { ...state, status: 'DEREGISTERED' };
    case 'EnterpriseEmployeesUpdated':
      return { ...state, profile: { ...state.profile, employees: event.data.employees } };
    case 'LegalRepresentativeChanged':
      return { ...state, profile: { ...state.profile, legalRepresentativeId: event.data.legalRepresentativeId } };
    default: {
      const exhaustive: never = event;
      return exhaustive;
    }
  }
};

export const enterpriseDecider = { initialState: { status: 'NONE' } as EnterpriseState, decide, evolve };
