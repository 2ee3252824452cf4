import {
  Forbidden,
  INPUT_LIMITS,
  InvalidTransition,
  NotFound,
  ValidationFailed,
  boundedList,
  boundedText,
  divisionOf,
  hasRole,
  identifier,
  liesWithinDivision,
  optionalText,
  type CommandActor,
  type RecordedActor,
  type Role,
} from '@shuzhi/shared-kernel';
import { COMPLIANCE_REVIEW_WORKING_DAYS, PROVIDER_REVIEW_WORKING_DAYS, addWorkingDays } from '../working-days.js';
import {
  DIVISION_CODE_FIELD,
  MASK_RULES,
  contractStatusAfter,
  describeRebuilt,
  rebuiltFields,
  type ContractEvent,
  type ContractStatus,
  type ContractTerms,
  type DatasetView,
  type DepartmentLevel,
  type MaskRule,
  type ReviewStage,
} from '@shuzhi/governance-events';

export type { ContractStatus };

export type ContractState =
  | { status: 'NONE' }
  | { status: ContractStatus; terms: ContractTerms; review: { stage: ReviewStage; deadline: string; overdue: boolean } | null };

/** The data bureau: where overdue reviews escalate. */
export const DATA_BUREAU = 'data-bureau';

export interface SubmitContractInput {
  datasetCode: string;
  fields: string[];
  purpose: string;
  legalBasis: string;
  scenario?: string | null;
  validFrom: string;
  validTo: string;
  dailyQuota?: number | null;
  masking?: Array<{ field: string; rule: MaskRule }> | null;
  consentRequired?: boolean | null;
  /**
   * A division (GB/T 2260 code, or a province's 2 or city's 4 leading digits) the contract is
   * scoped to. Absent: the consumer's own division, or the whole area for a department without one.
   */
  divisionScope?: string | null;
}

/** What the data bureau gives a district's or street's office in a 回流 grant: a request's terms, its scope aside. */
export interface ReturnFlowGrantInput extends Omit<SubmitContractInput, 'divisionScope' | 'validFrom'> {
  departmentCode: string;
  /** Absent: from now. */
  validFrom?: string | null;
  /** The bureau found the law that lets the sensitive personal fields be shared without consent. */
  statutoryBasis?: boolean | null;
  reason?: string | null;
}

/** The department a 回流 grant is for, with its area as its stream stands. */
export interface ReturnFlowOffice {
  code: string;
  level: DepartmentLevel | null;
  divisionCode: string | null;
}

interface Acting {
  actor: CommandActor;
  now: string;
}

export type ContractCommand =
  | ({
      type: 'SubmitContract';
      contractId: string;
      input: SubmitContractInput;
      /** The dataset as its stream stands; undefined when there is no such dataset. */
      dataset: DatasetView | undefined;
      purposeRegistered: boolean;
      /** The caller's department's division; null for one serving the whole area (or not registered). */
      consumerDivision: string | null;
      /** The rows of the dataset's type say which division they lie in: its provider's subgraphs resolve their `divisionCode`. */
      rowsPlaced: boolean;
    } & Acting)
  | ({
      type: 'GrantReturnFlowContract';
      contractId: string;
      input: ReturnFlowGrantInput;
      /** The office the grant is for; undefined when no department has the code. */
      department: ReturnFlowOffice | undefined;
      dataset: DatasetView | undefined;
      purposeRegistered: boolean;
      /** As for a request. */
      rowsPlaced: boolean;
    } & Acting)
  | ({
      type: 'CompleteComplianceReview';
      approved: boolean;
      reason: string | null;
      /** The reviewer found a law that lets the sensitive personal fields be shared without consent. */
      statutoryBasis: boolean;
    } & Acting)
  | ({ type: 'ApproveContract'; reason: string | null } & Acting)
  | ({ type: 'RejectContract'; reason: string } & Acting)
  | ({ type: 'SuspendContract'; reason: string } & Acting)
  | ({ type: 'ResumeContract'; reason: string | null } & Acting)
  | ({ type: 'RevokeContract'; reason: string } & Acting)
  | { type: 'ExpireContract'; now: string }
  | { type: 'MarkReviewOverdue'; now: string };

const FINAL: ReadonlySet<ContractStatus> = new Set(['REJECTED', 'REVOKED', 'EXPIRED']);

const recorded = (actor: CommandActor, role: Role): RecordedActor => ({
  clientId: actor.clientId,
  department: actor.department,
  role,
});

