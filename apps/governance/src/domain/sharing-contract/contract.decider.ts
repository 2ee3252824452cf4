import {
  Forbidden,
  INPUT_LIMITS,
  InvalidTransition,
  NotFound,
  ValidationFailed,
  boundedList,
  boundedText,
  hasRole,
  identifier,
  optionalText,
  type CommandActor,
  type RecordedActor,
  type Role,
} from '@shuzhi/shared-kernel';
import { COMPLIANCE_REVIEW_WORKING_DAYS, PROVIDER_REVIEW_WORKING_DAYS, addWorkingDays } from '../working-days.js';
import {
  MASK_RULES,
  contractStatusAfter,
  describeRebuilt,
  rebuiltFields,
  type ContractEvent,
  type ContractStatus,
  type ContractTerms,
  type DatasetView,
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
  if (command.type === 'SubmitContract') {
    if (state.status !== 'NONE') throw new InvalidTransition(state.status, command.type, 'this contract id is taken');
    return submit(command);
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
      // PIPL art. 13 and 28–29: sensitive personal information is processed with the person's
      // consent, or where a law or administrative regulation provides for it.
      const sensitive = terms.consentRequired ? [] : (terms.sensitiveFields ?? []);
      if (sensitive.length > 0 && !command.statutoryBasis) {
        throw new ValidationFailed(
          `${sensitive.join(', ')} ${sensitive.length === 1 ? 'is' : 'are'} sensitive personal information and the request does not ` +
            'require the subjects\' consent: approve it only with statutoryBasis, having found the law that provides for sharing it ' +
            '(PIPL art. 13 and 28–29), or reject it so that it is requested with consent',
          { fields: sensitive, field: 'statutoryBasis' },
        );
      }
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

const reviewOpened = (stage: ReviewStage, now: string): ContractEvent => ({
  type: 'ReviewOpened',
  data: {
    stage,
    at: now,
    deadline: addWorkingDays(now, stage === 'COMPLIANCE' ? COMPLIANCE_REVIEW_WORKING_DAYS : PROVIDER_REVIEW_WORKING_DAYS),
  },
});

const submit = (command: Extract<ContractCommand, { type: 'SubmitContract' }>): ContractEvent[] => {
  const { actor, input, dataset, now } = command;
  if (!hasRole(actor, 'CONSUMER') && !hasRole(actor, 'STEWARD')) {
    throw new Forbidden('a sharing request comes from a department system (CONSUMER) or its steward');
  }
  if (!dataset) throw new NotFound(`no dataset ${input.datasetCode}`, { field: 'datasetCode' });
  if (dataset.sharingType === 'NOT_SHARED') {
    throw new Forbidden(`dataset ${dataset.code} is catalogued as not shared (NOT_SHARED)`);
  }
  if (dataset.providerDepartment === actor.department) {
    throw new ValidationFailed(`${actor.department} provides ${dataset.code}: a department needs no contract for its own data`);
  }
  if (!command.purposeRegistered) {
    throw new ValidationFailed(`purpose ${input.purpose} is not a registered purpose code`, { field: 'purpose' });
  }
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
  const terms: ContractTerms = {
    contractId: command.contractId,
    datasetCode: dataset.code,
    providerDepartment: dataset.providerDepartment,
    consumerDepartment: actor.department,
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
  const by = recorded(actor, hasRole(actor, 'CONSUMER') ? 'CONSUMER' : 'STEWARD');
  return [
    { type: 'ContractSubmitted', data: { terms, by, at: now, reason: null } },
    reviewOpened('COMPLIANCE', now),
  ];
};

export const evolve = (state: ContractState, event: ContractEvent): ContractState => {
  if (event.type === 'ContractSubmitted') return { status: 'SUBMITTED', terms: event.data.terms, review: null };
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
