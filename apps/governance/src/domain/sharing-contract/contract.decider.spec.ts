import { Forbidden, InvalidTransition, NotFound, ValidationFailed, type CommandActor } from '@shuzhi/shared-kernel';
import { deciderSpecification } from '@shuzhi/testing';
import { contractDecider, type ContractCommand } from './contract.decider.js';
import type { ContractEvent, DatasetView } from '@shuzhi/governance-events';

const now = '2026-11-27T02:00:00.000Z'; // a Friday, 10:00 in Beijing
const later = '2026-12-01T02:00:00.000Z';

const consumer: CommandActor = { clientId: 'hr-system', department: 'human-resources', roles: ['CONSUMER'] };
const providerSteward: CommandActor = { clientId: 'ps-steward', department: 'public-security', roles: ['STEWARD'] };
const otherSteward: CommandActor = { clientId: 'mr-steward', department: 'market-regulation', roles: ['STEWARD'] };
const platform: CommandActor = { clientId: 'bureau', department: 'data-bureau', roles: ['PLATFORM'] };
const citizen: CommandActor = { clientId: 'app', department: 'citizen-app', roles: ['CITIZEN_CHANNEL'] };

const residents: DatasetView = {
  code: 'population.resident',
  providerDepartment: 'public-security',
  sharingType: 'CONDITIONAL',
  fields: [
    { name: 'idNumber', classification: 'SENSITIVE_PERSONAL', format: 'ID_NUMBER' },
    { name: 'name', classification: 'PERSONAL' },
    { name: 'birthDate', classification: 'PERSONAL', format: 'BIRTH_DATE' },
  ],
};


type Submit = Extract<ContractCommand, { type: 'SubmitContract' }>;
const submit = (overrides: Partial<Submit> = {}): Submit => ({
  type: 'SubmitContract',
  contractId: 'c-1',
  actor: consumer,
  now,
  dataset: residents,
  purposeRegistered: true,
  consumerDivision: null,
  rowsPlaced: true,
  input: {
    datasetCode: 'population.resident',
    fields: ['name', 'birthDate'],
    purpose: 'SUBSIDY_ELIGIBILITY',
    legalBasis: 'Employment Promotion Law art. 18',
    validFrom: '2026-12-01T00:00:00+08:00',
    validTo: '2027-12-01T00:00:00+08:00',
    dailyQuota: 1000,
    masking: [{ field: 'name', rule: 'MASK' }],
  },
  ...overrides,
});
const submitWith = (input: Partial<Submit['input']>): Submit => submit({ input: { ...submit().input, ...input } });


const types = (events: ContractEvent[]) => events.map((e) => e.type);
const act = (type: ContractCommand['type'], actor: CommandActor, extra: object = {}) =>
  ({ type, actor, now: later, reason: 'because', ...extra }) as ContractCommand;
const passCompliance = act('CompleteComplianceReview', platform, { approved: true, reason: null, statutoryBasis: false });
const approve = act('ApproveContract', providerSteward, { reason: null });

const byPlatform = { clientId: 'bureau', department: 'data-bureau', role: 'PLATFORM' } as const;
const byProvider = { clientId: 'ps-steward', department: 'public-security', role: 'STEWARD' } as const;
type Terms = Extract<ContractEvent, { type: 'ContractSubmitted' }>['data']['terms'];
/** What submit() decides, with the terms a variant of it changes. */
const contractSubmitted = (terms: Partial<Terms> = {}): ContractEvent[] => [
  {
    type: 'ContractSubmitted',
    data: {
      terms: {
        contractId: 'c-1',
        datasetCode: 'population.resident',
        providerDepartment: 'public-security',
        consumerDepartment: 'human-resources',
        sharingType: 'CONDITIONAL',
        fields: ['name', 'birthDate'],
        purpose: 'SUBSIDY_ELIGIBILITY',
        legalBasis: 'Employment Promotion Law art. 18',
        scenario: null,
        validFrom: '2026-11-30T16:00:00.000Z',
        validTo: '2027-11-30T16:00:00.000Z',
        dailyQuota: 1000,
        masking: [{ field: 'name', rule: 'MASK' }],
        consentRequired: false,
        ...terms,
      },
      by: { clientId: 'hr-system', department: 'human-resources', role: 'CONSUMER' },
      at: now,
      reason: null,
    },
  },
  { type: 'ReviewOpened', data: { stage: 'COMPLIANCE', at: now, deadline: later } },
];
/** What passCompliance decides on a CONDITIONAL dataset: the provider's review opens. */
const compliancePassed: ContractEvent[] = [
  { type: 'ComplianceReviewPassed', data: { by: byPlatform, at: later, reason: null } },
  { type: 'ReviewOpened', data: { stage: 'PROVIDER', at: later, deadline: '2026-12-08T02:00:00.000Z' } },
];
/** What approve decides: the contract is in force. */
const approved: ContractEvent[] = [
  { type: 'ContractApproved', data: { by: byProvider, at: later, reason: null } },
  { type: 'ContractActivated', data: { at: later } },
];
const contractSuspended: ContractEvent = { type: 'ContractSuspended', data: { by: byProvider, at: later, reason: 'because' } };

