import { Forbidden, hasRole, type CommandActor, type RecordedActor } from '@shuzhi/shared-kernel';

/** The bureau that owns the subsidy programs (经信局 / 经济和信息化局). */
export const ECONOMIC_BUREAU = 'economic-bureau';

/** Programs, checks, approvals and payments are the bureau's stewards' to decide. */
export const bureauStewardOf = (actor: CommandActor, what: string): RecordedActor => {
  if (hasRole(actor, 'STEWARD') && actor.department === ECONOMIC_BUREAU) {
    return { clientId: actor.clientId, department: actor.department, role: 'STEWARD' };
  }
  throw new Forbidden(`${what} is for a steward of ${ECONOMIC_BUREAU}, which runs the subsidy programs`);
};

/**
 * An application comes from the bureau's own systems (its service window, any role) or from a
 * citizen channel forwarding the applicant's request (浙里办-style apps).
 */
export const applicantChannelOf = (actor: CommandActor): RecordedActor => {
  if (actor.department === ECONOMIC_BUREAU && actor.roles.length > 0) {
    return { clientId: actor.clientId, department: actor.department, role: actor.roles.includes('STEWARD') ? 'STEWARD' : actor.roles[0] };
  }
  if (hasRole(actor, 'CITIZEN_CHANNEL')) return { clientId: actor.clientId, department: actor.department, role: 'CITIZEN_CHANNEL' };
  throw new Forbidden(`applying for a subsidy is for ${ECONOMIC_BUREAU}'s systems or a citizen channel`);
};

/** Applications name enterprises and residents: the bureau's own systems and auditors read them, nobody else. */
export const assertMayReadApplications = (actor: CommandActor): void => {
  if (actor.department === ECONOMIC_BUREAU && actor.roles.length > 0) return;
  if (hasRole(actor, 'AUDITOR')) return;
  throw new Forbidden(`subsidy applications are read by ${ECONOMIC_BUREAU}'s systems and auditors`);
};
