import type { RecordedActor } from '@shuzhi/shared-kernel';
import type { MaskRule, SharingType } from './catalog.js';

/** What a consumer asks for and, once active, what the gateway enforces. */
export interface ContractTerms {
  contractId: string;
  datasetCode: string;
  providerDepartment: string;
  consumerDepartment: string;
  sharingType: SharingType;
  fields: string[];
  purpose: string;
  legalBasis: string;
  scenario: string | null;
  validFrom: string;
  validTo: string;
  /** Rows a day across all gateways; null: no quota. */
  dailyQuota: number | null;
  masking: Array<{ field: string; rule: MaskRule }>;
  consentRequired: boolean;
  /**
   * The fields it asks for that the catalog classified SENSITIVE_PERSONAL when it was submitted:
   * without consent they need a statutory basis found at compliance review. Absent on older events.
   */
  sensitiveFields?: string[];
  /**
   * The administrative division it is scoped to (GB/T 2260 as shared-kernel's division-codes
   * writes it: 330106, 330106001...): only rows whose `divisionCode` lies within it are served.
   * Absent (and on older events): the whole platform's area.
   */
  divisionScope?: string;
  /** Granted by the data bureau as a standing 回流 contract (`ReturnFlowContractGranted`), not requested. */
  returnFlow?: true;
}

/** Every transition says who, when and why. */
interface Decision {
  by: RecordedActor;
  at: string;
  reason: string | null;
}

export type ReviewStage = 'COMPLIANCE' | 'PROVIDER';

/** The consumer department asked for the terms; the request waits for review. */
export type ContractSubmitted = { type: 'ContractSubmitted'; data: { terms: ContractTerms } & Decision };
/**
 * The data bureau granted a district's or street's office a standing 回流 (return-flow) contract:
 * another department's data of the office's own division flows back to it for its work
 * (政务数据共享条例). Nobody asked and nobody reviews: the grant is in force at once (ACTIVE), its
 * terms scoped to the office's division. `statutoryBasis` as in `ComplianceReviewPassed`.
 */
export type ReturnFlowContractGranted = {
  type: 'ReturnFlowContractGranted';
  data: { terms: ContractTerms & { divisionScope: string; returnFlow: true } } & Decision & { statutoryBasis?: boolean };
};
/** A review stage opened, with the deadline its rule gives (working days). */
export type ReviewOpened = { type: 'ReviewOpened'; data: { stage: ReviewStage; deadline: string; at: string } };
/**
 * The data bureau found the request compliant. `statutoryBasis`: the reviewer found that a law
 * or administrative regulation lets the provider share the request's sensitive personal fields
 * without the subjects' consent (PIPL art. 13(3)–(7), 28–29); absent on older events: not found.
 */
export type ComplianceReviewPassed = { type: 'ComplianceReviewPassed'; data: Decision & { statutoryBasis?: boolean } };
/** The provider department's steward agreed to share. */
export type ContractApproved = { type: 'ContractApproved'; data: Decision };
/** The contract is in force from now (within its validity window). */
export type ContractActivated = { type: 'ContractActivated'; data: { at: string } };
/** Refused at a review stage; final. */
export type ContractRejected = { type: 'ContractRejected'; data: Decision & { stage: ReviewStage } };
export type ContractSuspended = { type: 'ContractSuspended'; data: Decision };
export type ContractResumed = { type: 'ContractResumed'; data: Decision };
/** Ended before its window closed; final. */
export type ContractRevoked = { type: 'ContractRevoked'; data: Decision };
/** Its window closed (or closed before review ended); final. */
export type ContractExpired = { type: 'ContractExpired'; data: { at: string } };
/** A review stage passed its deadline undecided; escalated to the data bureau. */
export type ReviewOverdue = {
  type: 'ReviewOverdue';
  data: { stage: ReviewStage; deadline: string; at: string; escalatedTo: string };
};

export type ContractEvent =
  | ContractSubmitted
  | ReturnFlowContractGranted
  | ReviewOpened
  | ComplianceReviewPassed
  | ContractApproved
  | ContractActivated
  | ContractRejected
  | ContractSuspended
  | ContractResumed
  | ContractRevoked
  | ContractExpired
  | ReviewOverdue;

export const CONTRACT_EVENT_TYPES: ReadonlyArray<ContractEvent['type']> = [
  'ContractSubmitted',
  'ReturnFlowContractGranted',
  'ReviewOpened',
  'ComplianceReviewPassed',
  'ContractApproved',
  'ContractActivated',
  'ContractRejected',
  'ContractSuspended',
  'ContractResumed',
  'ContractRevoked',
  'ContractExpired',
  'ReviewOverdue',
];

export type ContractStatus =
  | 'SUBMITTED'
  | 'COMPLIANCE_REVIEW'
  | 'PROVIDER_REVIEW'
  | 'ACTIVE'
  | 'REJECTED'
  | 'SUSPENDED'
  | 'REVOKED'
  | 'EXPIRED';

/** A contract's status after `event`: the one rule the decider and every projection share. */
export const contractStatusAfter = (event: ContractEvent, current: ContractStatus): ContractStatus => {
  switch (event.type) {
    case 'ContractSubmitted':
      return 'SUBMITTED';
    case 'ReviewOpened':
      return event.data.stage === 'COMPLIANCE' ? 'COMPLIANCE_REVIEW' : 'PROVIDER_REVIEW';
    case 'ReturnFlowContractGranted':
    case 'ContractActivated':
    case 'ContractResumed':
      return 'ACTIVE';
    case 'ContractRejected':
      return 'REJECTED';
    case 'ContractSuspended':
      return 'SUSPENDED';
    case 'ContractRevoked':
      return 'REVOKED';
    case 'ContractExpired':
      return 'EXPIRED';
    case 'ComplianceReviewPassed':
    case 'ContractApproved':
    case 'ReviewOverdue':
      return current;
    default: {
      const exhaustive: never = event;
      return exhaustive;
    }
  }
};
