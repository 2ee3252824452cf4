import type { RecordedActor } from '@shuzhi/shared-kernel';
import type { EligibilityRule, SubjectKind } from './eligibility-rules.js';

/**
 * A subsidy program's events, one stream per program (`program-<id>`). The `type` strings are
 * stored forever. Amounts are whole yuan (元): grants are set in whole yuan, and integers keep
 * the budget arithmetic exact.
 */

export const PROGRAM_STATUSES = ['OPEN', 'CLOSED'] as const;
export type ProgramStatus = (typeof PROGRAM_STATUSES)[number];

/** A program was set up and is OPEN for applications from now. */
export type SubsidyProgramCreated = {
  type: 'SubsidyProgramCreated';
  data: {
    programId: string;
    name: string;
    subject: SubjectKind;
    rules: EligibilityRule[];
    /** 元, the most the program pays in total. */
    budget: number;
    /** 元, what one approved application is paid. */
    amountPerGrant: number;
    by: RecordedActor;
    at: string;
  };
};

/** The program takes no more applications or approvals; grants approved before are still paid. */
export type SubsidyProgramClosed = {
  type: 'SubsidyProgramClosed';
  data: { programId: string; reason: string; by: RecordedActor; at: string };
};

/**
 * Part of the budget was committed to an application about to be approved. Written before
 * the approval, so the program can never approve more than its budget.
 */
export type SubsidyGrantReserved = {
  type: 'SubsidyGrantReserved';
  data: { programId: string; applicationId: string; amount: number; reservedTotal: number; by: RecordedActor; at: string };
};

export type SubsidyProgramEvent = SubsidyProgramCreated | SubsidyProgramClosed | SubsidyGrantReserved;

export const PROGRAM_EVENT_TYPES: ReadonlyArray<SubsidyProgramEvent['type']> = [
  'SubsidyProgramCreated',
  'SubsidyProgramClosed',
  'SubsidyGrantReserved',
];
