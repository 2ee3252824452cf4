import { Forbidden, InvalidTransition, ValidationFailed, type CommandActor } from '@shuzhi/shared-kernel';
import type { GridPlace } from '@shuzhi/population-events';
import { decide, evolve, householdDecider, type HouseholdCommand } from './household.decider.js';

const now = '2026-11-27T02:00:00.000Z';
const steward: CommandActor = { clientId: 'ps-steward', department: 'public-security', roles: ['STEWARD'] };

const grid: GridPlace = {
  district: { code: '330106', name: '西湖区' },
  street: { code: '330106007', name: '翠苑街道' },
  community: { code: '330106007003', name: '文华社区' },
};
const register = (input: Partial<HouseholdCommand['input']> = {}, actor = steward): HouseholdCommand => ({
  type: 'RegisterHousehold',
  householdId: 'h-1',
  actor,
  now,
  input: { address: '杭州市西湖区文二西路128号3幢2单元501室', grid, ...input },
});
const withUnit = (level: keyof GridPlace, unit: Partial<GridPlace[keyof GridPlace]>) => register({ grid: { ...grid, [level]: { ...grid[level], ...unit } } });

describe('household decider', () => {
  it('registers a household at an address and a place in the grid', () => {
    const events = decide(register({ address: '  杭州市西湖区文二西路128号3幢2单元501室 ' }), householdDecider.initialState);
    expect(events).toEqual([
      {
        type: 'HouseholdRegistered',
        data: {
          householdId: 'h-1',
          address: '杭州市西湖区文二西路128号3幢2单元501室',
          grid,
          by: { clientId: 'ps-steward', department: 'public-security', role: 'STEWARD' },
          at: now,
        },
      },
    ]);
    expect(events.reduce(evolve, householdDecider.initialState)).toMatchObject({ status: 'REGISTERED', householdId: 'h-1', grid });
  });

  it('refuses registering the same household twice (INVALID_TRANSITION)', () => {
    const state = decide(register(), householdDecider.initialState).reduce(evolve, householdDecider.initialState);
    expect(() => decide(register(), state)).toThrow(InvalidTransition);
  });

  it('is for a steward of public security only (FORBIDDEN)', () => {
    expect(() => decide(register({}, { ...steward, department: 'civil-affairs' }), householdDecider.initialState)).toThrow(Forbidden);
  });

  it.each([
    ['no address', register({ address: '  ' }), /address of 1 to 200/],
    ['an address of 201 characters', register({ address: '路'.repeat(201) }), /address of 1 to 200/],
    ['a district code of 5 digits', withUnit('district', { code: '33010' }), /district code 33010 is malformed/],
    ['a prefecture\'s code as district', withUnit('district', { code: '330100' }), /not a county-level division code/],
    ['a district in no province', withUnit('district', { code: '990106' }), /not a county-level division code/],
    ['a street outside its district', withUnit('street', { code: '330105007' }), /street code 330105007 does not lie under 330106/],
    ['a street code ending in 000', withUnit('street', { code: '330106000' }), /ends in 000/],
    ['a community outside its street', withUnit('community', { code: '330106008003' }), /does not lie under 330106007/],
    ['a community code of 9 digits', withUnit('community', { code: '330106007' }), /community code 330106007 is malformed/],
    ['a community without a name', withUnit('community', { name: ' ' }), /community needs a name/],
    ['no grid at all', register({ grid: undefined as never }), /district code {2}is malformed/],
    ['an address of two lines', register({ address: '杭州市西湖区\n文二西路128号' }), 'address must be one line without control characters'],
    ['a community name holding a control character', withUnit('community', { name: '文华\u0000社区' }), 'communityName must be one line without control characters'],
  ])('refuses %s (VALIDATION_FAILED)', (_, command, reason) => {
    expect(() => decide(command, householdDecider.initialState)).toThrow(ValidationFailed);
    expect(() => decide(command, householdDecider.initialState)).toThrow(reason);
  });
});