/** given: the events so far; when: a command; then: the events it decides (or the error it throws). */
const { given } = deciderSpecification(contractDecider);

describe('sharing contract decider', () => {
  describe('submit', () => {
    it('records the terms and opens a compliance review due in 2 working days (weekend skipped)', () => {
      const events = given([]).when(submit()).events();
      expect(types(events)).toEqual(['ContractSubmitted', 'ReviewOpened']);
      const [submitted, opened] = events as [Extract<ContractEvent, { type: 'ContractSubmitted' }>, Extract<ContractEvent, { type: 'ReviewOpened' }>];
      expect(submitted.data.terms).toMatchObject({
        consumerDepartment: 'human-resources',
        providerDepartment: 'public-security',
        fields: ['name', 'birthDate'],
        validFrom: '2026-11-30T16:00:00.000Z',
        consentRequired: false,
      });
      expect(submitted.data.by).toEqual({ clientId: 'hr-system', department: 'human-resources', role: 'CONSUMER' });
      // Friday 10:00 + 2 working days = Tuesday 10:00 (Beijing).
      expect(opened.data).toEqual({ stage: 'COMPLIANCE', at: now, deadline: '2026-12-01T02:00:00.000Z' });
      expect(given(contractSubmitted()).state.status).toBe('COMPLIANCE_REVIEW');
    });

    it.each([
      ['an unknown dataset', submit({ dataset: undefined }), NotFound, /no dataset/],
      ['a NOT_SHARED dataset', submit({ dataset: { ...residents, sharingType: 'NOT_SHARED' } }), Forbidden, /not shared/],
      ['its own dataset', submit({ actor: { ...providerSteward, roles: ['CONSUMER'] } }), ValidationFailed, /its own data/],
      ['an unregistered purpose', submit({ purposeRegistered: false }), ValidationFailed, /not a registered purpose/],
      ['a field outside the schema', submitWith({ fields: ['name', 'income'] }), ValidationFailed, /no field income/],
      ['no fields', submitWith({ fields: [] }), ValidationFailed, /at least one field/],
      ['a window that ends before it starts', submitWith({ validTo: '2026-11-01T00:00:00Z' }), ValidationFailed, /after validFrom/],
      ['a window already over', submitWith({ validFrom: '2025-01-01T00:00:00Z', validTo: '2026-01-01T00:00:00Z' }), ValidationFailed, /already past/],
      ['a zero quota', submitWith({ dailyQuota: 0 }), ValidationFailed, /dailyQuota/],
      ['masking a field not asked for', submitWith({ masking: [{ field: 'idNumber', rule: 'HASH' }] }), ValidationFailed, /does not ask for/],
      ['no legal basis', submitWith({ legalBasis: ' ' }), ValidationFailed, /legal basis/],
      ['a citizen channel', submit({ actor: citizen }), Forbidden, /CONSUMER/],
    ])('refuses %s', (_, command, error, message) => {
      expect(() => given([]).when(command).events()).toThrow(error);
      expect(() => given([]).when(command).events()).toThrow(message);
    });

    it('refuses a second submission under the same id', () => {
      given(contractSubmitted()).when(submit()).thenThrows(InvalidTransition);
    });

    it.each([
      ['a legal basis of 2 001 characters', submitWith({ legalBasis: '法'.repeat(2001) }), 'legalBasis', 'legalBasis must be at most 2000 characters'],
      ['a legal basis holding a control character', submitWith({ legalBasis: 'art. 18\u0007' }), 'legalBasis', 'legalBasis must not hold control characters other than line breaks and tabs'],
      ['a scenario of 2 001 characters', submitWith({ scenario: '景'.repeat(2001) }), 'scenario', 'scenario must be at most 2000 characters'],
      ['501 fields', submitWith({ fields: Array.from({ length: 501 }, () => 'name') }), 'fields', 'fields must list at most 500 items; this one lists 501'],
      ['a field name with a newline', submitWith({ fields: ['name\nbirthDate'] }), 'fields', 'fields must be letters, digits and _ . : -, starting with a letter or digit'],
      ['501 masking rules', submitWith({ masking: Array.from({ length: 501 }, () => ({ field: 'name', rule: 'MASK' as const })) }), 'masking', 'masking must list at most 500 items; this one lists 501'],
      ['a masked field name of 5 000 characters', submitWith({ masking: [{ field: 'n'.repeat(5000), rule: 'MASK' }] }), 'masking', 'masking must be at most 128 characters'],
    ])('refuses %s, naming the field, and decides nothing', (_, command, field, message) => {
      let decided: ContractEvent[] | undefined;
      expect(() => (decided = given([]).when(command).events())).toThrow(message);
      expect(() => given([]).when(command).events()).toThrow(expect.objectContaining({ details: expect.objectContaining({ field }) }));
      expect(decided).toBeUndefined();
    });

    it('keeps a legal basis of several lines, at the limit', () => {
      const legalBasis = `《就业促进法》第十八条\n${'法'.repeat(1988)}`;
      const [submitted] = given([]).when(submitWith({ legalBasis })).events() as [Extract<ContractEvent, { type: 'ContractSubmitted' }>];
      expect(submitted.data.terms.legalBasis).toBe(legalBasis);
    });
  });

  describe('compliance review', () => {
    it('passes to provider review due in 5 working days', () => {
      const events = given(contractSubmitted()).when(passCompliance).events();
      expect(types(events)).toEqual(['ComplianceReviewPassed', 'ReviewOpened']);
      expect(events[1].data).toMatchObject({ stage: 'PROVIDER', deadline: '2026-12-08T02:00:00.000Z' });
    });

    it('activates an UNCONDITIONAL dataset without a provider review', () => {
      const open = contractSubmitted({ sharingType: 'UNCONDITIONAL' });
      expect(types(given(open).when(passCompliance).events())).toEqual(['ComplianceReviewPassed', 'ContractActivated']);
    });

    it('rejects with a reason, and needs one', () => {
      const reject = act('CompleteComplianceReview', platform, { approved: false, reason: 'no legal basis for birth dates' });
      given(contractSubmitted()).when(reject).then([
        {
          type: 'ContractRejected',
          data: { by: { clientId: 'bureau', department: 'data-bureau', role: 'PLATFORM' }, at: later, reason: 'no legal basis for birth dates', stage: 'COMPLIANCE' },
        },
      ]);
      given(contractSubmitted()).when({ ...reject, reason: null } as ContractCommand).thenThrows(ValidationFailed);
    });

    it('is the platform\'s alone, and only in compliance review', () => {
      given(contractSubmitted()).when(act('CompleteComplianceReview', providerSteward, { approved: true })).thenThrows(Forbidden);
      given([...contractSubmitted(), ...compliancePassed]).when(passCompliance).thenThrows(InvalidTransition);
    });
  });

  describe('provider review', () => {
    it('the provider steward approves: the contract is active', () => {
      expect(types(given([...contractSubmitted(), ...compliancePassed]).when(approve).events())).toEqual(['ContractApproved', 'ContractActivated']);
      expect(given([...contractSubmitted(), ...compliancePassed, ...approved]).state.status).toBe('ACTIVE');
    });

    it('a consumer cannot approve its own request; another department\'s steward cannot approve', () => {
      const own = act('ApproveContract', { ...consumer, roles: ['CONSUMER', 'STEWARD'] });
      expect(() => given([...contractSubmitted(), ...compliancePassed]).when(own).events()).toThrow('a consumer cannot approve its own request');
      given([...contractSubmitted(), ...compliancePassed]).when(act('ApproveContract', otherSteward)).thenThrows(Forbidden);
      given([...contractSubmitted(), ...compliancePassed]).when(act('ApproveContract', platform)).thenThrows(Forbidden);
    });

    it('cannot approve before compliance review', () => {
      given(contractSubmitted()).when(approve).thenThrows(InvalidTransition);
    });

    it('the provider steward rejects with a reason', () => {
      const events = given([...contractSubmitted(), ...compliancePassed]).when(act('RejectContract', providerSteward, { reason: 'not needed for this purpose' })).events();
      expect(events).toMatchObject([{ type: 'ContractRejected', data: { stage: 'PROVIDER', reason: 'not needed for this purpose' } }]);
      given([...contractSubmitted(), ...compliancePassed]).when(act('RejectContract', otherSteward)).thenThrows(Forbidden);
      given([...contractSubmitted(), ...compliancePassed]).when(act('RejectContract', providerSteward, { reason: '' })).thenThrows(ValidationFailed);
    });
  });

  describe('active contracts', () => {
    const active = [...contractSubmitted(), ...compliancePassed, ...approved];
    const suspend = act('SuspendContract', providerSteward);

    it('suspend, resume, revoke by the provider steward or the platform', () => {
      expect(types(given(active).when(suspend).events())).toEqual(['ContractSuspended']);
      expect(types(given([...active, contractSuspended]).when(act('ResumeContract', platform)).events())).toEqual(['ContractResumed']);
      expect(given([...active, contractSuspended, { type: 'ContractResumed', data: { by: byPlatform, at: later, reason: 'because' } }]).state.status).toBe('ACTIVE');
      expect(types(given([...active, contractSuspended]).when(act('RevokeContract', platform)).events())).toEqual(['ContractRevoked']);
      expect(types(given(active).when(act('RevokeContract', providerSteward)).events())).toEqual(['ContractRevoked']);
    });

    it('the consumer may revoke its own contract but not suspend it', () => {
      expect(types(given(active).when(act('RevokeContract', consumer)).events())).toEqual(['ContractRevoked']);
      given(active).when(act('SuspendContract', consumer)).thenThrows(Forbidden);
    });

    it('refuses transitions from the wrong status', () => {
      given(active).when(act('ResumeContract', platform)).thenThrows(InvalidTransition);
      given([...active, contractSuspended]).when(suspend).thenThrows(InvalidTransition);
      given(contractSubmitted()).when(suspend).thenThrows(InvalidTransition);
      const revoked = [...active, { type: 'ContractRevoked', data: { by: byPlatform, at: later, reason: 'because' } } as const];
      for (const command of [suspend, act('ResumeContract', platform), act('RevokeContract', platform), approve]) {
        given(revoked).when(command).thenThrows(InvalidTransition);
      }
    });

    it('cannot resume after the window closed', () => {
      const resumeLate = act('ResumeContract', platform, { now: '2028-01-01T00:00:00.000Z' });
      expect(() => given([...active, contractSuspended]).when(resumeLate).events()).toThrow(/validity window has ended/);
    });

    it('expires at validTo, once, from active, suspended or a pending review', () => {
      const expire = { type: 'ExpireContract', now: '2027-12-01T00:00:00.000Z' } as const;
      given(active).when({ ...expire, now: '2027-11-30T15:59:59.000Z' }).then([]);
      expect(types(given(active).when(expire).events())).toEqual(['ContractExpired']);
      expect(types(given([...active, contractSuspended]).when(expire).events())).toEqual(['ContractExpired']);
      expect(types(given(contractSubmitted()).when(expire).events())).toEqual(['ContractExpired']);
      given([...active, { type: 'ContractExpired', data: { at: '2027-12-01T00:00:00.000Z' } }]).when(expire).then([]);
      expect(given([...active, { type: 'ContractExpired', data: { at: '2027-12-01T00:00:00.000Z' } }]).state.status).toBe('EXPIRED');
    });
  });

  describe('review deadlines', () => {
    const overdue = (at: string) => ({ type: 'MarkReviewOverdue', now: at }) as const;

    it('marks a review overdue once after its deadline, escalating to the data bureau', () => {
      given(contractSubmitted()).when(overdue('2026-12-01T02:00:00.000Z')).then([]);
      const events = given(contractSubmitted()).when(overdue('2026-12-01T02:00:01.000Z')).events();
      expect(events).toEqual([
        { type: 'ReviewOverdue', data: { stage: 'COMPLIANCE', deadline: '2026-12-01T02:00:00.000Z', at: '2026-12-01T02:00:01.000Z', escalatedTo: 'data-bureau' } },
      ]);
      given([...contractSubmitted(), { type: 'ReviewOverdue', data: { stage: 'COMPLIANCE', deadline: later, at: '2026-12-02T00:00:00.000Z', escalatedTo: 'data-bureau' } }]).when(overdue('2026-12-03T00:00:00.000Z')).then([]);
    });

    it('the provider stage has its own deadline; a decided contract is never overdue', () => {
      expect(types(given([...contractSubmitted(), ...compliancePassed]).when(overdue('2026-12-09T00:00:00.000Z')).events())).toEqual(['ReviewOverdue']);
      given([...contractSubmitted(), ...compliancePassed, ...approved]).when(overdue('2027-01-01T00:00:00.000Z')).then([]);
    });
  });

  it('a command for a contract that does not exist is NOT_FOUND', () => {
    given([]).when(approve).thenThrows(NotFound);
  });

  it('refuses a reason over 2 000 characters for every decision that takes one, deciding nothing', () => {
    const long = '因'.repeat(2001);
    const active = given([...contractSubmitted(), ...compliancePassed, ...approved]);
    const suspended = given([...contractSubmitted(), ...compliancePassed, ...approved, contractSuspended]);
    for (const [state, command] of [
      [given(contractSubmitted()), { ...passCompliance, reason: long }],
      [given(contractSubmitted()), act('CompleteComplianceReview', platform, { approved: false, reason: long })],
      [given([...contractSubmitted(), ...compliancePassed]), { ...approve, reason: long }],
      [given([...contractSubmitted(), ...compliancePassed]), act('RejectContract', providerSteward, { reason: long })],
      [active, act('SuspendContract', providerSteward, { reason: long })],
      [suspended, act('ResumeContract', providerSteward, { reason: long })],
      [active, act('RevokeContract', providerSteward, { reason: long })],
    ] as const) {
      expect(() => state.when(command as ContractCommand).events()).toThrow('reason must be at most 2000 characters');
    }
    expect(types(active.when(act('SuspendContract', providerSteward, { reason: '因'.repeat(2000) })).events())).toEqual(['ContractSuspended']);
  });

  describe('the law on sensitive personal information and what masks give away', () => {
    it('refuses a request whose masks its other fields undo: an ID number under MASK beside the birth date in clear', () => {
      const masked = submitWith({ fields: ['idNumber', 'birthDate'], masking: [{ field: 'idNumber', rule: 'MASK' }] });
      given([]).when(masked).thenThrows(ValidationFailed);
      expect(() => given([]).when(masked).events()).toThrow(/idNumber \(MASK\) is rebuilt from birthDate/);
      const hashed = submitWith({ fields: ['idNumber', 'birthDate'], masking: [{ field: 'idNumber', rule: 'HASH' }] });
      expect(types(given([]).when(hashed).events())).toEqual(['ContractSubmitted', 'ReviewOpened']);
    });

    it('records which requested fields are sensitive personal information', () => {
      const [submitted] = given([]).when(submitWith({ fields: ['idNumber', 'name'], masking: [] })).events() as [Extract<ContractEvent, { type: 'ContractSubmitted' }>];
      expect(submitted.data.terms.sensitiveFields).toEqual(['idNumber']);
    });

    it('approves sensitive fields without consent only with a statutory basis, which it records (PIPL art. 13, 28–29)', () => {
      const withIdNumber = given(contractSubmitted({ fields: ['idNumber', 'name'], masking: [], sensitiveFields: ['idNumber'] }));
      expect(() => withIdNumber.when(passCompliance).events()).toThrow(/idNumber is sensitive personal information.*statutoryBasis/);
      const [passed] = withIdNumber.when({ ...passCompliance, statutoryBasis: true } as ContractCommand).events();
      expect(passed).toMatchObject({ type: 'ComplianceReviewPassed', data: { statutoryBasis: true } });
      const withConsent = given(contractSubmitted({ fields: ['idNumber', 'name'], masking: [], consentRequired: true, sensitiveFields: ['idNumber'] }));
      expect(types(withConsent.when(passCompliance).events())).toEqual(['ComplianceReviewPassed', 'ReviewOpened']);
    });
  });

  describe('division scope', () => {
    const districtOffice: CommandActor = { clientId: 'xihu-system', department: 'xihu-district', roles: ['CONSUMER'] };
    const scoped = (divisionScope: string | null | undefined, consumerDivision: string | null = null, rowsPlaced = true) =>
      submit({ rowsPlaced, consumerDivision, actor: consumerDivision ? districtOffice : consumer, input: { ...submit().input, divisionScope } });
    const scopeOf = (command: Submit) => (given([]).when(command).events()[0] as Extract<ContractEvent, { type: 'ContractSubmitted' }>).data.terms.divisionScope;

    it.each([
      ['a district', '330106', '330106'],
      ['a street', '330106001', '330106001'],
      ['a community', '330106001001', '330106001001'],
      ['a city by its four digits', '3301', '330100'],
      ['a province by its two digits', '33', '330000'],
    ])('a department of the whole area scopes a request to %s, kept as its code', (_, written, code) => {
      expect(scopeOf(scoped(written))).toBe(code);
      expect(given(contractSubmitted({ divisionScope: code })).state).toMatchObject({ status: 'COMPLIANCE_REVIEW', terms: { divisionScope: code } });
    });

    it('a department of the whole area that names no scope asks for the whole area, as before', () => {
      const [submitted] = given([]).when(scoped(undefined)).events() as [Extract<ContractEvent, { type: 'ContractSubmitted' }>];
      expect('divisionScope' in submitted.data.terms).toBe(false);
      expect(scopeOf(scoped(null))).toBeUndefined();
    });

    it('a district\'s office that names none asks for its own division; it may narrow it to a street or a community', () => {
      expect(scopeOf(scoped(undefined, '330106'))).toBe('330106');
      expect(scopeOf(scoped('330106001', '330106'))).toBe('330106001');
      expect(scopeOf(scoped('330106101001', '330106'))).toBe('330106101001');
      expect(scopeOf(scoped('330106', '330106'))).toBe('330106');
    });

    it.each([
      ['a neighbouring district', '330105', /xihu-district serves division 330106: it asks only within it, and 330105 is not/],
      ['its city', '3301', /and 330100 is not/],
      ['its province', '330000', /and 330000 is not/],
    ])('a district\'s office may not ask for %s', (_, written, message) => {
      given([]).when(scoped(written, '330106')).thenThrows(Forbidden);
      expect(() => given([]).when(scoped(written, '330106')).events()).toThrow(message);
      expect(() => given([]).when(scoped(written, '330106')).events()).toThrow(expect.objectContaining({ details: { field: 'divisionScope' } }));
    });

    it.each([
      ['a cut code', '3301061', /divisionScope a division code has 6/],
      ['a padded code', '330106000000', /ends in 000/],
      ['an empty one', '', /written in digits/],
      ['four digits naming no city', '3300', /names no province \(2 digits\) or city \(4 digits\)/],
    ])('refuses %s, naming the field', (_, written, message) => {
      given([]).when(scoped(written)).thenThrows(ValidationFailed);
      expect(() => given([]).when(scoped(written)).events()).toThrow(message);
      expect(() => given([]).when(scoped(written)).events()).toThrow(expect.objectContaining({ details: expect.objectContaining({ field: 'divisionScope' }) }));
    });

    it('refuses a scope on a dataset whose rows do not say where they lie, whether asked for or the department\'s own', () => {
      expect(() => given([]).when(scoped('330106', null, false)).events()).toThrow(/population.resident do not say which division they lie in/);
      expect(() => given([]).when(scoped(undefined, '330106', false)).events()).toThrow(/scoped to 330106 would serve none of them/);
      expect(types(given([]).when(scoped(undefined, null, false)).events())).toEqual(['ContractSubmitted', 'ReviewOpened']);
    });

    it('a scoped contract goes through review like any other and keeps its scope', () => {
      const { state } = given([...contractSubmitted({ divisionScope: '330106001' }), ...compliancePassed, ...approved]);
      expect(state).toMatchObject({ status: 'ACTIVE', terms: { divisionScope: '330106001' } });
    });
  });

  describe('回流 grants', () => {
    const streetOffice = { code: 'wenxin-street', level: 'STREET' as const, divisionCode: '330106001' };
    type Grant = Extract<ContractCommand, { type: 'GrantReturnFlowContract' }>;
    const grant = (overrides: Partial<Grant> = {}, input: Partial<Grant['input']> = {}): Grant => ({
      type: 'GrantReturnFlowContract',
      contractId: 'g-1',
      actor: platform,
      now,
      department: streetOffice,
      dataset: residents,
      purposeRegistered: true,
      rowsPlaced: true,
      ...overrides,
      input: {
        departmentCode: 'wenxin-street',
        datasetCode: 'population.resident',
        fields: ['name', 'birthDate'],
        purpose: 'GRASSROOTS_GOVERNANCE',
        legalBasis: '《政务数据共享条例》 回流',
        validTo: '2031-12-01T00:00:00+08:00',
        reason: '基层治理',
        ...input,
      },
    });

    /** What grant() decides: the 回流 contract, in force at once. */
    const returnFlowGranted: ContractEvent = {
      type: 'ReturnFlowContractGranted',
      data: {
        terms: {
          contractId: 'g-1',
          datasetCode: 'population.resident',
          providerDepartment: 'public-security',
          consumerDepartment: 'wenxin-street',
          sharingType: 'CONDITIONAL',
          fields: ['name', 'birthDate'],
          purpose: 'GRASSROOTS_GOVERNANCE',
          legalBasis: '《政务数据共享条例》 回流',
          scenario: null,
          validFrom: now,
          validTo: '2031-11-30T16:00:00.000Z',
          dailyQuota: null,
          masking: [],
          consentRequired: false,
          divisionScope: '330106001',
          returnFlow: true,
        },
        by: byPlatform,
        at: now,
        reason: '基层治理',
      },
    };

    it('the data bureau grants a street\'s office its own area, in force at once, saying so in its one event', () => {
      const events = given([]).when(grant()).events();
      expect(events).toEqual([
        {
          type: 'ReturnFlowContractGranted',
          data: {
            terms: {
              contractId: 'g-1',
              datasetCode: 'population.resident',
              providerDepartment: 'public-security',
              consumerDepartment: 'wenxin-street',
              sharingType: 'CONDITIONAL',
              fields: ['name', 'birthDate'],
              purpose: 'GRASSROOTS_GOVERNANCE',
              legalBasis: '《政务数据共享条例》 回流',
              scenario: null,
              validFrom: now,
              validTo: '2031-11-30T16:00:00.000Z',
              dailyQuota: null,
              masking: [],
              consentRequired: false,
              divisionScope: '330106001',
              returnFlow: true,
            },
            by: { clientId: 'bureau', department: 'data-bureau', role: 'PLATFORM' },
            at: now,
            reason: '基层治理',
          },
        },
      ]);
      expect(given([returnFlowGranted]).state).toMatchObject({ status: 'ACTIVE', review: null, terms: { divisionScope: '330106001', returnFlow: true } });
    });

    it('a district\'s office gets its district; a later window is kept', () => {
      const district = { code: 'xihu-district', level: 'DISTRICT' as const, divisionCode: '330106' };
      const events = given([]).when(grant({ department: district }, { departmentCode: 'xihu-district', validFrom: '2027-01-01T00:00:00Z' })).events();
      expect(events[0].data).toMatchObject({ terms: { consumerDepartment: 'xihu-district', divisionScope: '330106', validFrom: '2027-01-01T00:00:00.000Z' } });
    });

    it('lives on as any contract: the provider suspends it, the office revokes it, time expires it', () => {
      const office: CommandActor = { clientId: 'wenxin-system', department: 'wenxin-street', roles: ['CONSUMER'] };
      expect(types(given([returnFlowGranted]).when(act('SuspendContract', providerSteward)).events())).toEqual(['ContractSuspended']);
      expect(types(given([returnFlowGranted]).when(act('RevokeContract', office)).events())).toEqual(['ContractRevoked']);
      expect(types(given([returnFlowGranted]).when({ type: 'ExpireContract', now: '2031-12-01T00:00:00.000Z' }).events())).toEqual(['ContractExpired']);
      given([returnFlowGranted]).when(approve).thenThrows(InvalidTransition);
      given([returnFlowGranted]).when(grant()).thenThrows(InvalidTransition);
    });

    it.each([
      ['by a steward', grant({ actor: providerSteward }), Forbidden, /data bureau's \(PLATFORM role\)/],
      ['by a consumer for itself', grant({ actor: { ...consumer, department: 'wenxin-street' } }), Forbidden, /PLATFORM/],
      ['for an unknown department', grant({ department: undefined }), NotFound, /no department wenxin-street/],
      ['for a department without a division', grant({ department: { code: 'civil-affairs', level: null, divisionCode: null } }), ValidationFailed, /civil-affairs has no division/],
      ['for a city\'s department', grant({ department: { code: 'hz-city', level: 'CITY', divisionCode: '330100' } }), ValidationFailed, /hz-city serves a CITY/],
      ['of a dataset whose rows say nothing of their division', grant({ rowsPlaced: false }), ValidationFailed, /do not say which division they lie in/],
      ['of a NOT_SHARED dataset', grant({ dataset: { ...residents, sharingType: 'NOT_SHARED' } }), Forbidden, /not shared/],
      ['of the office\'s own dataset', grant({ dataset: { ...residents, providerDepartment: 'wenxin-street' } }), ValidationFailed, /its own data/],
      ['of an unknown dataset', grant({ dataset: undefined }), NotFound, /no dataset/],
      ['for an unregistered purpose', grant({ purposeRegistered: false }), ValidationFailed, /not a registered purpose/],
      ['of a field outside the schema', grant({}, { fields: ['income'] }), ValidationFailed, /no field income/],
      ['of a window already over', grant({}, { validTo: '2026-01-01T00:00:00Z' }), ValidationFailed, /validTo must be after validFrom/],
      ['with a reason of 2 001 characters', grant({}, { reason: '因'.repeat(2001) }), ValidationFailed, /reason must be at most 2000 characters/],
    ])('refuses a grant %s', (_, command, error, message) => {
      expect(() => given([]).when(command).events()).toThrow(error);
      expect(() => given([]).when(command).events()).toThrow(message);
    });

    it('grants sensitive personal fields without consent only on a statutory basis, which it records', () => {
      const idNumbers = { fields: ['idNumber', 'name'] };
      expect(() => given([]).when(grant({}, idNumbers)).events()).toThrow(/idNumber is sensitive personal information.*grant it only with statutoryBasis/);
      expect(given([]).when(grant({}, { ...idNumbers, statutoryBasis: true })).events()[0].data).toMatchObject({ statutoryBasis: true, terms: { sensitiveFields: ['idNumber'] } });
      expect(given([]).when(grant({}, { ...idNumbers, consentRequired: true })).events()[0].data).not.toHaveProperty('statutoryBasis');
    });

    it('refuses masks the other granted fields undo', () => {
      const masked = grant({}, { fields: ['idNumber', 'birthDate'], masking: [{ field: 'idNumber', rule: 'MASK' }], statutoryBasis: true });
      expect(() => given([]).when(masked).events()).toThrow(/idNumber \(MASK\) is rebuilt from birthDate/);
    });
  });
});
