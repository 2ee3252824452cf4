import { hasRole } from '@shuzhi/shared-kernel';
import type { CommandActor } from '@shuzhi/shared-kernel';

/**
 * Who may read what in governance. A contract concerns its two departments; the data bureau
 * and auditors see everything; consents are the citizen channel's, the bureau's and auditors'.
 */
export const seesEverything = (caller: CommandActor) => hasRole(caller, 'PLATFORM') || hasRole(caller, 'AUDITOR');

export const mayReadContract = (caller: CommandActor, contract: { consumerDepartment: string; providerDepartment: string }) =>
  seesEverything(caller) || caller.department === contract.consumerDepartment || caller.department === contract.providerDepartment;

export const mayReadConsents = (caller: CommandActor) => seesEverything(caller) || hasRole(caller, 'CITIZEN_CHANNEL');

export const mayListClients = (caller: CommandActor, departmentCode: string | undefined) =>
  hasRole(caller, 'PLATFORM') || (hasRole(caller, 'STEWARD') && departmentCode === caller.department);
