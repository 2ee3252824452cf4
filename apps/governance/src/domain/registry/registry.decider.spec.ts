import { Forbidden, InvalidTransition, NotFound, ValidationFailed, type CommandActor } from '@shuzhi/shared-kernel';
import type { ClientEvent, ClientKeyIssued } from '@shuzhi/governance-events';
import { deciderSpecification } from '@shuzhi/testing';
import { clientDecider, departmentDecider, purposeDecider, type ClientCommand } from './registry.decider.js';

const now = '2026-11-27T02:00:00.000Z';
const platform: CommandActor = { clientId: 'bureau', department: 'data-bureau', roles: ['PLATFORM'] };
const steward: CommandActor = { clientId: 's', department: 'public-security', roles: ['STEWARD'] };

describe('department and purpose registries', () => {
  it('the platform registers a department once', () => {
    const register = { type: 'RegisterDepartment', actor: platform, now, code: 'civil-affairs', name: '民政局' } as const;
    const events = departmentDecider.decide(register, departmentDecider.initialState);
    expect(events).toEqual([
      { type: 'DepartmentRegistered', data: { code: 'civil-affairs', name: '民政局', by: { clientId: 'bureau', department: 'data-bureau', role: 'PLATFORM' }, at: now } },
    ]);
    const state = events.reduce(departmentDecider.evolve, departmentDecider.initialState);
    expect(() => departmentDecider.decide(register, state)).toThrow(InvalidTransition);
    expect(() => departmentDecider.decide({ ...register, actor: steward }, departmentDecider.initialState)).toThrow(Forbidden);
    expect(() => departmentDecider.decide({ ...register, code: 'Civil Affairs' }, departmentDecider.initialState)).toThrow(ValidationFailed);
  });

  describe('a department\'s area', () => {
    const register = { type: 'RegisterDepartment', actor: platform, now, code: 'xihu-district', name: '西湖区人民政府' } as const;
    const registered = (command: Parameters<typeof departmentDecider.decide>[0]) =>
      departmentDecider.decide(command, departmentDecider.initialState).reduce(departmentDecider.evolve, departmentDecider.initialState);

    it.each([
      ['a province', '330000', 'PROVINCE'],
      ['a city', '330100', 'CITY'],
      ['a district', '330106', 'DISTRICT'],
      ['a street', '330106001', 'STREET'],
    ])('given %s\'s code and no level, then the level follows from the code', (_, divisionCode, level) => {
      const [event] = departmentDecider.decide({ ...register, divisionCode }, departmentDecider.initialState);
      expect(event.data).toMatchObject({ level, divisionCode });
      expect(registered({ ...register, divisionCode })).toMatchObject({ status: 'REGISTERED', level, divisionCode });
    });

    it('given a level that agrees with the code, then both are recorded', () => {
      expect(registered({ ...register, level: 'STREET', divisionCode: ' 330106001 ' })).toMatchObject({ level: 'STREET', divisionCode: '330106001' });
    });

    it('given no division, then the department serves the whole area and the event keeps its first shape', () => {
      const [event] = departmentDecider.decide({ ...register, level: null, divisionCode: null }, departmentDecider.initialState);
      expect(Object.keys(event.data).sort()).toEqual(['at', 'by', 'code', 'name']);
      expect(registered(register)).toMatchObject({ level: null, divisionCode: null });
    });

    it('folds an event written before departments had areas', () => {
      const old = { type: 'DepartmentRegistered', data: { code: 'civil-affairs', name: '民政局', by: { clientId: 'b', department: 'data-bureau', role: 'PLATFORM' }, at: now } } as const;
      expect(departmentDecider.evolve(departmentDecider.initialState, old)).toEqual({ status: 'REGISTERED', code: 'civil-affairs', name: '民政局', level: null, divisionCode: null });
    });

    it.each([
      ['a level without a division', { level: 'DISTRICT' as const }, 'divisionCode', /give its divisionCode/],
      ['a level the code does not have', { level: 'STREET' as const, divisionCode: '330106' }, 'level', /330106 is the code of a DISTRICT, not of a STREET/],
      ['an unknown level', { level: 'VILLAGE' as never, divisionCode: '330106' }, 'level', /unknown department level VILLAGE/],
      ['a community\'s code', { divisionCode: '330106001001' }, 'divisionCode', /community's code/],
      ['a malformed code', { divisionCode: '33010' }, 'divisionCode', /divisionCode a division code has 6/],
      ['a padded code', { divisionCode: '330106000000' }, 'divisionCode', /ends in 000/],
      ['a code of no province', { divisionCode: '990106' }, 'divisionCode', /99 begins no province/],
    ])('refuses %s, naming the field, and decides nothing', (_, area, field, message) => {
      expect(() => departmentDecider.decide({ ...register, ...area }, departmentDecider.initialState)).toThrow(message);
      expect(() => departmentDecider.decide({ ...register, ...area }, departmentDecider.initialState)).toThrow(
        expect.objectContaining({ details: expect.objectContaining({ field }) }),
      );
    });
  });

  it('the platform registers a purpose code once', () => {
    const register = { type: 'RegisterPurpose', actor: platform, now, code: 'SUBSIDY_ELIGIBILITY', name: '补贴资格核验', description: null } as const;
    const state = purposeDecider.decide(register, purposeDecider.initialState).reduce(purposeDecider.evolve, purposeDecider.initialState);
    expect(state).toEqual({ status: 'REGISTERED', code: 'SUBSIDY_ELIGIBILITY' });
    expect(() => purposeDecider.decide(register, state)).toThrow(InvalidTransition);
    expect(() => purposeDecider.decide({ ...register, code: 'subsidy' }, purposeDecider.initialState)).toThrow(ValidationFailed);
    expect(() => purposeDecider.decide({ ...register, actor: steward }, purposeDecider.initialState)).toThrow(Forbidden);
  });

  it('refuses an over-long or multi-line name and an over-long description, deciding nothing', () => {
    const department = { type: 'RegisterDepartment', actor: platform, now, code: 'civil-affairs', name: '民政局' } as const;
    expect(() => departmentDecider.decide({ ...department, name: '民'.repeat(201) }, departmentDecider.initialState)).toThrow('name must be at most 200 characters');
    const purpose = { type: 'RegisterPurpose', actor: platform, now, code: 'SUBSIDY_ELIGIBILITY', name: '补贴资格核验', description: null } as const;
    expect(() => purposeDecider.decide({ ...purpose, name: '补贴\r\n资格' }, purposeDecider.initialState)).toThrow('name must be one line without control characters');
    expect(() => purposeDecider.decide({ ...purpose, description: '用'.repeat(4001) }, purposeDecider.initialState)).toThrow('description must be at most 4000 characters');
    expect(purposeDecider.decide({ ...purpose, description: '第一段\n第二段' }, purposeDecider.initialState)[0].data.description).toBe('第一段\n第二段');
  });
});

describe('client keys', () => {
  const issue = (overrides: Partial<Extract<ClientCommand, { type: 'IssueClientKey' }>> = {}): ClientCommand => ({
    type: 'IssueClientKey',
    actor: platform,
    now,
    clientId: 'c-1',
    departmentCode: 'public-security',
    name: 'household registry',
    roles: ['CONSUMER'],
    keyHash: 'scrypt$...',
    departmentRegistered: true,
    ...overrides,
  });
  const revoke: ClientCommand = { type: 'RevokeClientKey', actor: platform, now, reason: 'leaked' };
  const byBureau = { clientId: 'bureau', department: 'data-bureau', role: 'PLATFORM' } as const;
  const keyIssued = (data: Partial<ClientKeyIssued['data']> = {}): ClientEvent => ({
    type: 'ClientKeyIssued',
    data: { clientId: 'c-1', departmentCode: 'public-security', name: 'household registry', roles: ['CONSUMER'], keyHash: 'scrypt$...', by: byBureau, at: now, ...data },
  });
  const keyRevoked: ClientEvent = { type: 'ClientKeyRevoked', data: { clientId: 'c-1', reason: 'leaked', by: byBureau, at: now } };
  const { given } = deciderSpecification(clientDecider);

  it('issues a key with roles, keeping only its hash; revokes it once', () => {
    const [issued] = given([]).when(issue()).events();
    expect(issued).toMatchObject({ type: 'ClientKeyIssued', data: { clientId: 'c-1', roles: ['CONSUMER'], keyHash: 'scrypt$...' } });
    expect(given([keyIssued()]).when(revoke).events()).toMatchObject([{ type: 'ClientKeyRevoked', data: { reason: 'leaked' } }]);
    given([keyIssued(), keyRevoked]).when(revoke).thenThrows(InvalidTransition);
  });

  it('a steward issues and revokes its own department\'s CONSUMER and STEWARD keys, in its own name', () => {
    const [issued] = given([]).when(issue({ actor: steward, roles: ['CONSUMER', 'STEWARD'] })).events();
    expect(issued).toMatchObject({
      type: 'ClientKeyIssued',
      data: { departmentCode: 'public-security', roles: ['CONSUMER', 'STEWARD'], by: { clientId: 's', department: 'public-security', role: 'STEWARD' } },
    });
    expect(given([keyIssued({ roles: ['CONSUMER', 'STEWARD'] })]).when({ ...revoke, actor: steward }).events()).toMatchObject([
      { type: 'ClientKeyRevoked', data: { by: { clientId: 's', role: 'STEWARD' } } },
    ]);
    given([]).when(issue({ actor: steward, departmentCode: 'civil-affairs' })).thenThrows(Forbidden);
    given([keyIssued({ departmentCode: 'civil-affairs' })]).when({ ...revoke, actor: steward }).thenThrows(Forbidden);
  });

  it.each([['PLATFORM'], ['AUDITOR'], ['CITIZEN_CHANNEL']] as const)(
    'only the data bureau issues and revokes a %s key: a steward is refused, even for its own department and alongside its own roles',
    (role) => {
      const forbidden = 'only the data bureau (PLATFORM role), or a steward of public-security for its own CONSUMER and STEWARD keys, may do this';
      expect(() => given([]).when(issue({ actor: steward, roles: [role] })).events()).toThrow(forbidden);
      given([]).when(issue({ actor: steward, roles: ['CONSUMER', role] })).thenThrows(Forbidden);
      expect(() => given([keyIssued({ roles: ['CONSUMER', role] })]).when({ ...revoke, actor: steward }).events()).toThrow(forbidden);
      // A steward that is also a consumer, or holds the role itself, is no nearer to the bureau.
      const stewardToo: CommandActor = { ...steward, roles: ['STEWARD', 'CONSUMER', ...(role === 'PLATFORM' ? [] : [role])] };
      given([]).when(issue({ actor: stewardToo, roles: [role] })).thenThrows(Forbidden);

      const [issued] = given([]).when(issue({ roles: [role] })).events();
      expect(issued).toMatchObject({ type: 'ClientKeyIssued', data: { roles: [role], by: { clientId: 'bureau', role: 'PLATFORM' } } });
      expect(given([keyIssued({ roles: [role] })]).when(revoke).events()).toMatchObject([{ type: 'ClientKeyRevoked', data: { by: { role: 'PLATFORM' } } }]);
    },
  );

  it('refuses anyone else keys altogether: a consumer, a citizen channel, an auditor', () => {
    for (const roles of [['CONSUMER'], ['CITIZEN_CHANNEL'], ['AUDITOR']] as const) {
      const actor: CommandActor = { clientId: 'x', department: 'public-security', roles };
      given([]).when(issue({ actor })).thenThrows(Forbidden);
      given([keyIssued()]).when({ ...revoke, actor }).thenThrows(Forbidden);
    }
  });

  it.each([
    ['no roles', issue({ roles: [] }), ValidationFailed],
    ['an unknown role', issue({ roles: ['ROOT' as never] }), ValidationFailed],
    ['an unknown department', issue({ departmentRegistered: false }), NotFound],
    ['no name', issue({ name: '' }), ValidationFailed],
  ])('refuses a key with %s', (_, command, error) => {
    expect(() => given([]).when(command).events()).toThrow(error);
  });

  it.each([
    ['a name of 201 characters', issue({ name: '系'.repeat(201) }), 'name must be at most 200 characters'],
    ['a name of two lines', issue({ name: 'household\nregistry' }), 'name must be one line without control characters'],
  ])('refuses a key with %s, deciding nothing', (_, command, message) => {
    expect(() => given([]).when(command).events()).toThrow(message);
  });

  it('refuses a revocation reason over 2 000 characters, and keeps a reason at the limit', () => {
    expect(() => given([keyIssued()]).when({ ...revoke, reason: '泄'.repeat(2001) } as ClientCommand).events()).toThrow('reason must be at most 2000 characters');
    expect(given([keyIssued()]).when({ ...revoke, reason: '泄'.repeat(2000) } as ClientCommand).events()).toMatchObject([{ data: { reason: '泄'.repeat(2000) } }]);
  });
});
