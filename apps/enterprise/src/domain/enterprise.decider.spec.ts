import { Forbidden, InvalidTransition, NotFound, ValidationFailed, type CommandActor } from '@shuzhi/shared-kernel';
import { creditCodeCheck } from './credit-code.js';
import { decide, enterpriseDecider, evolve, type EnterpriseCommand, type EnterpriseState } from './enterprise.decider.js';
import type { EnterpriseEvent } from './enterprise.events.js';

const now = '2026-11-27T02:00:00.000Z';
const later = '2026-12-01T02:00:00.000Z';
const steward: CommandActor = { clientId: 'mr-steward', department: 'market-regulation', roles: ['STEWARD'] };
const by = { clientId: 'mr-steward', department: 'market-regulation', role: 'STEWARD' };
const CODE = '91350100M000100Y43';
const ZHANG = { residentId: 'r-zhang', deceased: false };
const LI = { residentId: 'r-li', deceased: false };

type Register = Extract<EnterpriseCommand, { type: 'RegisterEnterprise' }>;
const register = (input: Partial<Register['input']> = {}, overrides: Partial<Register> = {}): Register => ({
  type: 'RegisterEnterprise',
  actor: steward,
  now,
  input: {
    creditCode: CODE,
    name: '福州某某科技有限公司',
    legalRepresentativeId: 'r-zhang',
    industryCode: 'I6513',
    registeredCapital: 500,
    employees: 36,
    ...input,
  },
  legalRepresentative: ZHANG,
  ...overrides,
});

const act = <T extends Exclude<EnterpriseCommand['type'], 'RegisterEnterprise'>>(
  type: T,
  extra: Omit<Extract<EnterpriseCommand, { type: T }>, 'type' | 'actor' | 'now'>,
  actor: CommandActor = steward,
) => ({ type, actor, now: later, ...extra }) as EnterpriseCommand;
const suspend = act('SuspendEnterprise', { reason: '通过登记的住所无法联系' });
const reactivate = act('ReactivateEnterprise', { reason: '已补报年度报告' });
const deregister = act('DeregisterEnterprise', { reason: '股东会决议解散' });
const employees = (n: number) => act('UpdateEnterpriseEmployees', { employees: n, reason: '2026 年度报告' });
const changeRepresentative = (id: string, fact = id === LI.residentId ? LI : undefined) =>
  act('ChangeLegalRepresentative', { legalRepresentativeId: id, legalRepresentative: fact, reason: '股东会选举' });

/** given: the commands so far; when: a command; then: the events it decides (or the error it throws). */
const given = (...commands: EnterpriseCommand[]) => {
  let state: EnterpriseState = enterpriseDecider.initialState;
  for (const command of commands) state = decide(command, state).reduce(evolve, state);
  return { state, when: (command: EnterpriseCommand) => decide(command, state) };
};

const types = (events: EnterpriseEvent[]) => events.map((e) => e.type);

/** The error a command is refused with, for asserting its class and details together. */
const refusal = (run: () => unknown): Error & { details?: Record<string, unknown> } => {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('the command was not refused');
};

