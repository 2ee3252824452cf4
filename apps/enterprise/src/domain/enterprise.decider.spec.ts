import { Forbidden, InvalidTransition, NotFound, ValidationFailed, type CommandActor } from '@shuzhi/shared-kernel';
import { deciderSpecification } from '@shuzhi/testing';
import { creditCodeCheck } from './credit-code.js';
import { enterpriseDecider, evolve, type EnterpriseCommand } from './enterprise.decider.js';
import type { EnterpriseEvent } from './enterprise.events.js';

const now = '2026-11-27T02:00:00.000Z';
const later = '2026-12-01T02:00:00.000Z';
const steward: CommandActor = { clientId: 'mr-steward', department: 'market-regulation', roles: ['STEWARD'] };
const by = { clientId: 'mr-steward', department: 'market-regulation', role: 'STEWARD' } as const;
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

type Registered = Extract<EnterpriseEvent, { type: 'EnterpriseRegistered' }>;
const enterpriseRegistered = (data: Partial<Registered['data']> = {}): EnterpriseEvent => ({
  type: 'EnterpriseRegistered',
  data: { creditCode: CODE, name: '福州某某科技有限公司', legalRepresentativeId: 'r-zhang', industryCode: 'I6513', registeredCapital: 500, employees: 36, by, at: now, ...data },
});
const enterpriseSuspended: EnterpriseEvent = { type: 'EnterpriseSuspended', data: { creditCode: CODE, reason: '通过登记的住所无法联系', by, at: later } };
const enterpriseReactivated: EnterpriseEvent = { type: 'EnterpriseReactivated', data: { creditCode: CODE, reason: '已补报年度报告', by, at: later } };
const enterpriseDeregistered: EnterpriseEvent = { type: 'EnterpriseDeregistered', data: { creditCode: CODE, reason: '股东会决议解散', by, at: later } };
const employeesUpdated: EnterpriseEvent = {
  type: 'EnterpriseEmployeesUpdated',
  data: { creditCode: CODE, employees: 52, previous: 36, reason: '2026 年度报告', by, at: later },
};
const representativeChanged: EnterpriseEvent = {
  type: 'LegalRepresentativeChanged',
  data: { creditCode: CODE, legalRepresentativeId: 'r-li', previousLegalRepresentativeId: 'r-zhang', reason: '股东会选举', by, at: later },
};

/** given: the events so far; when: a command; then: the events it decides (or the error it throws). */
const { given } = deciderSpecification(enterpriseDecider);

const types = (events: EnterpriseEvent[]) => events.map((e) => e.type);

