import type { RecordedActor } from '@shuzhi/shared-kernel';
import type { RuleVerdict, SubjectKind } from './eligibility-rules.js';

/**
 * A subsidy application's events, one stream per application (`subsidy-application-<id>`).
 * Every transition records who (`by`), why (`reason`, where one is given) and when (`at`).
 */

export const APPLICATION_STATUSES = ['SUBMITTED', 'CHECKED', 'APPROVED', 'REJECTED', 'DISBURSED'] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

/** `APPLICATION`: the subject (or a window on their behalf) applied; `BATCH`: found by a program run (免申即享). */
export type ApplicationChannel = 'APPLICATION' | 'BATCH';

export type CheckOutcome = 'ELIGIBLE' | 'INELIGIBLE' | 'CANNOT_CHECK';

/** The gateway's refusals that mean "the bureau may not see this", not "the subject is ineligible". */
export const ACCESS_DENIALS = ['CONTRACT_REQUIRED', 'CONSENT_REQUIRED', 'PURPOSE_REQUIRED'] as const;
export type AccessDenial = (typeof ACCESS_DENIALS)[number];

/** Which gateway answer the facts came from, so an auditor can find its access record. */
export interface GatewaySource {
  /** The X-Correlation-Id the check sent. */
  correlationId: string;
  /** The gateway's decision ids, where its answer carried them. */
  decisionIds: string[];
  /** The sharing contracts the gateway answered under, where its answer named them. */
  contractIds: string[];
}

export type SubjectRef = { kind: SubjectKind; id: string };

/** A subject asked for a program's grant (or a program run found them). */
export type SubsidyApplicationSubmitted = {
  type: 'SubsidyApplicationSubmitted';
  data: {
    applicationId: string;
    programId: string;
    subject: SubjectRef;
    /** 元: the program's grant when the application was made. */
    amount: number;
    channel: ApplicationChannel;
    by: RecordedActor;
    at: string;
  };
};

/**
 * The eligibility check ran. `ELIGIBLE`/`INELIGIBLE` leave the application CHECKED, with each
 * rule's verdict and the facts it used. `CANNOT_CHECK` means the gateway refused the facts (no
 * contract, consent or purpose for them): recorded, and the application stays SUBMITTED.
 */
export type SubsidyApplicationChecked = {
  type: 'SubsidyApplicationChecked';
  data: {
    applicationId: string;
    outcome: CheckOutcome;
    /** The day the rules were evaluated for (YYYY-MM-DD): the application date. */
    onDate: string;
    verdicts: RuleVerdict[];
    /** Why the facts could not be read, for `CANNOT_CHECK`; null otherwise. */
    denied: { code: AccessDenial; reason: string; fields: string[] } | null;
    source: GatewaySource;
    by: RecordedActor;
    at: string;
  };
};

export type SubsidyApplicationApproved = {
  type: 'SubsidyApplicationApproved';
  data: { applicationId: string; amount: number; reason: string | null; by: RecordedActor; at: string };
};

export type SubsidyApplicationRejected = {
  type: 'SubsidyApplicationRejected';
  data: { applicationId: string; reason: string; by: RecordedActor; at: string };
};

/** The grant was paid straight to the subject (直达): final. */
export type SubsidyDisbursed = {
  type: 'SubsidyDisbursed';
  data: {
    applicationId: string;
    programId: string;
    beneficiary: SubjectRef;
    amount: number;
    /** The payment order's reference, derived from the application: one application, one payment. */
    paymentReference: string;
    by: RecordedActor;
    at: string;
  };
};

export type SubsidyApplicationEvent =
  | SubsidyApplicationSubmitted
  | SubsidyApplicationChecked
  | SubsidyApplicationApproved
  | SubsidyApplicationRejected
  | SubsidyDisbursed;

export const APPLICATION_EVENT_TYPES: ReadonlyArray<SubsidyApplicationEvent['type']> = [
  'SubsidyApplicationSubmitted',
  'SubsidyApplicationChecked',
  'SubsidyApplicationApproved',
  'SubsidyApplicationRejected',
  'SubsidyDisbursed',
];
