import type { CallerContext } from '@shuzhi/signing';
import { Forbidden, hasRole } from '@shuzhi/shared-kernel';
import { actorOf } from '@shuzhi/subgraph';

/** Every audit operation is an auditor's: the history of every department and citizen is in it. */
export const requireAuditor = (caller: CallerContext): void => {
  if (!hasRole(actorOf(caller), 'AUDITOR')) throw new Forbidden('the audit is read by auditors (AUDITOR role) only');
};
