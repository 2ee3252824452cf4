import {
  Forbidden,
  INPUT_LIMITS,
  InvalidTransition,
  NotFound,
  ROLES,
  ValidationFailed,
  boundedText,
  divisionCodeProblem,
  divisionLevelOf,
  hasRole,
  optionalText,
  type CommandActor,
  type RecordedActor,
  type Role,
} from '@shuzhi/shared-kernel';
import { DEPARTMENT_LEVELS, type ClientEvent, type DepartmentLevel, type DepartmentRegistered, type PurposeRegistered } from '@shuzhi/governance-events';

/**
 * The platform's registries: departments, purposes and client keys. Each entry is its own
 * small stream (`department-<code>`, `purpose-<code>`, `client-<id>`).
 */

const CODE = /^[a-z][a-z0-9-]{1,62}$/;
const PURPOSE_CODE = /^[A-Z][A-Z0-9_]{1,62}$/;

const platformOnly = (actor: CommandActor, what: string): RecordedActor => {
  if (!hasRole(actor, 'PLATFORM')) throw new Forbidden(`${what} is the data bureau's (PLATFORM role)`);
  return { clientId: actor.clientId, department: actor.department, role: 'PLATFORM' };
};

// Departments

/** A department's area: a division of its level, or (both null) the whole platform's area. */
export interface DepartmentArea {
  level: DepartmentLevel | null;
  divisionCode: string | null;
}

export type DepartmentState = { status: 'NONE' } | ({ status: 'REGISTERED'; code: string; name: string } & DepartmentArea);
export type DepartmentCommand = {
  type: 'RegisterDepartment';
  actor: CommandActor;
  now: string;
  code: string;
  name: string;
  /** Both absent: the department serves the whole platform's area. */
  level?: DepartmentLevel | null;
  divisionCode?: string | null;
};

/**
 * The area a registration gives: a division code of a department's level, the level following
 * from the code when not given and agreeing with it when given. A level alone names no area.
 */
const areaOf = (command: DepartmentCommand): DepartmentArea => {
  const level = command.level ?? null;
  const divisionCode = command.divisionCode?.trim() || null;
  if (divisionCode === null) {
    if (level !== null) throw new ValidationFailed(`a ${level} department serves a division: give its divisionCode`, { field: 'divisionCode' });
    return { level: null, divisionCode: null };
  }
  if (level !== null && !DEPARTMENT_LEVELS.includes(level)) throw new ValidationFailed(`unknown department level ${level}`, { field: 'level' });
  const problem = divisionCodeProblem(divisionCode);
  if (problem) throw new ValidationFailed(`divisionCode ${problem}`, { field: 'divisionCode' });
  const ofCode = divisionLevelOf(divisionCode)!;
  if (ofCode === 'COMMUNITY') {
    throw new ValidationFailed(`${divisionCode} is a community's code: departments serve a province, city, district or street`, { field: 'divisionCode' });
  }
  if (level !== null && level !== ofCode) {
    throw new ValidationFailed(`${divisionCode} is the code of a ${ofCode}, not of a ${level}`, { field: 'level' });
  }
  return { level: ofCode, divisionCode };
};

export const departmentDecider = {
  initialState: { status: 'NONE' } as DepartmentState,
  decide: (command: DepartmentCommand, state: DepartmentState): DepartmentRegistered[] => {
    const by = platformOnly(command.actor, 'registering a department');
    if (!CODE.test(command.code)) throw new ValidationFailed(`department code ${command.code} must be lower case letters, digits and hyphens`);
    if (!command.name?.trim()) throw new ValidationFailed('a department needs a name');
    boundedText(command.name, 'name', INPUT_LIMITS.name);
    const { level, divisionCode } = areaOf(command);
    if (state.status !== 'NONE') throw new InvalidTransition(state.status, command.type, `${command.code} is registered already`);
    // A department of the whole area keeps the event's first shape.
    const area = level && divisionCode ? { level, divisionCode } : {};
    return [{ type: 'DepartmentRegistered', data: { code: command.code, name: command.name.trim(), ...area, by, at: command.now } }];
  },
  evolve: (_state: DepartmentState, event: DepartmentRegistered): DepartmentState => ({
    status: 'REGISTERED',
    code: event.data.code,
    name: event.data.name,
    level: event.data.level ?? null,
    divisionCode: event.data.divisionCode ?? null,
  }),
};
export const departmentStreamId = (code: string) => `department-${code}`;

// Purposes

export type PurposeState = { status: 'NONE' } | { status: 'REGISTERED'; code: string };
export type PurposeCommand = { type: 'RegisterPurpose'; actor: CommandActor; now: string; code: string; name: string; description: string | null };

