import type { CommandActor } from '@shuzhi/shared-kernel';
import type { SubgraphEvent } from '@shuzhi/governance-events';
import { deciderSpecification } from '@shuzhi/testing';
import { subgraphDecider, type SubgraphCommand } from './subgraph.decider.js';

const bureau: CommandActor = { clientId: 'platform-admin', department: 'data-bureau', roles: ['PLATFORM'] };
const steward: CommandActor = { clientId: 'mr-steward', department: 'market-regulation', roles: ['STEWARD'] };
const now = '2026-12-07T10:00:00.000Z';

const register = (overrides: Partial<SubgraphCommand> = {}): SubgraphCommand => ({
  type: 'RegisterSubgraph',
  actor: bureau,
  now,
  name: 'enterprise',
  departmentCode: 'market-regulation',
  fields: ['Query.enterprise', 'Enterprise.name', 'Enterprise.creditCode'],
  departmentRegistered: true,
  ...overrides,
});

const registered: SubgraphEvent = {
  type: 'SubgraphRegistered',
  data: {
    name: 'enterprise',
    departmentCode: 'market-regulation',
    fields: ['Enterprise.creditCode', 'Enterprise.name', 'Query.enterprise'],
    by: { clientId: 'platform-admin', department: 'data-bureau', role: 'PLATFORM' },
    at: now,
  },
};

const { given } = deciderSpecification(subgraphDecider);

describe('subgraph registry', () => {
  it('the data bureau registers a subgraph with its department and the fields it resolves, sorted', () => {
    given([]).when(register()).then([registered]);
  });

  it('registering the same fields again changes nothing; new fields are recorded as its schema now', () => {
    given([registered]).when(register()).then([]);
    given([registered]).when(register({ fields: ['Enterprise.name', 'Enterprise.status'] })).then([
      { type: 'SubgraphSchemaRecorded', data: expect.objectContaining({ name: 'enterprise', fields: ['Enterprise.name', 'Enterprise.status'] }) },
    ]);
  });

  it.each<[string, Partial<SubgraphCommand>, string]>([
    ['by a steward, even of the department it names', { actor: steward }, 'FORBIDDEN'],
    ['for a department not registered', { departmentRegistered: false }, 'NOT_FOUND'],
    ['under a malformed name', { name: 'Enterprise Service' }, 'VALIDATION_FAILED'],
    ['resolving nothing', { fields: [] }, 'VALIDATION_FAILED'],
    ['naming a field that is not Type.field', { fields: ['Enterprise.name\nx'] }, 'VALIDATION_FAILED'],
  ])('is refused %s', (_case, overrides, code) => {
    given([]).when(register(overrides)).thenThrows(code);
  });

  it('a registered subgraph never changes department', () => {
    given([registered]).when(register({ departmentCode: 'public-security' })).thenThrows('INVALID_TRANSITION');
  });
});
