import { Forbidden, InvalidTransition, NotFound, ValidationFailed, type CommandActor } from '@shuzhi/shared-kernel';
import { deciderSpecification } from '@shuzhi/testing';
import type { ConsentEvent, DatasetView, ReceiptPayload } from '@shuzhi/governance-events';
import { consentDecider, type ConsentCommand } from './consent.decider.js';

const now = '2026-11-27T02:00:00.000Z';
const channel: CommandActor = { clientId: 'zlb-app', department: 'citizen-app', roles: ['CITIZEN_CHANNEL'] };
/** Another key of the same channel (a rotated one): the same department, so the same channel. */
const sameChannelNewKey: CommandActor = { clientId: 'zlb-app-2', department: 'citizen-app', roles: ['CITIZEN_CHANNEL'] };
const otherChannel: CommandActor = { clientId: 'wx-mini', department: 'wechat-channel', roles: ['CITIZEN_CHANNEL'] };
const bureau: CommandActor = { clientId: 'bureau', department: 'data-bureau', roles: ['PLATFORM'] };
const consumer: CommandActor = { clientId: 'hr-system', department: 'human-resources', roles: ['CONSUMER'] };
const residents: DatasetView = {
  code: 'population.resident',
  providerDepartment: 'public-security',
  sharingType: 'CONDITIONAL',
  fields: [
    { name: 'name', classification: 'PERSONAL' },
    { name: 'birthDate', classification: 'PERSONAL' },
  ],
};
const signed: ReceiptPayload[] = [];
type Grant = Extract<ConsentCommand, { type: 'GrantConsent' }>;
const grant = (overrides: Partial<Grant> = {}, input: Partial<Grant['input']> = {}): Grant => ({
  type: 'GrantConsent',
  consentId: 'k-1',
  actor: channel,
  now,
  dataset: residents,
  subject: { type: 'Resident', register: 'KNOWN' },
  consumerRegistered: true,
  purposeRegistered: true,
  signReceipt: (payload) => {
    signed.push(payload);
    return { payload: JSON.stringify(payload), signature: 'c2ln' };
  },
  input: {
    subjectId: 'r-110101199003077777',
    consumerDepartmentCode: 'human-resources',
    purpose: 'SUBSIDY_ELIGIBILITY',
    datasetCode: 'population.resident',
    fields: ['birthDate'],
    expiresAt: '2027-11-27T00:00:00+08:00',
    ...input,
  },
  ...overrides,
});

const byChannel = { clientId: 'zlb-app', department: 'citizen-app', role: 'CITIZEN_CHANNEL' } as const;
/** What grant() decides; its receipt is not read again once granted, so any signed text stands for it. */
const consentGranted = (by: { clientId: string; department: string; role: 'CITIZEN_CHANNEL' } = byChannel): ConsentEvent => ({
  type: 'ConsentGranted',
  data: {
    terms: {
      consentId: 'k-1',
      subjectId: 'r-110101199003077777',
      consumerDepartment: 'human-resources',
      providerDepartment: 'public-security',
      purpose: 'SUBSIDY_ELIGIBILITY',
      datasetCode: 'population.resident',
      fields: ['birthDate'],
      expiresAt: '2027-11-26T16:00:00.000Z',
    },
    receipt: { payload: '{"receiptVersion":"shuzhi-consent-receipt/1"}', signature: 'c2ln' },
    by,
    at: now,
  },
});
const consentWithdrawn: ConsentEvent = { type: 'ConsentWithdrawn', data: { by: byChannel, at: now } };

const { given } = deciderSpecification(consentDecider);

