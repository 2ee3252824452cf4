import { hasRole } from '@shuzhi/shared-kernel';
import type { CommandActor } from '@shuzhi/shared-kernel';

/**
 * Who may read what in governance. A contract concerns its two departments; the data bureau
 * and auditors see everything; a citizen channel sees the consents given through it, no others.
 */
export const seesEverything = (caller: CommandActor) => hasRole(caller, 'PLATFORM') || hasRole(caller, 'AUDITOR');

export const mayReadContract = (caller: CommandActor, contract: { consumerDepartment: string; providerDepartment: string }) =>
  seesEverything(caller) || caller.department === contract.consumerDepartment || caller.department === contract.providerDepartment;

/**
 * The consents the caller may list: all of them, those given through its channel (a channel is
 * a department the data bureau keyed as one: its account of the residents who used it), or none.
 */
export const consentsVisibleTo = (caller: CommandActor): { all: true } | { channel: string } | null => {
  if (seesEverything(caller)) return { all: true };
  if (hasRole(caller, 'CITIZEN_CHANNEL')) return { channel: caller.department };
  return null;
};

export const mayListClients = (caller: CommandActor, departmentCode: string | undefined) =>
  hasRole(caller, 'PLATFORM') || (hasRole(caller, 'STEWARD') && departmentCode === caller.department);
