import { Forbidden, InvalidTransition, NotFound, ValidationFailed, hasRole, type CommandActor } from '@shuzhi/shared-kernel';
import type { SubgraphEvent } from '@shuzhi/governance-events';

/**
 * The registry of subgraphs (`subgraph-<name>`): which department owns each subgraph, and the
 * `Type.field`s it resolves. A field belongs to the department whose subgraph resolves it, so a
 * dataset binds only its provider's own fields, and "own data" means exactly those. The data
 * bureau sets an entry when a subgraph joins, and records its fields again when its schema
 * changes; its department never changes (a subgraph that changes hands joins under a new name).
 */

const NAME = /^[a-z][a-z0-9-]{1,62}$/;
const COORDINATE = /^[_A-Za-z][_0-9A-Za-z]{0,127}\.[_A-Za-z][_0-9A-Za-z]{0,127}$/;
/** Far more than any department's subgraph resolves, few enough that the registry stays small. */
const MAX_FIELDS = 5_000;

export type SubgraphState = { status: 'NONE' } | { status: 'REGISTERED'; name: string; departmentCode: string; fields: string[] };

export type SubgraphCommand = {
  type: 'RegisterSubgraph';
  actor: CommandActor;
  now: string;
  name: string;
  departmentCode: string;
  /** The fields its SDL resolves, as the handler read them. */
  fields: string[];
  departmentRegistered: boolean;
};

const sameFields = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((field, i) => field === b[i]);

export const decide = (command: SubgraphCommand, state: SubgraphState): SubgraphEvent[] => {
  if (!hasRole(command.actor, 'PLATFORM')) throw new Forbidden('registering a subgraph is the data bureau\'s (PLATFORM role)');
  const by = { clientId: command.actor.clientId, department: command.actor.department, role: 'PLATFORM' as const };
  if (!NAME.test(command.name)) throw new ValidationFailed('a subgraph name is lower case letters, digits and hyphens (2 to 63)', { field: 'name' });
  if (!command.departmentRegistered) throw new NotFound(`no department ${command.departmentCode}`, { field: 'departmentCode' });
  const fields = [...new Set(command.fields)].sort();
  if (fields.length === 0) throw new ValidationFailed('the SDL resolves no field', { field: 'sdl' });
  if (fields.length > MAX_FIELDS) throw new ValidationFailed(`a subgraph resolves at most ${MAX_FIELDS} fields`, { field: 'sdl' });
  const malformed = fields.find((field) => !COORDINATE.test(field));
  if (malformed !== undefined) throw new ValidationFailed('the SDL names a field that is not Type.field', { field: 'sdl' });
  if (state.status === 'NONE') {
    return [{ type: 'SubgraphRegistered', data: { name: command.name, departmentCode: command.departmentCode, fields, by, at: command.now } }];
  }
  if (state.departmentCode !== command.departmentCode) {
    throw new InvalidTransition(
      state.status,
      command.type,
      `subgraph ${state.name} belongs to ${state.departmentCode}; a subgraph never changes department (register it under a new name)`,
    );
  }
  if (sameFields(state.fields, fields)) return [];
  return [{ type: 'SubgraphSchemaRecorded', data: { name: command.name, fields, by, at: command.now } }];
};

export const evolve = (state: SubgraphState, event: SubgraphEvent): SubgraphState => {
  switch (event.type) {
    case 'SubgraphRegistered':
      return { status: 'REGISTERED', name: event.data.name, departmentCode: event.data.departmentCode, fields: event.data.fields };
    case 'SubgraphSchemaRecorded':
      return state.status === 'NONE' ? state : { ...state, fields: event.data.fields };
    default: {
      const exhaustive: never = event;
      return exhaustive;
    }
  }
};

export const subgraphDecider = { initialState: { status: 'NONE' } as SubgraphState, decide, evolve };
export const subgraphStreamId = (name: string) => `subgraph-${name}`;