const requireReason = (reason: string | null | undefined, command: string): string => {
  if (!reason || reason.trim() === '') throw new ValidationFailed(`${command} needs a reason`, { field: 'reason' });
  return boundedText(reason, 'reason', INPUT_LIMITS.reason, { multiline: true });
};

/** A reason given where none is needed is bounded all the same. */
const checkOptionalReason = (reason: string | null): void => {
  optionalText(reason, 'reason', INPUT_LIMITS.reason, { multiline: true });
};

/** The provider's steward, or the data bureau acting as the platform. */
const providerOrPlatform = (actor: CommandActor, terms: ContractTerms, command: string): RecordedActor => {
  if (hasRole(actor, 'STEWARD') && actor.department === terms.providerDepartment) return recorded(actor, 'STEWARD');
  if (hasRole(actor, 'PLATFORM')) return recorded(actor, 'PLATFORM');
  throw new Forbidden(
    `${command}: only a steward of ${terms.providerDepartment} (the provider) or the platform may do this`,
  );
};

export const decide = (command: ContractCommand, state: ContractState): ContractEvent[] => {
  if (command.type === 'SubmitContract' || command.type === 'GrantReturnFlowContract') {
    if (state.status !== 'NONE') throw new InvalidTransition(state.status, command.type, 'this contract id is taken');
    return command.type === 'SubmitContract' ? submit(command) : grantReturnFlow(command);
  }
  if (state.status === 'NONE') throw new NotFound('no sharing contract with this id');
  const { terms } = state;

  switch (command.type) {
    case 'CompleteComplianceReview': {
      if (!hasRole(command.actor, 'PLATFORM')) throw new Forbidden('compliance review is the data bureau\'s (PLATFORM role)');
      if (state.status !== 'COMPLIANCE_REVIEW') throw new InvalidTransition(state.status, command.type);
      const by = recorded(command.actor, 'PLATFORM');
      checkOptionalReason(command.reason);
      if (!command.approved) {
        const reason = requireReason(command.reason, 'rejecting a request');
        return [{ type: 'ContractRejected', data: { by, at: command.now, reason, stage: 'COMPLIANCE' } }];
      }
      assertLawfulWithoutConsent(terms, command.statutoryBasis, 'approve it only with statutoryBasis', 'reject it so that it is requested with consent');
      const passed: ContractEvent = {
        type: 'ComplianceReviewPassed',
        data: { by, at: command.now, reason: command.reason, ...(command.statutoryBasis ? { statutoryBasis: true } : {}) },
      };
      // An unconditionally shared dataset needs no provider decision (DESIGN.md, Governance).
      if (terms.sharingType === 'UNCONDITIONAL') return [passed, { type: 'ContractActivated', data: { at: command.now } }];
      return [passed, reviewOpened('PROVIDER', command.now)];
    }
    case 'ApproveContract': {
      if (command.actor.department === terms.consumerDepartment) {
        throw new Forbidden('a consumer cannot approve its own request');
      }
      if (!hasRole(command.actor, 'STEWARD') || command.actor.department !== terms.providerDepartment) {
        throw new Forbidden(`only a steward of ${terms.providerDepartment}, the provider of ${terms.datasetCode}, may approve`);
      }
      if (state.status !== 'PROVIDER_REVIEW') throw new InvalidTransition(state.status, command.type);
      checkOptionalReason(command.reason);
      const by = recorded(command.actor, 'STEWARD');
      return [
        { type: 'ContractApproved', data: { by, at: command.now, reason: command.reason } },
        { type: 'ContractActivated', data: { at: command.now } },
      ];
    }
    case 'RejectContract': {
      const reason = requireReason(command.reason, command.type);
      if (state.status === 'COMPLIANCE_REVIEW') {
        if (!hasRole(command.actor, 'PLATFORM')) throw new Forbidden('during compliance review only the platform may reject');
        return [{ type: 'ContractRejected', data: { by: recorded(command.actor, 'PLATFORM'), at: command.now, reason, stage: 'COMPLIANCE' } }];
      }
      if (state.status === 'PROVIDER_REVIEW') {
        if (!hasRole(command.actor, 'STEWARD') || command.actor.department !== terms.providerDepartment) {
          throw new Forbidden(`only a steward of ${terms.providerDepartment}, the provider, may reject now`);
        }
        return [{ type: 'ContractRejected', data: { by: recorded(command.actor, 'STEWARD'), at: command.now, reason, stage: 'PROVIDER' } }];
      }
      throw new InvalidTransition(state.status, command.type);
    }
    case 'SuspendContract': {
      const by = providerOrPlatform(command.actor, terms, command.type);
      const reason = requireReason(command.reason, command.type);
      if (state.status !== 'ACTIVE') throw new InvalidTransition(state.status, command.type);
      return [{ type: 'ContractSuspended', data: { by, at: command.now, reason } }];
    }
    case 'ResumeContract': {
      const by = providerOrPlatform(command.actor, terms, command.type);
      if (state.status !== 'SUSPENDED') throw new InvalidTransition(state.status, command.type);
      if (command.now >= terms.validTo) throw new InvalidTransition(state.status, command.type, 'its validity window has ended');
      checkOptionalReason(command.reason);
      return [{ type: 'ContractResumed', data: { by, at: command.now, reason: command.reason } }];
    }
    case 'RevokeContract': {
      const consumer = command.actor.department === terms.consumerDepartment && (hasRole(command.actor, 'STEWARD') || hasRole(command.actor, 'CONSUMER'));
      const by = consumer
        ? recorded(command.actor, hasRole(command.actor, 'STEWARD') ? 'STEWARD' : 'CONSUMER')
        : providerOrPlatform(command.actor, terms, command.type);
      const reason = requireReason(command.reason, command.type);
      if (state.status !== 'ACTIVE' && state.status !== 'SUSPENDED') throw new InvalidTransition(state.status, command.type);
      return [{ type: 'ContractRevoked', data: { by, at: command.now, reason } }];
    }
    case 'ExpireContract':
      // Timers may fire late or twice: an early, repeated or final case decides nothing.
      if (FINAL.has(state.status) || command.now < terms.validTo) return [];
      return [{ type: 'ContractExpired', data: { at: command.now } }];
    case 'MarkReviewOverdue': {
      const { review } = state;
      if (!review || review.overdue || command.now <= review.deadline) return [];
      if (state.status !== 'COMPLIANCE_REVIEW' && state.status !== 'PROVIDER_REVIEW') return [];
      return [
        { type: 'ReviewOverdue', data: { stage: review.stage, deadline: review.deadline, at: command.now, escalatedTo: DATA_BUREAU } },
      ];
    }
    default: {
      const exhaustive: never = command;
      return exhaustive;
    }
  }
};