describe('enterprise decider', () => {
  describe('registration', () => {
    it('registers an ACTIVE enterprise with its legal representative, industry, capital and employees', () => {
      expect(given().when(register())).toEqual([
        {
          type: 'EnterpriseRegistered',
          data: {
            creditCode: CODE,
            name: '福州某某科技有限公司',
            legalRepresentativeId: 'r-zhang',
            industryCode: 'I6513',
            registeredCapital: 500,
            employees: 36,
            by,
            at: now,
          },
        },
      ]);
      expect(given(register()).state).toEqual({
        status: 'ACTIVE',
        profile: {
          creditCode: CODE,
          name: '福州某某科技有限公司',
          legalRepresentativeId: 'r-zhang',
          industryCode: 'I6513',
          registeredCapital: 500,
          employees: 36,
          registeredAt: now,
          // Positions 3–8 of the credit code: 福州 (350100) registered it.
          divisionCode: '350100',
        },
      });
    });

    describe('where it lies', () => {
      it.each([
        ['a street', '350102001'],
        ['a community', ' 350102001002 '],
      ])('records the %s of its registered address, and lies there', (_, divisionCode) => {
        const [event] = given().when(register({ divisionCode }));
        expect(event.data).toMatchObject({ divisionCode: divisionCode.trim() });
        expect(given(register({ divisionCode })).state).toMatchObject({ profile: { divisionCode: divisionCode.trim() } });
      });

      it('without one, lies in its registering office\'s division and writes the event as before', () => {
        const [event] = given().when(register({ divisionCode: null }));
        expect(event.data).not.toHaveProperty('divisionCode');
        // An event as written before divisions (registered by 西湖区, 330106), and one whose positions 3–8 name no division.
        const older = { type: 'EnterpriseRegistered', data: { ...event.data, creditCode: '91330106MA0000010X' } } as EnterpriseEvent;
        expect(evolve(enterpriseDecider.initialState, older)).toMatchObject({ profile: { divisionCode: '330106' } });
        const nowhere = { type: 'EnterpriseRegistered', data: { ...event.data, creditCode: '91990000MA0000010X' } } as EnterpriseEvent;
        expect(evolve(enterpriseDecider.initialState, nowhere)).toMatchObject({ profile: { divisionCode: null } });
      });

      it.each([
        ['a district\'s code, no finer than the credit code', '350102', /a street's \(9 digits\) or community's \(12 digits\) code; 350102 is a DISTRICT's/],
        ['a padded community', '350102000000', /ends in 000/],
        ['a cut code', '3501020', /got 7/],
        ['letters', '35010200A', /written in digits/],
      ])('refuses %s, naming the field', (_, divisionCode, reason) => {
        const error = refusal(() => given().when(register({ divisionCode })));
        expect(error).toBeInstanceOf(ValidationFailed);
        expect(error.message).toMatch(reason);
        expect(error.details?.violations).toEqual([{ field: 'divisionCode', reason: expect.stringMatching(reason) }]);
      });
    });

    it('takes an entity without legal representative, capital or employee count (each optional in the API)', () => {
      const [event] = given().when(
        register({ legalRepresentativeId: null, registeredCapital: null, employees: undefined }, { legalRepresentative: undefined }),
      );
      expect(event.data).toMatchObject({ legalRepresentativeId: null, registeredCapital: null, employees: null });
    });

    it('trims the name and the legal representative id', () => {
      const [event] = given().when(register({ name: '  福州某某科技有限公司 ', legalRepresentativeId: ' r-zhang ' }));
      expect(event.data).toMatchObject({ name: '福州某某科技有限公司', legalRepresentativeId: 'r-zhang' });
    });

    it('refuses a duplicate credit code with VALIDATION_FAILED', () => {
      const error = refusal(() => given(register()).when(register({ name: '另一家公司' })));
      expect(error).toBeInstanceOf(ValidationFailed);
      expect(error.message).toBe(`credit code ${CODE} is registered already (福州某某科技有限公司)`);
      expect(error.details).toEqual({ violations: [{ field: 'creditCode', reason: 'duplicate' }] });
    });

    it('refuses a wrong check character', () => {
      const error = refusal(() => given().when(register({ creditCode: '91350100M000100Y44' })));
      expect(error).toBeInstanceOf(ValidationFailed);
      expect(error.details).toEqual({
        violations: [{ field: 'creditCode', reason: "the check character is '4', but GB 32100 gives '3' for 91350100M000100Y4" }],
      });
    });

    it('refuses a wrong organisation code check digit', () => {
      const first17 = '91350100M000100Y5';
      const error = refusal(() => given().when(register({ creditCode: first17 + creditCodeCheck(first17) })));
      expect(error).toBeInstanceOf(ValidationFailed);
      expect(error.message).toMatch(/organisation code M000100Y-5 has a wrong check digit/);
    });

    it.each(['I', 'O', 'Z', 'S', 'V'])('refuses a credit code with the letter %s', (letter) => {
      const error = refusal(() => given().when(register({ creditCode: `91350100M000100${letter}43` })));
      expect(error).toBeInstanceOf(ValidationFailed);
      expect(error.message).toMatch(/the letters I, O, Z, S and V are not used/);
    });

    it('refuses a legal representative the population register does not know, with NOT_FOUND', () => {
      const error = refusal(() => given().when(register({ legalRepresentativeId: 'r-nobody' }, { legalRepresentative: undefined })));
      expect(error).toBeInstanceOf(NotFound);
      expect(error.message).toBe('no resident r-nobody is known to the population register');
    });

    it('refuses a deceased legal representative', () => {
      const error = refusal(() => given().when(register({}, { legalRepresentative: { residentId: 'r-zhang', deceased: true } })));
      expect(error).toBeInstanceOf(ValidationFailed);
      expect(error.details).toEqual({ violations: [{ field: 'legalRepresentativeId', reason: 'deceased' }] });
    });

    it('does not take a fact about another resident for the one named', () => {
      expect(() => given().when(register({ legalRepresentativeId: 'r-li' }, { legalRepresentative: ZHANG }))).toThrow(NotFound);
    });

    it.each([
      ['negative registered capital', { registeredCapital: -1 }, 'registeredCapital'],
      ['registered capital that is no number', { registeredCapital: Number.NaN }, 'registeredCapital'],
      ['negative employees', { employees: -3 }, 'employees'],
      ['a fraction of an employee', { employees: 2.5 }, 'employees'],
      ['an empty name', { name: '   ' }, 'name'],
      ['a name of 101 characters', { name: '企'.repeat(101) }, 'name'],
      ['an industry code of a section after T', { industryCode: 'Z01' }, 'industryCode'],
      ['an industry division outside its section', { industryCode: 'I39' }, 'industryCode'],
      ['an empty legal representative id', { legalRepresentativeId: ' ' }, 'legalRepresentativeId'],
      ['a name of two lines', { name: '福州某某\n科技有限公司' }, 'name'],
      ['a legal representative id of 5 000 characters', { legalRepresentativeId: 'r'.repeat(5000) }, 'legalRepresentativeId'],
      ['a legal representative id with a newline', { legalRepresentativeId: 'r-zhang\nr-li' }, 'legalRepresentativeId'],
    ])('refuses %s', (_, input, field) => {
      const error = refusal(() => given().when(register(input)));
      expect(error).toBeInstanceOf(ValidationFailed);
      expect(error.details?.violations).toEqual([{ field, reason: expect.any(String) }]);
    });

    it('refuses a reason over 2 000 characters for every change that takes one, deciding nothing', () => {
      const long = '因'.repeat(2001);
      const active = given(register());
      const suspended = given(register(), suspend);
      for (const [state, command] of [
        [active, act('SuspendEnterprise', { reason: long })],
        [suspended, act('ReactivateEnterprise', { reason: long })],
        [active, act('DeregisterEnterprise', { reason: long })],
        [active, act('UpdateEnterpriseEmployees', { employees: 40, reason: long })],
        [active, act('ChangeLegalRepresentative', { legalRepresentativeId: LI.residentId, legalRepresentative: LI, reason: long })],
      ] as const) {
        const error = refusal(() => state.when(command));
        expect(error).toBeInstanceOf(ValidationFailed);
        expect(error.details?.violations).toEqual([{ field: 'reason', reason: 'must be at most 2000 characters' }]);
      }
      expect(types(active.when(act('SuspendEnterprise', { reason: '因'.repeat(2000) })))).toEqual(['EnterpriseSuspended']);
    });

    it('names every problem of a registration at once', () => {
      const error = refusal(() => given().when(register({ creditCode: 'X', registeredCapital: -5, employees: -1 })));
      expect((error.details?.violations as Array<{ field: string }>).map((v) => v.field)).toEqual([
        'creditCode',
        'registeredCapital',
        'employees',
      ]);
    });

    it('is the market regulation stewards\' alone', () => {
      const others: CommandActor[] = [
        { clientId: 'ps', department: 'public-security', roles: ['STEWARD'] },
        { clientId: 'mr-system', department: 'market-regulation', roles: ['CONSUMER'] },
        { clientId: 'bureau', department: 'data-bureau', roles: ['PLATFORM'] },
      ];
      for (const actor of others) expect(() => given().when(register({}, { actor }))).toThrow(Forbidden);
    });
  });

  describe('status: ACTIVE ⇄ SUSPENDED → DEREGISTERED', () => {
    it('suspends an active enterprise with a reason', () => {
      expect(given(register()).when(suspend)).toEqual([
        { type: 'EnterpriseSuspended', data: { creditCode: CODE, reason: '通过登记的住所无法联系', by, at: later } },
      ]);
      expect(given(register(), suspend).state.status).toBe('SUSPENDED');
    });

    it('reactivates a suspended enterprise', () => {
      expect(given(register(), suspend).when(reactivate)).toEqual([
        { type: 'EnterpriseReactivated', data: { creditCode: CODE, reason: '已补报年度报告', by, at: later } },
      ]);
      expect(given(register(), suspend, reactivate).state.status).toBe('ACTIVE');
      const [withoutReason] = given(register(), suspend).when(act('ReactivateEnterprise', { reason: '  ' }));
      expect(withoutReason.data).toMatchObject({ reason: null });
    });

    it('deregisters an active or a suspended enterprise', () => {
      expect(types(given(register()).when(deregister))).toEqual(['EnterpriseDeregistered']);
      expect(given(register(), suspend).when(deregister)).toEqual([
        { type: 'EnterpriseDeregistered', data: { creditCode: CODE, reason: '股东会决议解散', by, at: later } },
      ]);
      expect(given(register(), suspend, deregister).state.status).toBe('DEREGISTERED');
    });

    it('refuses to suspend what is not active, or reactivate what is not suspended', () => {
      expect(() => given(register(), suspend).when(suspend)).toThrow(InvalidTransition);
      expect(() => given(register()).when(reactivate)).toThrow(InvalidTransition);
    });

    it('refuses a suspension or a deregistration without a reason', () => {
      expect(() => given(register()).when(act('SuspendEnterprise', { reason: ' ' }))).toThrow(ValidationFailed);
      expect(() => given(register()).when(act('DeregisterEnterprise', { reason: '' }))).toThrow(ValidationFailed);
    });

    it('changes nothing after deregistration: every command is refused', () => {
      const deregistered = given(register(), deregister);
      for (const command of [suspend, reactivate, deregister, employees(40), changeRepresentative('r-li')]) {
        const error = refusal(() => deregistered.when(command));
        expect(error).toBeInstanceOf(InvalidTransition);
        expect(error.message).toMatch(/deregistration is final/);
      }
      expect(() => deregistered.when(register())).toThrow(ValidationFailed);
    });

    it('refuses any change of an enterprise that was never registered, with NOT_FOUND', () => {
      for (const command of [suspend, reactivate, deregister, employees(40), changeRepresentative('r-li')]) {
        expect(() => given().when(command)).toThrow(NotFound);
      }
    });

    it('refuses every change from outside the register\'s stewards', () => {
      const consumer: CommandActor = { clientId: 'hr', department: 'human-resources', roles: ['CONSUMER'] };
      for (const type of ['SuspendEnterprise', 'ReactivateEnterprise', 'DeregisterEnterprise'] as const) {
        expect(() => given(register(), suspend).when(act(type, { reason: 'x' }, consumer))).toThrow(Forbidden);
      }
      expect(() => given(register()).when({ ...employees(1), actor: consumer })).toThrow(Forbidden);
      expect(() => given(register()).when({ ...changeRepresentative('r-li'), actor: consumer })).toThrow(Forbidden);
    });
  });

  describe('employees', () => {
    it('records the new number with the one it replaces', () => {
      expect(given(register()).when(employees(52))).toEqual([
        {
          type: 'EnterpriseEmployeesUpdated',
          data: { creditCode: CODE, employees: 52, previous: 36, reason: '2026 年度报告', by, at: later },
        },
      ]);
      expect(given(register(), employees(52)).state).toMatchObject({ profile: { employees: 52 } });
    });

    it('updates a suspended enterprise too (an annual report is still due)', () => {
      expect(types(given(register(), suspend).when(employees(0)))).toEqual(['EnterpriseEmployeesUpdated']);
    });

    it('writes nothing when the number does not change', () => {
      expect(given(register()).when(employees(36))).toEqual([]);
    });

    it.each([-1, 1.5, Number.POSITIVE_INFINITY])('refuses %p employees', (n) => {
      expect(() => given(register()).when(employees(n))).toThrow(ValidationFailed);
    });
  });

  describe('legal representative', () => {
    it('changes to another known resident, keeping the previous one in the event', () => {
      expect(given(register()).when(changeRepresentative('r-li'))).toEqual([
        {
          type: 'LegalRepresentativeChanged',
          data: { creditCode: CODE, legalRepresentativeId: 'r-li', previousLegalRepresentativeId: 'r-zhang', reason: '股东会选举', by, at: later },
        },
      ]);
      expect(given(register(), changeRepresentative('r-li')).state).toMatchObject({ profile: { legalRepresentativeId: 'r-li' } });
    });

    it('refuses an unknown resident with NOT_FOUND and a deceased one with VALIDATION_FAILED', () => {
      expect(() => given(register()).when(changeRepresentative('r-nobody'))).toThrow(NotFound);
      expect(() => given(register()).when(changeRepresentative('r-li', { residentId: 'r-li', deceased: true }))).toThrow(ValidationFailed);
      expect(() => given(register()).when(changeRepresentative(' '))).toThrow(ValidationFailed);
    });

    it('writes nothing when the representative stays the same', () => {
      expect(given(register()).when(changeRepresentative('r-zhang', ZHANG))).toEqual([]);
    });
  });
});
