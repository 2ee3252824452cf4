export const ROLES = ['CONSUMER', 'STEWARD', 'PLATFORM', 'AUDITOR', 'CITIZEN_CHANNEL'] as const;
export type Role = (typeof ROLES)[number];

/** Who issues a command: a client of a department, with the roles its key holds. */
export interface CommandActor {
  clientId: string;
  department: string;
  roles: readonly Role[];
}

/** The actor as events record it: who did it and in which capacity. */
export interface RecordedActor {
  clientId: string;
  department: string;
  role: Role | 'SYSTEM';
}

/** The platform's own processes (deadline and expiry timers). */
export const SYSTEM: CommandActor & { roles: readonly Role[] } = { clientId: 'system', department: 'platform', roles: [] };

export const hasRole = (actor: CommandActor, role: Role): boolean => actor.roles.includes(role);

/** Time comes in through this, never from `new Date()` in the domain: tests drive it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Omit over each member of a union (plain Omit flattens the union first). */
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