/**
 * PIPL art. 13 and 28–29: sensitive personal information is processed with the person's
 * consent, or where a law or administrative regulation provides for it.
 */
const assertLawfulWithoutConsent = (terms: ContractTerms, statutoryBasis: boolean, withBasis: string, otherwise: string): void => {
  const sensitive = terms.consentRequired ? [] : (terms.sensitiveFields ?? []);
  if (sensitive.length > 0 && !statutoryBasis) {
    throw new ValidationFailed(
      `${sensitive.join(', ')} ${sensitive.length === 1 ? 'is' : 'are'} sensitive personal information and the terms do not ` +
        `require the subjects' consent: ${withBasis}, having found the law that provides for sharing it ` +
        `(PIPL art. 13 and 28–29), or ${otherwise}`,
      { fields: sensitive, field: 'statutoryBasis' },
    );
  }
};

const reviewOpened = (stage: ReviewStage, now: string): ContractEvent => ({
  type: 'ReviewOpened',
  data: {
    stage,
    at: now,
    deadline: addWorkingDays(now, stage === 'COMPLIANCE' ? COMPLIANCE_REVIEW_WORKING_DAYS : PROVIDER_REVIEW_WORKING_DAYS),
  },
});

/** The dataset a request or grant is for, as far as it can be shared with `consumer` at all. */
const shareableDataset = (dataset: DatasetView | undefined, code: string, consumer: string): DatasetView => {
  if (!dataset) throw new NotFound(`no dataset ${code}`, { field: 'datasetCode' });
  if (dataset.sharingType === 'NOT_SHARED') {
    throw new Forbidden(`dataset ${dataset.code} is catalogued as not shared (NOT_SHARED)`);
  }
  if (dataset.providerDepartment === consumer) {
    throw new ValidationFailed(`${consumer} provides ${dataset.code}: a department needs no contract for its own data`);
  }
  return dataset;
};

/**
 * The terms of a request or a grant, checked as the provider and the gateway will rely on them:
 * fields of the current schema, a window, a quota, masks that hide what they mask.
 */
