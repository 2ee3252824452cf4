import type { RecordedOf } from '@shuzhi/event-store';
import type { EligibilityRule as Rule } from '../domain/eligibility-rules.js';
import { applicationDecider, type ApplicationState, type LastCheck } from '../domain/subsidy-application.decider.js';
import type { SubsidyApplicationEvent } from '../domain/subsidy-application.events.js';
import { applicationStreamId, programStreamId } from '../domain/subsidy-ids.js';
import type { ProgramState } from '../domain/subsidy-program.decider.js';
import type { EligibilityCheck, EligibilityRule, RuleFacts, SubsidyApplication, SubsidyApplicationHistoryEntry, SubsidyProgram } from './subsidy.models.js';

/** A rule in the API's one-field-set shape, the same shape it is written in. */
export const toRule = (rule: Rule): EligibilityRule => ({
  enterpriseActive: rule.rule === 'enterpriseActive' ? true : null,
  industryIn: rule.rule === 'industryIn' ? rule.industries : null,
  minEmployees: rule.rule === 'minEmployees' ? rule.employees : null,
  minAge: rule.rule === 'minAge' ? rule.years : null,
  livesInDistrict: rule.rule === 'livesInDistrict' ? rule.districtCode : null,
});

export const toProgram = (state: Exclude<ProgramState, { status: 'NONE' }>, version: number): SubsidyProgram => ({
  id: state.profile.programId,
  name: state.profile.name,
  subject: state.profile.subject,
  rules: state.profile.rules.map(toRule),
  budget: state.profile.budget,
  amountPerGrant: state.profile.amountPerGrant,
  reserved: state.reservedTotal,
  status: state.status,
  closedReason: state.closedReason,
  createdAt: new Date(state.profile.createdAt),
  streamId: programStreamId(state.profile.programId),
  version,
});

const FACT_NAMES = ['status', 'industryCode', 'employees', 'birthDate', 'onDate', 'age', 'districtCode'] as const;

const toFacts = (facts: Record<string, string | number | null>): RuleFacts =>
  Object.fromEntries(FACT_NAMES.map((name) => [name, facts[name] ?? null])) as unknown as RuleFacts;

const toCheck = (check: LastCheck): EligibilityCheck => ({
  outcome: check.outcome,
  onDate: check.onDate,
  verdicts: check.verdicts.map((v) => ({ rule: toRule(v.rule), verdict: v.verdict, facts: toFacts(v.facts), reason: v.reason })),
  deniedCode: check.denied?.code ?? null,
  deniedReason: check.denied?.reason ?? null,
  deniedFields: check.denied?.fields ?? [],
  correlationId: check.source.correlationId,
  decisionIds: check.source.decisionIds,
  contractIds: check.source.contractIds,
  by: check.by,
  at: new Date(check.at),
});

export const toApplication = (state: Exclude<ApplicationState, { status: 'NONE' }>, version: number): SubsidyApplication => ({
  id: state.profile.applicationId,
  programId: state.profile.programId,
  subjectKind: state.profile.subject.kind,
  subjectId: state.profile.subject.id,
  amount: state.profile.amount,
  channel: state.profile.channel,
  status: state.status,
  lastCheck: state.lastCheck ? toCheck(state.lastCheck) : null,
  submittedAt: new Date(state.profile.submittedAt),
  streamId: applicationStreamId(state.profile.applicationId),
  version,
});

/** Each transition with the status it left, who made it, why and when. */
export const historyOf = (events: readonly RecordedOf<SubsidyApplicationEvent>[]): SubsidyApplicationHistoryEntry[] => {
  let state = applicationDecider.initialState;
  return events.map((event) => {
    state = applicationDecider.evolve(state, event);
    if (state.status === 'NONE') throw new Error(`stream ${event.streamId} does not begin with SubsidyApplicationSubmitted`);
    const reason = 'reason' in event.data ? event.data.reason : event.type === 'SubsidyApplicationChecked' ? (event.data.denied?.reason ?? event.data.outcome) : null;
    return { version: event.streamVersion, type: event.type, status: state.status, by: event.data.by, reason, at: new Date(event.data.at) };
  });
};
