import type { RecordedActor } from '@shuzhi/shared-kernel';

/**
 * The enterprise register's events, one stream per enterprise (`enterprise-<creditCode>`).
 * The `type` strings are stored forever; a new shape keeps the old one and adds an upcaster.
 * Every event says who did it (`by`) and when (`at`, the command's time).
 */

export const ENTERPRISE_STATUSES = ['ACTIVE', 'SUSPENDED', 'DEREGISTERED'] as const;
export type EnterpriseStatus = (typeof ENTERPRISE_STATUSES)[number];

/** A market entity entered the register (设立登记); it is ACTIVE from now. */
export type EnterpriseRegistered = {
  type: 'EnterpriseRegistered';
  data: {
    creditCode: string;
    name: string;
    /** A resident of the population service; null for an entity registered without one. */
    legalRepresentativeId: string | null;
    industryCode: string;
    /** In 万元 (10 000 yuan); null where the entity type has none. */
    registeredCapital: number | null;
    /** Null when not reported. */
    employees: number | null;
    /**
     * The division of its registered address (住所), a street's (9 digits) or community's (12)
     * code. Absent (and on older events): the division of the registering office, positions 3–8
     * of the credit code.
     */
    divisionCode?: string;
    by: RecordedActor;
    at: string;
  };
};

/** Business was suspended (停业, or listed as abnormal); it no longer trades until reactivated. */
export type EnterpriseSuspended = {
  type: 'EnterpriseSuspended';
  data: { creditCode: string; reason: string; by: RecordedActor; at: string };
};

/** A suspended enterprise is ACTIVE again. */
export type EnterpriseReactivated = {
  type: 'EnterpriseReactivated';
  data: { creditCode: string; reason: string | null; by: RecordedActor; at: string };
};

/** The enterprise left the register (注销登记): final, nothing of it changes after this. */
export type EnterpriseDeregistered = {
  type: 'EnterpriseDeregistered';
  data: { creditCode: string; reason: string; by: RecordedActor; at: string };
};

/** The number of employees changed (an annual report, a filing); `previous` is what it replaced. */
export type EnterpriseEmployeesUpdated = {
  type: 'EnterpriseEmployeesUpdated';
  data: { creditCode: string; employees: number; previous: number | null; reason: string | null; by: RecordedActor; at: string };
};

/** Another resident became the legal representative (变更登记). */
export type LegalRepresentativeChanged = {
  type: 'LegalRepresentativeChanged';
  data: {
    creditCode: string;
    legalRepresentativeId: string;
    previousLegalRepresentativeId: string | null;
    reason: string | null;
    by: RecordedActor;
    at: string;
  };
};

export type EnterpriseEvent =
  | EnterpriseRegistered
  | EnterpriseSuspended
  | EnterpriseReactivated
  | EnterpriseDeregistered
  | EnterpriseEmployeesUpdated
  | LegalRepresentativeChanged;

export const ENTERPRISE_EVENT_TYPES: ReadonlyArray<EnterpriseEvent['type']> = [
  'EnterpriseRegistered',
  'EnterpriseSuspended',
  'EnterpriseReactivated',
  'EnterpriseDeregistered',
  'EnterpriseEmployeesUpdated',
  'LegalRepresentativeChanged',
];
