import { Forbidden, hasRole, type CommandActor, type RecordedActor } from '@shuzhi/shared-kernel';

/** The population register belongs to the public security bureau (公安局), which keeps 户籍. */
export const POPULATION_DEPARTMENT = 'public-security';

/** Only the register's owner writes it: a steward of public security, not the data bureau. */
export const populationStewardOf = (actor: CommandActor, what: string): RecordedActor => {
  if (hasRole(actor, 'STEWARD') && actor.department === POPULATION_DEPARTMENT) {
    return { clientId: actor.clientId, department: actor.department, role: 'STEWARD' };
  }
  throw new Forbidden(`${what} is for a steward of ${POPULATION_DEPARTMENT}, which keeps the population register`);
};