const termsOf = (
  contractId: string,
  consumerDepartment: string,
  dataset: DatasetView,
  input: Omit<SubmitContractInput, 'divisionScope'>,
  now: string,
): ContractTerms => {
  boundedList(input.fields, 'fields').forEach((field) => identifier(field, 'fields'));
  const fields = [...new Set(input.fields)];
  if (fields.length === 0) throw new ValidationFailed('a request names at least one field', { field: 'fields' });
  const known = new Set(dataset.fields.map((f) => f.name));
  const unknown = fields.filter((f) => !known.has(f));
  if (unknown.length > 0) {
    throw new ValidationFailed(`${dataset.code} has no field ${unknown.join(', ')} in its current schema`, {
      fields: unknown.map((f) => `${dataset.code}.${f}`),
    });
  }
  if (!input.legalBasis || input.legalBasis.trim() === '') {
    throw new ValidationFailed('a request states its legal basis', { field: 'legalBasis' });
  }
  boundedText(input.legalBasis, 'legalBasis', INPUT_LIMITS.reason, { multiline: true });
  const validFrom = Date.parse(input.validFrom);
  const validTo = Date.parse(input.validTo);
  if (Number.isNaN(validFrom) || Number.isNaN(validTo)) throw new ValidationFailed('validFrom and validTo must be dates');
  if (validTo <= validFrom) throw new ValidationFailed('validTo must be after validFrom', { field: 'validTo' });
  if (validTo <= Date.parse(now)) throw new ValidationFailed('validTo is already past', { field: 'validTo' });
  const quota = input.dailyQuota ?? null;
  if (quota !== null && (!Number.isSafeInteger(quota) || quota < 1)) {
    throw new ValidationFailed('dailyQuota must be a whole number of at least 1', { field: 'dailyQuota' });
  }
  const masking = [...boundedList(input.masking, 'masking')];
  for (const { field, rule } of masking) {
    identifier(field, 'masking');
    if (!fields.includes(field)) throw new ValidationFailed(`masking names ${field}, which the request does not ask for`);
    if (!MASK_RULES.includes(rule)) throw new ValidationFailed(`unknown mask rule ${rule}`);
  }
  if (new Set(masking.map((m) => m.field)).size !== masking.length) {
    throw new ValidationFailed('masking names a field twice');
  }
  // A mask the other fields undo protects nothing: such a request is refused as it stands.
  const catalogued = new Map(dataset.fields.map((f) => [f.name, f]));
  const rebuilt = rebuiltFields(
    fields.map((name) => ({ name, format: catalogued.get(name)?.format, mask: masking.find((m) => m.field === name)?.rule ?? 'NONE' })),
  );
  if (rebuilt.length > 0) {
    throw new ValidationFailed(
      `the masks of this request hide nothing: ${describeRebuilt(rebuilt)}; mask those fields too, hash the masked one, or leave it out`,
      { fields: rebuilt.map((r) => `${dataset.code}.${r.field}`) },
    );
  }
  const sensitiveFields = fields.filter((name) => catalogued.get(name)?.classification === 'SENSITIVE_PERSONAL');
  return {
    contractId,
    datasetCode: dataset.code,
    providerDepartment: dataset.providerDepartment,
    consumerDepartment,
    sharingType: dataset.sharingType,
    fields,
    purpose: input.purpose,
    legalBasis: input.legalBasis.trim(),
    scenario: optionalText(input.scenario, 'scenario', INPUT_LIMITS.reason, { multiline: true }),
    validFrom: new Date(validFrom).toISOString(),
    validTo: new Date(validTo).toISOString(),
    dailyQuota: quota,
    masking,
    consentRequired: input.consentRequired ?? false,
    ...(sensitiveFields.length > 0 ? { sensitiveFields } : {}),
  };
};

/**
 * A scope is served row by row from the rows' own division (their type's `divisionCode`, which
 * the enforcement point reads for itself): on a type without one it would serve nothing.
 */
const assertPlaced = (rowsPlaced: boolean, dataset: DatasetView, scope: string): void => {
  if (!rowsPlaced) {
    throw new ValidationFailed(
      `the rows of ${dataset.code} do not say which division they lie in (no subgraph of ${dataset.providerDepartment} resolves ` +
        `${DIVISION_CODE_FIELD} on its type): a contract scoped to ${scope} would serve none of them`,
      { field: 'divisionScope' },
    );
  }
};

/**
 * The scope a request gets. A department with a division asks within it, and without naming
 * one asks for all of it: a district's office reads its own area, never the city's.
 */
const scopeOf = (written: string | null | undefined, consumer: string, consumerDivision: string | null): string | null => {
  const asked = written == null ? null : divisionOf(written, 'divisionScope');
  if (asked !== null && consumerDivision !== null && !liesWithinDivision(asked, consumerDivision)) {
    throw new Forbidden(`${consumer} serves division ${consumerDivision}: it asks only within it, and ${asked} is not`, { field: 'divisionScope' });
  }
  return asked ?? consumerDivision;
};

