import type { ConsentGrant } from '../policy-snapshot.projection.js';
import { at, consent, contract, given, request, select } from './test/policy.fixtures.js';

const needsConsent = contract({ consentRequired: true, masking: [] });
const rowOf = (subjectId: string, fields: string[] = ['name', 'birthDate']) => ({ type: 'Resident', subjectId, fields });
const reading = (fields: string[], ...rows: ReturnType<typeof rowOf>[]) =>
  request({ selections: select(...fields.map((f) => `Resident.${f}`)), subjects: rows });

describe('policy decision: consent phase', () => {
  it('serves the row of a subject whose ACTIVE consent covers the fields, citing the consent', () => {
    const verdicts = given({ contracts: [needsConsent], consents: [consent()] }).whenSubjects(reading(['name', 'birthDate'], rowOf('r-1')));

    expect(verdicts).toEqual([{ subjectId: 'r-1', type: 'Resident', verdict: 'ALLOW', consentIds: ['k-1'], missingFields: [] }]);
  });

  it('a change made before the consent was given is history it does not cover; one made since is covered', () => {
    const given2026 = given({ contracts: [needsConsent], consents: [consent({ grantedAt: '2026-03-01T00:00:00.000Z' })] });
    const change = (changedAt: string) => ({ ...reading(['name'], rowOf('r-1', ['name'])), changedAt: Date.parse(changedAt) });

    expect(given2026.whenSubjects(change('2026-02-28T23:59:59.000Z'))).toMatchObject([{ verdict: 'CONSENT_REQUIRED', missingFields: ['name'] }]);
    expect(given2026.whenSubjects(change('2026-03-01T00:00:00.000Z'))).toMatchObject([{ verdict: 'ALLOW', consentIds: ['k-1'] }]);
    // A read of what is now, not of one change, is covered whenever the consent was given.
    expect(given2026.whenSubjects(reading(['name'], rowOf('r-1', ['name'])))).toMatchObject([{ verdict: 'ALLOW' }]);
  });

  it('without any consent the row needs one for every field the contract serves', () => {
    const verdicts = given({ contracts: [needsConsent] }).whenSubjects(reading(['name', 'birthDate'], rowOf('r-1')));

    expect(verdicts).toEqual([
      { subjectId: 'r-1', type: 'Resident', verdict: 'CONSENT_REQUIRED', consentIds: [], missingFields: ['name', 'birthDate'] },
    ]);
  });

  it.each<[string, Partial<ConsentGrant>]>([
    ['of another subject', { subjectId: 'r-2' }],
    ['for another department', { consumerDepartment: 'civil-affairs' }],
    ['for another purpose', { purpose: 'HOUSING_ALLOWANCE' }],
    ['for another dataset', { datasetCode: 'population.household' }],
    ['WITHDRAWN', { status: 'WITHDRAWN' }],
    ['EXPIRED', { status: 'EXPIRED' }],
    ['expiring at that instant', { expiresAt: at }],
    ['past its expiry though not yet marked EXPIRED', { expiresAt: '2026-12-10T01:59:59.999Z' }],
  ])('a consent %s does not count', (_case, overrides) => {
    const verdicts = given({ contracts: [needsConsent], consents: [consent(overrides)] }).whenSubjects(reading(['name'], rowOf('r-1', ['name'])));

    expect(verdicts).toMatchObject([{ subjectId: 'r-1', verdict: 'CONSENT_REQUIRED', consentIds: [], missingFields: ['name'] }]);
  });

  it('a consent covers only the fields it names', () => {
    const verdicts = given({ contracts: [needsConsent], consents: [consent({ fields: ['birthDate'] })] }).whenSubjects(
      reading(['name', 'birthDate'], rowOf('r-1')),
    );

    expect(verdicts).toEqual([{ subjectId: 'r-1', type: 'Resident', verdict: 'CONSENT_REQUIRED', consentIds: ['k-1'], missingFields: ['name'] }]);
  });

  it('several consents may together cover a row', () => {
    const verdicts = given({
      contracts: [needsConsent],
      consents: [consent({ id: 'k-2', fields: ['name'] }), consent({ id: 'k-1', fields: ['birthDate'] })],
    }).whenSubjects(reading(['name', 'birthDate'], rowOf('r-1')));

    expect(verdicts).toMatchObject([{ verdict: 'ALLOW', consentIds: ['k-1', 'k-2'], missingFields: [] }]);
  });

  it('decides each subject on its own', () => {
    const verdicts = given({ contracts: [needsConsent], consents: [consent({ subjectId: 'r-1' })] }).whenSubjects(
      reading(['name'], rowOf('r-1', ['name']), rowOf('r-2', ['name'])),
    );

    expect(verdicts.map((v) => [v.subjectId, v.verdict])).toEqual([
      ['r-1', 'ALLOW'],
      ['r-2', 'CONSENT_REQUIRED'],
    ]);
  });

  it('rows served under a contract without a consent requirement need no consent', () => {
    const verdicts = given({ contracts: [contract({ consentRequired: false })] }).whenSubjects(reading(['name'], rowOf('r-1', ['name'])));

    expect(verdicts).toEqual([{ subjectId: 'r-1', type: 'Resident', verdict: 'ALLOW', consentIds: [], missingFields: [] }]);
  });

  it('only fields resting on a consent-requiring contract are checked', () => {
    const birthDateWithoutConsent = contract({ id: 'c-2', fields: ['birthDate'], consentRequired: false });
    const nameWithConsent = contract({ id: 'c-1', fields: ['name'], consentRequired: true });

    const verdicts = given({ contracts: [nameWithConsent, birthDateWithoutConsent] }).whenSubjects(reading(['name', 'birthDate'], rowOf('r-1')));

    expect(verdicts).toMatchObject([{ verdict: 'CONSENT_REQUIRED', missingFields: ['name'] }]);
  });

  it('fields the decision denied are not served, so not checked', () => {
    const verdicts = given({ contracts: [needsConsent], consents: [consent()] }).whenSubjects(
      reading(['name', 'idNumber'], rowOf('r-1', ['name', 'idNumber'])),
    );

    expect(verdicts).toMatchObject([{ verdict: 'ALLOW', missingFields: [] }]);
  });

  it('a key served under a consent-requiring contract needs a consent for the dataset, naming any field', () => {
    const { whenSubjects } = given({ contracts: [needsConsent], consents: [consent({ subjectId: 'r-1', fields: ['birthDate'] })] });

    const verdicts = whenSubjects(reading(['id', '__typename'], rowOf('r-1', ['id', '__typename']), rowOf('r-2', ['id', '__typename'])));

    expect(verdicts).toEqual([
      { subjectId: 'r-1', type: 'Resident', verdict: 'ALLOW', consentIds: ['k-1'], missingFields: [] },
      { subjectId: 'r-2', type: 'Resident', verdict: 'CONSENT_REQUIRED', consentIds: [], missingFields: ['id', '__typename'] },
    ]);
  });

  it('without subjects there is nothing to decide', () => {
    expect(given({ contracts: [needsConsent] }).whenSubjects(reading(['name']))).toEqual([]);
  });
});