describe('consent decider', () => {
  it('grants the fields for the purpose until expiry, with a signed receipt of exactly those terms', () => {
    const [event] = given([]).when(grant()).events();
    expect(event.type).toBe('ConsentGranted');
    if (event.type !== 'ConsentGranted') return;
    expect(event.data.terms).toEqual({
      consentId: 'k-1',
      subjectId: 'r-110101199003077777',
      consumerDepartment: 'human-resources',
      providerDepartment: 'public-security',
      purpose: 'SUBSIDY_ELIGIBILITY',
      datasetCode: 'population.resident',
      fields: ['birthDate'],
      expiresAt: '2027-11-26T16:00:00.000Z',
    });
    expect(JSON.parse(event.data.receipt.payload)).toMatchObject({
      receiptVersion: 'shuzhi-consent-receipt/1',
      consentId: 'k-1',
      dataController: 'public-security',
      dataConsumer: 'human-resources',
      fields: ['birthDate'],
      grantedAt: now,
      channel: 'citizen-app',
    });
  });

  it('without a field list grants every field of the dataset', () => {
    const [event] = given([]).when(grant({}, { fields: null })).events();
    expect(event.type === 'ConsentGranted' && event.data.terms.fields).toEqual(['name', 'birthDate']);
  });

  it.each([
    ['anyone but a citizen channel', grant({ actor: consumer }), Forbidden],
    ['an unknown dataset', grant({ dataset: undefined, subject: undefined }), NotFound],
    ['the data bureau', grant({ actor: bureau }), Forbidden],
    ['an unknown consumer department', grant({ consumerRegistered: false }), NotFound],
    ['an unregistered purpose', grant({ purposeRegistered: false }), ValidationFailed],
    ['a field the dataset lacks', grant({}, { fields: ['income'] }), ValidationFailed],
    ['an expiry in the past', grant({}, { expiresAt: '2026-01-01T00:00:00Z' }), ValidationFailed],
    ['no subject', grant({}, { subjectId: ' ' }), ValidationFailed],
  ])('refuses a grant from or for %s', (_, command, error) => {
    expect(() => given([]).when(command).events()).toThrow(error);
  });

  describe('the subject, as the register of the dataset\'s type knows it', () => {
    it('grants for a subject the register knows', () => {
      expect(given([]).when(grant({ subject: { type: 'Resident', register: 'KNOWN' } })).events()).toMatchObject([{ type: 'ConsentGranted' }]);
    });

    it('refuses a subject the register does not know with NOT_FOUND, naming the type and not echoing the id', () => {
      const unknown = grant({ subject: { type: 'Resident', register: 'UNKNOWN' } });
      expect(() => given([]).when(unknown).events()).toThrow(new NotFound('the register knows no Resident with this id'));
      expect(() => given([]).when(unknown).events()).toThrow(expect.objectContaining({ details: { field: 'subjectId' } }));
      expect(() => given([]).when(grant({ subject: { type: 'Household', register: 'UNKNOWN' } })).events()).toThrow('the register knows no Household with this id');
    });

    it('refuses a dataset whose type no register governance follows keeps, with VALIDATION_FAILED', () => {
      const command = grant({ subject: { type: 'SubsidyApplication', register: 'NONE' } });
      given([]).when(command).thenThrows(ValidationFailed);
      expect(() => given([]).when(command).events()).toThrow(expect.objectContaining({ message: expect.stringContaining('SubsidyApplication'), details: { field: 'datasetCode' } }));
    });

    it('checks the subject id\'s shape before what the register knows of it', () => {
      given([]).when(grant({ subject: { type: 'Resident', register: 'UNKNOWN' } }, { subjectId: ' ' })).thenThrows(ValidationFailed);
      given([]).when(grant({ subject: { type: 'Resident', register: 'UNKNOWN' } }, { subjectId: 'r-1\nr-2' })).thenThrows(ValidationFailed);
    });

    it('signs no receipt for a subject it refuses', () => {
      const receipts = signed.length;
      given([]).when(grant({ subject: { type: 'Resident', register: 'UNKNOWN' } })).thenThrows(NotFound);
      given([]).when(grant({ subject: { type: 'Resident', register: 'NONE' } })).thenThrows(ValidationFailed);
      expect(signed).toHaveLength(receipts);
    });
  });

  it('is withdrawn by the channel it was given through, once, recording which key of it acted', () => {
    const withdraw: ConsentCommand = { type: 'WithdrawConsent', actor: channel, now };
    given([consentGranted()]).when(withdraw).then([
      { type: 'ConsentWithdrawn', data: { by: { clientId: 'zlb-app', department: 'citizen-app', role: 'CITIZEN_CHANNEL' }, at: now } },
    ]);
    given([consentGranted()]).when({ ...withdraw, actor: sameChannelNewKey }).then([
      { type: 'ConsentWithdrawn', data: { by: { clientId: 'zlb-app-2', department: 'citizen-app', role: 'CITIZEN_CHANNEL' }, at: now } },
    ]);
    given([consentGranted(), consentWithdrawn]).when(withdraw).thenThrows(InvalidTransition);
    given([]).when(withdraw).thenThrows(NotFound);
    given([consentGranted()]).when(grant()).thenThrows(InvalidTransition);
  });

  it.each([
    ['another citizen channel', otherChannel, 'a consent is withdrawn through the citizen channel it was given through'],
    ['a consumer', consumer, 'only a citizen channel grants or withdraws consent'],
    ['the data bureau', bureau, 'only a citizen channel grants or withdraws consent'],
  ])('refuses a withdrawal by %s, active or not', (_, actor, message) => {
    const withdraw: ConsentCommand = { type: 'WithdrawConsent', actor, now };
    expect(() => given([consentGranted()]).when(withdraw).events()).toThrow(new Forbidden(message));
    given([consentGranted(), consentWithdrawn]).when(withdraw).thenThrows(Forbidden);
  });

  it('keeps the channel a consent was given through in its state', () => {
    const { state } = given([consentGranted({ clientId: 'zlb-app-2', department: 'citizen-app', role: 'CITIZEN_CHANNEL' })]);
    expect(state).toMatchObject({ status: 'ACTIVE', channel: 'citizen-app' });
    expect(given([consentGranted(), consentWithdrawn]).state).toMatchObject({ status: 'WITHDRAWN', channel: 'citizen-app' });
  });

  it('expires at its expiry, once, and not after a withdrawal', () => {
    const expire = (at: string): ConsentCommand => ({ type: 'ExpireConsent', now: at });
    given([consentGranted()]).when(expire('2027-11-26T15:59:59.000Z')).then([]);
    given([consentGranted()]).when(expire('2027-11-26T16:00:00.000Z')).then([{ type: 'ConsentExpired', data: { at: '2027-11-26T16:00:00.000Z' } }]);
    given([consentGranted(), { type: 'ConsentExpired', data: { at: '2027-12-01T00:00:00.000Z' } }]).when(expire('2027-12-02T00:00:00.000Z')).then([]);
    given([consentGranted(), consentWithdrawn]).when(expire('2028-01-01T00:00:00.000Z')).then([]);
  });

  describe('given values beyond the input bounds', () => {
    it.each([
      ['a subject id of 5 000 characters', { subjectId: 'r'.repeat(5000) }, 'subjectId', 'subjectId must be at most 128 characters'],
      ['a subject id with a newline', { subjectId: 'r-1\nr-2' }, 'subjectId', 'subjectId must be letters, digits and _ . : -, starting with a letter or digit'],
      ['a field list of 501 names', { fields: Array.from({ length: 501 }, () => 'birthDate') }, 'fields', 'fields must list at most 500 items; this one lists 501'],
      ['a field name of 200 characters', { fields: ['b'.repeat(200)] }, 'fields', 'fields must be at most 128 characters'],
    ])('refuses %s, naming the field, and neither signs a receipt nor decides anything', (_, input, field, message) => {
      const receipts = signed.length;
      let decided: unknown;
      expect(() => (decided = given([]).when(grant({}, input)).events())).toThrow(message);
      expect(() => given([]).when(grant({}, input)).events()).toThrow(expect.objectContaining({ details: expect.objectContaining({ field }) }));
      expect(decided).toBeUndefined();
      expect(signed).toHaveLength(receipts);
    });

    it('grants for a subject id of 128 characters, the longest an entity key may be', () => {
      const [event] = given([]).when(grant({}, { subjectId: 'r'.repeat(128) })).events();
      expect(event.type === 'ConsentGranted' && event.data.terms.subjectId).toBe('r'.repeat(128));
    });
  });
});