const submit = (command: Extract<ContractCommand, { type: 'SubmitContract' }>): ContractEvent[] => {
  const { actor, input, now } = command;
  if (!hasRole(actor, 'CONSUMER') && !hasRole(actor, 'STEWARD')) {
    throw new Forbidden('a sharing request comes from a department system (CONSUMER) or its steward');
  }
  const dataset = shareableDataset(command.dataset, input.datasetCode, actor.department);
  if (!command.purposeRegistered) {
    throw new ValidationFailed(`purpose ${input.purpose} is not a registered purpose code`, { field: 'purpose' });
  }
  const terms = termsOf(command.contractId, actor.department, dataset, input, now);
  const divisionScope = scopeOf(input.divisionScope, actor.department, command.consumerDivision);
  if (divisionScope !== null) assertPlaced(command.rowsPlaced, dataset, divisionScope);
  const by = recorded(actor, hasRole(actor, 'CONSUMER') ? 'CONSUMER' : 'STEWARD');
  return [
    { type: 'ContractSubmitted', data: { terms: divisionScope === null ? terms : { ...terms, divisionScope }, by, at: now, reason: null } },
    reviewOpened('COMPLIANCE', now),
  ];
};

/** 回流 flows back to the offices of districts and streets, for their own area. */
const RETURN_FLOW_LEVELS: ReadonlySet<DepartmentLevel> = new Set(['DISTRICT', 'STREET']);

const grantReturnFlow = (command: Extract<ContractCommand, { type: 'GrantReturnFlowContract' }>): ContractEvent[] => {
  const { actor, input, department, now } = command;
  if (!hasRole(actor, 'PLATFORM')) throw new Forbidden('a 回流 grant is the data bureau\'s (PLATFORM role)');
  if (!department) throw new NotFound(`no department ${input.departmentCode}`, { field: 'departmentCode' });
  if (department.divisionCode === null || department.level === null) {
    throw new ValidationFailed(
      `${department.code} has no division: 回流 flows back to a district's or street's office, for the division it serves`,
      { field: 'departmentCode' },
    );
  }
  if (!RETURN_FLOW_LEVELS.has(department.level)) {
    throw new ValidationFailed(`${department.code} serves a ${department.level}: 回流 flows back to a district's or street's office`, {
      field: 'departmentCode',
    });
  }
  const dataset = shareableDataset(command.dataset, input.datasetCode, department.code);
  if (!command.purposeRegistered) {
    throw new ValidationFailed(`purpose ${input.purpose} is not a registered purpose code`, { field: 'purpose' });
  }
  const terms = termsOf(command.contractId, department.code, dataset, { ...input, validFrom: input.validFrom ?? now }, now);
  assertPlaced(command.rowsPlaced, dataset, department.divisionCode);
  const statutoryBasis = input.statutoryBasis ?? false;
  assertLawfulWithoutConsent(terms, statutoryBasis, 'grant it only with statutoryBasis', 'grant it with consentRequired');
  const reason = optionalText(input.reason, 'reason', INPUT_LIMITS.reason, { multiline: true });
  return [
    {
      type: 'ReturnFlowContractGranted',
      data: {
        terms: { ...terms, divisionScope: department.divisionCode, returnFlow: true },
        by: recorded(actor, 'PLATFORM'),
        at: now,
        reason,
        ...(statutoryBasis ? { statutoryBasis: true } : {}),
      },
    },
  ];
};

export const evolve = (state: ContractState, event: ContractEvent): ContractState => {
  if (event.type === 'ContractSubmitted' || event.type === 'ReturnFlowContractGranted') {
    return { status: contractStatusAfter(event, 'SUBMITTED'), terms: event.data.terms, review: null };
  }
  if (state.status === 'NONE') return state;
  const status = contractStatusAfter(event, state.status);
  switch (event.type) {
    case 'ReviewOpened':
      return { ...state, status, review: { stage: event.data.stage, deadline: event.data.deadline, overdue: false } };
    case 'ReviewOverdue':
      return state.review ? { ...state, review: { ...state.review, overdue: true } } : state;
    case 'ContractSuspended':
    case 'ContractRevoked':
      return { ...state, status };
    default:
      // Every other transition ends the review in progress, if any.
      return { ...state, status, review: null };
  }
};

export const contractDecider = { initialState: { status: 'NONE' } as ContractState, decide, evolve };

export const contractStreamId = (contractId: string) => `contract-${contractId}`;