describe('enterprise decider', () => {
  describe('registration', () => {
    it('registers an ACTIVE enterprise with its legal representative, industry, capital and employees', () => {
      given([]).when(register()).then([
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
      expect(given([enterpriseRegistered()]).state).toEqual({
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
        const [event] = given([]).when(register({ divisionCode })).events();
        expect(event.data).toMatchObject({ divisionCode: divisionCode.trim() });
        expect(given([enterpriseRegistered({ divisionCode: divisionCode.trim() })]).state).toMatchObject({ profile: { divisionCode: divisionCode.trim() } });
      });

      it('without one, lies in its registering office\'s division and writes the event as before', () => {
        const [event] = given([]).when(register({ divisionCode: null })).events();
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
        const error = given([]).when(register({ divisionCode })).thenThrows(ValidationFailed);
        expect(error.message).toMatch(reason);
        expect(error.details?.violations).toEqual([{ field: 'divisionCode', reason: expect.stringMatching(reason) }]);
      });
    });

    it('takes an entity without legal representative, capital or employee count (each optional in the API)', () => {
      const [event] = given([]).when(
        register({ legalRepresentativeId: null, registeredCapital: null, employees: undefined }, { legalRepresentative: undefined }),
      ).events();
      expect(event.data).toMatchObject({ legalRepresentativeId: null, registeredCapital: null, employees: null });
    });

    it('trims the name and the legal representative id', () => {
      const [event] = given([]).when(register({ name: '  福州某某科技有限公司 ', legalRepresentativeId: ' r-zhang ' })).events();
      expect(event.data).toMatchObject({ name: '福州某某科技有限公司', legalRepresentativeId: 'r-zhang' });
    });

    it('refuses a duplicate credit code with VALIDATION_FAILED', () => {
      const error = given([enterpriseRegistered()]).when(register({ name: '另一家公司' })).thenThrows(ValidationFailed);
      expect(error.message).toBe(`credit code ${CODE} is registered already (福州某某科技有限公司)`);
      expect(error.details).toEqual({ violations: [{ field: 'creditCode', reason: 'duplicate' }] });
    });

    it('refuses a wrong check character', () => {
      const error = given([]).when(register({ creditCode: '91350100M000100Y44' })).thenThrows(ValidationFailed);
      expect(error.details).toEqual({
        violations: [{ field: 'creditCode', reason: "the check character is '4', but GB 32100 gives '3' for 91350100M000100Y4" }],
      });
    });

    it('refuses a wrong organisation code check digit', () => {
      const first17 = '91350100M000100Y5';
      const error = given([]).when(register({ creditCode: first17 + creditCodeCheck(first17) })).thenThrows(ValidationFailed);
      expect(error.message).toMatch(/organisation code M000100Y-5 has a wrong check digit/);
    });

    it.each(['I', 'O', 'Z', 'S', 'V'])('refuses a credit code with the letter %s', (letter) => {
      const error = given([]).when(register({ creditCode: `91350100M000100${letter}43` })).thenThrows(ValidationFailed);
      expect(error.message).toMatch(/the letters I, O, Z, S and V are not used/);
    });

    it('refuses a legal representative the population register does not know, with NOT_FOUND', () => {
      const error = given([]).when(register({ legalRepresentativeId: 'r-nobody' }, { legalRepresentative: undefined })).thenThrows(NotFound);
      expect(error.message).toBe('no resident r-nobody is known to the population register');
    });

    it('refuses a deceased legal representative', () => {
      const error = given([]).when(register({}, { legalRepresentative: { residentId: 'r-zhang', deceased: true } })).thenThrows(ValidationFailed);
      expect(error.details).toEqual({ violations: [{ field: 'legalRepresentativeId', reason: 'deceased' }] });
    });

    it('does not take a fact about another resident for the one named', () => {
      given([]).when(register({ legalRepresentativeId: 'r-li' }, { legalRepresentative: ZHANG })).thenThrows(NotFound);
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
      const error = given([]).when(register(input)).thenThrows(ValidationFailed);
      expect(error.details?.violations).toEqual([{ field, reason: expect.any(String) }]);
    });

    it('refuses a reason over 2 000 characters for every change that takes one, deciding nothing', () => {
      const long = '因'.repeat(2001);
      const active = given([enterpriseRegistered()]);
      const suspended = given([enterpriseRegistered(), enterpriseSuspended]);
      for (const [state, command] of [
        [active, act('SuspendEnterprise', { reason: long })],
        [suspended, act('ReactivateEnterprise', { reason: long })],
        [active, act('DeregisterEnterprise', { reason: long })],
        [active, act('UpdateEnterpriseEmployees', { employees: 40, reason: long })],
        [active, act('ChangeLegalRepresentative', { legalRepresentativeId: LI.residentId, legalRepresentative: LI, reason: long })],
      ] as const) {
        const error = state.when(command).thenThrows(ValidationFailed);
        expect(error.details?.violations).toEqual([{ field: 'reason', reason: 'must be at most 2000 characters' }]);
      }
      expect(types(active.when(act('SuspendEnterprise', { reason: '因'.repeat(2000) })).events())).toEqual(['EnterpriseSuspended']);
    });

    it('names every problem of a registration at once', () => {
      const error = given([]).when(register({ creditCode: 'X', registeredCapital: -5, employees: -1 })).thenThrows(ValidationFailed);
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
      for (const actor of others) given([]).when(register({}, { actor })).thenThrows(Forbidden);
    });
  });

  describe('status: ACTIVE ⇄ SUSPENDED → DEREGISTERED', () => {
    it('suspends an active enterprise with a reason', () => {
      given([enterpriseRegistered()]).when(suspend).then([
        { type: 'EnterpriseSuspended', data: { creditCode: CODE, reason: '通过登记的住所无法联系', by, at: later } },
      ]);
      expect(given([enterpriseRegistered(), enterpriseSuspended]).state.status).toBe('SUSPENDED');
    });

    it('reactivates a suspended enterprise', () => {
      given([enterpriseRegistered(), enterpriseSuspended]).when(reactivate).then([
        { type: 'EnterpriseReactivated', data: { creditCode: CODE, reason: '已补报年度报告', by, at: later } },
      ]);
      expect(given([enterpriseRegistered(), enterpriseSuspended, enterpriseReactivated]).state.status).toBe('ACTIVE');
      const [withoutReason] = given([enterpriseRegistered(), enterpriseSuspended]).when(act('ReactivateEnterprise', { reason: '  ' })).events();
      expect(withoutReason.data).toMatchObject({ reason: null });
    });

    it('deregisters an active or a suspended enterprise', () => {
      expect(types(given([enterpriseRegistered()]).when(deregister).events())).toEqual(['EnterpriseDeregistered']);
      given([enterpriseRegistered(), enterpriseSuspended]).when(deregister).then([
        { type: 'EnterpriseDeregistered', data: { creditCode: CODE, reason: '股东会决议解散', by, at: later } },
      ]);
      expect(given([enterpriseRegistered(), enterpriseSuspended, enterpriseDeregistered]).state.status).toBe('DEREGISTERED');
    });

    it('refuses to suspend what is not active, or reactivate what is not suspended', () => {
      given([enterpriseRegistered(), enterpriseSuspended]).when(suspend).thenThrows(InvalidTransition);
      given([enterpriseRegistered()]).when(reactivate).thenThrows(InvalidTransition);
    });

    it('refuses a suspension or a deregistration without a reason', () => {
      given([enterpriseRegistered()]).when(act('SuspendEnterprise', { reason: ' ' })).thenThrows(ValidationFailed);
      given([enterpriseRegistered()]).when(act('DeregisterEnterprise', { reason: '' })).thenThrows(ValidationFailed);
    });

    it('changes nothing after deregistration: every command is refused', () => {
      const deregistered = given([enterpriseRegistered(), enterpriseDeregistered]);
      for (const command of [suspend, reactivate, deregister, employees(40), changeRepresentative('r-li')]) {
        const error = deregistered.when(command).thenThrows(InvalidTransition);
        expect(error.message).toMatch(/deregistration is final/);
      }
      deregistered.when(register()).thenThrows(ValidationFailed);
    });

    it('refuses any change of an enterprise that was never registered, with NOT_FOUND', () => {
      for (const command of [suspend, reactivate, deregister, employees(40), changeRepresentative('r-li')]) {
        given([]).when(command).thenThrows(NotFound);
      }
    });

    it('refuses every change from outside the register\'s stewards', () => {
      const consumer: CommandActor = { clientId: 'hr', department: 'human-resources', roles: ['CONSUMER'] };
      for (const type of ['SuspendEnterprise', 'ReactivateEnterprise', 'DeregisterEnterprise'] as const) {
        given([enterpriseRegistered(), enterpriseSuspended]).when(act(type, { reason: 'x' }, consumer)).thenThrows(Forbidden);
      }
      given([enterpriseRegistered()]).when({ ...employees(1), actor: consumer }).thenThrows(Forbidden);
      given([enterpriseRegistered()]).when({ ...changeRepresentative('r-li'), actor: consumer }).thenThrows(Forbidden);
    });
  });

  describe('employees', () => {
    it('records the new number with the one it replaces', () => {
      given([enterpriseRegistered()]).when(employees(52)).then([
        {
          type: 'EnterpriseEmployeesUpdated',
          data: { creditCode: CODE, employees: 52, previous: 36, reason: '2026 年度报告', by, at: later },
        },
      ]);
      expect(given([enterpriseRegistered(), employeesUpdated]).state).toMatchObject({ profile: { employees: 52 } });
    });

    it('updates a suspended enterprise too (an annual report is still due)', () => {
      expect(types(given([enterpriseRegistered(), enterpriseSuspended]).when(employees(0)).events())).toEqual(['EnterpriseEmployeesUpdated']);
    });

    it('writes nothing when the number does not change', () => {
      given([enterpriseRegistered()]).when(employees(36)).then([]);
    });

    it.each([-1, 1.5, Number.POSITIVE_INFINITY])('refuses %p employees', (n) => {
      given([enterpriseRegistered()]).when(employees(n)).thenThrows(ValidationFailed);
    });
  });

  describe('legal representative', () => {
    it('changes to another known resident, keeping the previous one in the event', () => {
      given([enterpriseRegistered()]).when(changeRepresentative('r-li')).then([
        {
          type: 'LegalRepresentativeChanged',
          data: { creditCode: CODE, legalRepresentativeId: 'r-li', previousLegalRepresentativeId: 'r-zhang', reason: '股东会选举', by, at: later },
        },
      ]);
      expect(given([enterpriseRegistered(), representativeChanged]).state).toMatchObject({ profile: { legalRepresentativeId: 'r-li' } });
    });

    it('refuses an unknown resident with NOT_FOUND and a deceased one with VALIDATION_FAILED', () => {
      given([enterpriseRegistered()]).when(changeRepresentative('r-nobody')).thenThrows(NotFound);
      given([enterpriseRegistered()]).when(changeRepresentative('r-li', { residentId: 'r-li', deceased: true })).thenThrows(ValidationFailed);
      given([enterpriseRegistered()]).when(changeRepresentative(' ')).thenThrows(ValidationFailed);
    });

    it('writes nothing when the representative stays the same', () => {
      given([enterpriseRegistered()]).when(changeRepresentative('r-zhang', ZHANG)).then([]);
    });
  });
});