export const purposeDecider = {
  initialState: { status: 'NONE' } as PurposeState,
  decide: (command: PurposeCommand, state: PurposeState): PurposeRegistered[] => {
    const by = platformOnly(command.actor, 'registering a purpose');
    if (!PURPOSE_CODE.test(command.code)) throw new ValidationFailed(`purpose code ${command.code} must be upper case letters, digits and underscores`);
    if (!command.name?.trim()) throw new ValidationFailed('a purpose needs a name');
    boundedText(command.name, 'name', INPUT_LIMITS.name);
    if (state.status !== 'NONE') throw new InvalidTransition(state.status, command.type, `${command.code} is registered already`);
    return [
      {
        type: 'PurposeRegistered',
        data: { code: command.code, name: command.name.trim(), description: optionalText(command.description, 'description', INPUT_LIMITS.description, { multiline: true }), by, at: command.now },
      },
    ];
  },
  evolve: (_state: PurposeState, event: PurposeRegistered): PurposeState => ({ status: 'REGISTERED', code: event.data.code }),
};
export const purposeStreamId = (code: string) => `purpose-${code}`;

// Client keys


export type ClientState =
  | { status: 'NONE' }
  | { status: 'ACTIVE' | 'REVOKED'; clientId: string; departmentCode: string; roles: Role[] };

export type ClientCommand =
  | {
      type: 'IssueClientKey';
      actor: CommandActor;
      now: string;
      clientId: string;
      departmentCode: string;
      name: string;
      roles: Role[];
      keyHash: string;
      departmentRegistered: boolean;
    }
  | { type: 'RevokeClientKey'; actor: CommandActor; now: string; reason: string | null };

/** The roles a steward may give (and take back from) its own department's keys. */
const STEWARD_MANAGED_ROLES: readonly Role[] = ['CONSUMER', 'STEWARD'];

/**
 * A department's steward manages its own systems' CONSUMER and STEWARD keys. The other roles
 * reach beyond the department: PLATFORM and AUDITOR see everything, and a CITIZEN_CHANNEL
 * speaks for any resident (it grants and withdraws their consents), so those keys are the data
 * bureau's alone to issue and revoke. An allow-list: a role added later is the bureau's until
 * someone decides otherwise.
 */
const mayManageKeysOf = (actor: CommandActor, department: string, roles: readonly Role[]): RecordedActor => {
  if (hasRole(actor, 'PLATFORM')) return { clientId: actor.clientId, department: actor.department, role: 'PLATFORM' };
  if (hasRole(actor, 'STEWARD') && actor.department === department && roles.every((r) => STEWARD_MANAGED_ROLES.includes(r))) {
    return { clientId: actor.clientId, department: actor.department, role: 'STEWARD' };
  }
  throw new Forbidden(`only the data bureau (PLATFORM role), or a steward of ${department} for its own CONSUMER and STEWARD keys, may do this`);
};

export const clientDecider = {
  initialState: { status: 'NONE' } as ClientState,
  decide: (command: ClientCommand, state: ClientState): ClientEvent[] => {
    switch (command.type) {
      case 'IssueClientKey': {
        const by = mayManageKeysOf(command.actor, command.departmentCode, command.roles);
        if (state.status !== 'NONE') throw new InvalidTransition(state.status, command.type, 'this client id is taken');
        if (!command.departmentRegistered) throw new NotFound(`no department ${command.departmentCode}`);
        if (!command.name?.trim()) throw new ValidationFailed('a client needs a name');
        boundedText(command.name, 'name', INPUT_LIMITS.name);
        const roles = [...new Set(command.roles)];
        if (roles.length === 0) throw new ValidationFailed('a key needs at least one role');
        const unknown = roles.filter((r) => !ROLES.includes(r));
        if (unknown.length > 0) throw new ValidationFailed(`unknown role ${unknown.join(', ')}`);
        return [
          {
            type: 'ClientKeyIssued',
            data: {
              clientId: command.clientId,
              departmentCode: command.departmentCode,
              name: command.name.trim(),
              roles,
              keyHash: command.keyHash,
              by,
              at: command.now,
            },
          },
        ];
      }
      case 'RevokeClientKey': {
        if (state.status === 'NONE') throw new NotFound('no client with this id');
        const by = mayManageKeysOf(command.actor, state.departmentCode, state.roles);
        if (state.status === 'REVOKED') throw new InvalidTransition(state.status, command.type);
        const reason = optionalText(command.reason, 'reason', INPUT_LIMITS.reason, { multiline: true });
        return [{ type: 'ClientKeyRevoked', data: { clientId: state.clientId, reason, by, at: command.now } }];
      }
      default: {
        const exhaustive: never = command;
        return exhaustive;
      }
    }
  },
  evolve: (state: ClientState, event: ClientEvent): ClientState => {
    switch (event.type) {
      case 'ClientKeyIssued':
        return { status: 'ACTIVE', clientId: event.data.clientId, departmentCode: event.data.departmentCode, roles: event.data.roles };
      case 'ClientKeyRevoked':
        return state.status === 'NONE' ? state : { ...state, status: 'REVOKED' };
      default: {
        const exhaustive: never = event;
        return exhaustive;
      }
    }
  },
};
export const clientStreamId = (clientId: string) => `client-${clientId}`;
