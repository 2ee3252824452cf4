import type { Checkpoint, RecordedEvent } from '@shuzhi/event-store';
import { indexSnapshot, type PolicyIndex } from './decision/policy-snapshot.index.js';
import { LivePolicyIndex } from './live-policy-index.js';
import { foldPolicyEvent, snapshotOfEntries, type PolicyEntry } from './policy-snapshot.projection.js';

let position = 0;
const versions = new Map<string, number>();
const recorded = (streamId: string, type: string, data: object): RecordedEvent => {
  const streamVersion = versions.get(streamId) ?? 0;
  versions.set(streamId, streamVersion + 1);
  position++;
  return {
    eventId: `e-${position}`,
    streamId,
    streamVersion,
    globalPosition: position,
    checkpoint: String(position) as Checkpoint,
    type,
    data,
    metadata: {} as RecordedEvent['metadata'],
    recordedAt: new Date(Date.UTC(2026, 10, 1, 0, 0, position)),
  };
};

const by = { clientId: 'x', department: 'x', roles: [] };
const at = '2026-11-01T00:00:00Z';
const dataset = (code: string, graphqlType: string, fields: string[]) => [
  recorded(`dataset-${code}`, 'DatasetPublished', { code, graphqlType, sharingType: 'CONDITIONAL', providerDepartment: 'public-security', by, at }),
  registerSchema(code, fields),
];
const registerSchema = (code: string, fields: string[]) =>
  recorded(`dataset-${code}`, 'SchemaVersionRegistered', {
    datasetCode: code,
    fields: fields.map((name) => ({ name, classification: 'PERSONAL' })),
    by,
    at,
  });
const termsOf = (id: string, datasetCode: string, fields: string[], consentRequired = false) => ({
  contractId: id,
  datasetCode,
  consumerDepartment: 'human-resources',
  providerDepartment: 'public-security',
  fields,
  purpose: 'SUBSIDY_ELIGIBILITY',
  validFrom: '2026-01-01T00:00:00Z',
  validTo: '2027-01-01T00:00:00Z',
  dailyQuota: null,
  masking: [],
  consentRequired,
});
const submit = (id: string, datasetCode: string, fields: string[], consentRequired = false, divisionScope?: string) =>
  recorded(`contract-${id}`, 'ContractSubmitted', { terms: { ...termsOf(id, datasetCode, fields, consentRequired), ...(divisionScope ? { divisionScope } : {}) } });
/** The data bureau's 回流 grant to a street's office: one event, in force at once. */
const returnFlow = (id: string, divisionScope: string) =>
  recorded(`contract-${id}`, 'ReturnFlowContractGranted', {
    terms: { ...termsOf(id, 'population.resident', ['name']), consumerDepartment: 'wenxin-street', divisionScope, returnFlow: true },
    by,
    at,
    reason: null,
    statutoryBasis: true,
  });
const contractEvent = (id: string, type: string) => recorded(`contract-${id}`, type, { at, by, reason: 'r' });
const grant = (id: string, subjectId: string, purpose = 'SUBSIDY_ELIGIBILITY', expiresAt = '2027-01-01T00:00:00Z') =>
  recorded(`consent-${id}`, 'ConsentGranted', {
    terms: {
      consentId: id,
      subjectId,
      consumerDepartment: 'human-resources',
      providerDepartment: 'public-security',
      purpose,
      datasetCode: 'population.resident',
      fields: ['birthDate'],
      expiresAt,
    },
    receipt: { payload: '{}', signature: '' },
    by,
    at,
  });
const consentEvent = (id: string, type: 'ConsentWithdrawn' | 'ConsentExpired') => recorded(`consent-${id}`, type, { by, at });

/** A governance history touching every kind of row and every way a row stops granting. */
const history: RecordedEvent[] = [
  ...dataset('population.resident', 'Resident', ['name', 'birthDate']),
  ...dataset('population.household', 'Household', ['address']),
  // A second dataset on Resident, whose key sorts first: its later change must not reorder them.
  ...dataset('civil.marriage', 'Resident', ['maritalStatus', 'name']),
  submit('c-1', 'population.resident', ['birthDate'], true),
  contractEvent('c-1', 'ContractActivated'),
  submit('c-2', 'population.household', ['address']),
  contractEvent('c-2', 'ContractActivated'),
  grant('k-1', 's-1'),
  grant('k-2', 's-1', 'HOUSING_ALLOWANCE'),
  grant('k-3', 's-2'),
  contractEvent('c-2', 'ContractSuspended'),
  consentEvent('k-1', 'ConsentWithdrawn'),
  grant('k-4', 's-3'),
  contractEvent('c-2', 'ContractResumed'),
  consentEvent('k-4', 'ConsentExpired'),
  grant('k-0', 's-2'),
  registerSchema('population.resident', ['name', 'birthDate', 'gender']),
  registerSchema('civil.marriage', ['maritalStatus', 'name', 'spouse']),
  submit('c-3', 'population.resident', ['name']),
  consentEvent('k-3', 'ConsentWithdrawn'),
  contractEvent('c-1', 'ContractSuspended'),
  // Granted again on its stream, for another subject: the first subject's entry goes.
  grant('k-5', 's-4'),
  grant('k-5', 's-5'),
  // An expiry that does not parse is held as one, and withdrawn like any other.
  grant('k-6', 's-4', 'SUBSIDY_ELIGIBILITY', 'not a date'),
  grant('k-7', 's-4', 'SUBSIDY_ELIGIBILITY', 'not a date'),
  consentEvent('k-6', 'ConsentWithdrawn'),
  // Scoped contracts: a request, and a 回流 grant later suspended and resumed.
  submit('c-4', 'population.resident', ['birthDate'], false, '330106'),
  contractEvent('c-4', 'ContractActivated'),
  returnFlow('c-5', '330106001'),
  contractEvent('c-5', 'ContractSuspended'),
  contractEvent('c-5', 'ContractResumed'),
];
const subjects = ['s-1', 's-2', 's-3', 's-4', 's-5'];

/** The projection's table after these events. */
const tableAfter = (events: readonly RecordedEvent[]): Map<string, PolicyEntry> => {
  const rows = new Map<string, PolicyEntry>();
  for (const event of events) foldPolicyEvent(rows, event);
  return rows;
};

/** The table's rows after these events, in key order. */
const rowsAfter = (events: readonly RecordedEvent[]): PolicyEntry[] => {
  const rows = tableAfter(events);
  return [...rows.keys()].sort().map((key) => rows.get(key)!);
};

/** `indexSnapshot` of the whole table: what reloading it after these events would give. */
const reloaded = (events: readonly RecordedEvent[]): PolicyIndex => indexSnapshot(snapshotOfEntries(tableAfter(events)));

const expectSameIndex = (actual: PolicyIndex, expected: PolicyIndex) => {
  expect(actual.types).toEqual(expected.types);
  expect(actual.providers).toEqual(expected.providers);
  expect(actual.contracts).toEqual(expected.contracts);
  for (const subject of subjects) expect([subject, actual.consents.get(subject)]).toEqual([subject, expected.consents.get(subject)]);
};

describe('live policy index', () => {
  it.each(history.map((_, i) => i))('loaded after %i events and folded the rest one by one, equals a reload', (split) => {
    const live = new LivePolicyIndex(rowsAfter(history.slice(0, split)));
    for (const event of history.slice(split)) live.apply([event]);

    expectSameIndex(live.index, reloaded(history));
  });

  it.each(history.map((_, i) => i))('loaded after %i events and folded the rest in one batch, equals a reload', (split) => {
    const live = new LivePolicyIndex(rowsAfter(history.slice(0, split)));

    expectSameIndex(live.apply(history.slice(split)), reloaded(history));
  });

  it('equals a reload at every step, not only at the end', () => {
    const live = new LivePolicyIndex([]);
    history.forEach((event, i) => expectSameIndex(live.apply([event]), reloaded(history.slice(0, i + 1))));
  });

  it('leaves the index a decision already holds as it was', () => {
    const live = new LivePolicyIndex(rowsAfter(history.slice(0, 12)));
    const before = live.index;
    const s1Before = before.consents.get('s-1');

    live.apply(history.slice(12));

    expect(s1Before?.map((c) => c.id)).toEqual(['k-1', 'k-2']);
    expect(before.consents.get('s-1')).toBe(s1Before);
    expect(before.contracts.get('human-resources\u0000population.household')?.map((c) => c.id)).toEqual(['c-2']);
    expect(live.index.consents.get('s-1')?.map((c) => c.id)).toEqual(['k-2']);
    expect(live.index.consents.get('s-3')).toBeUndefined();
  });

  it('changes nothing when an event of the batch cannot be folded', () => {
    const live = new LivePolicyIndex(rowsAfter(history));
    const before = live.index;
    const withdrawal = consentEvent('k-2', 'ConsentWithdrawn');
    const malformed = recorded('contract-c-9', 'ContractSubmitted', {});

    expect(() => live.apply([withdrawal, malformed])).toThrow(TypeError);

    // Had the withdrawal been half-applied (gone from what the index holds, still in the index),
    // folding it again would leave the consent granting for good.
    expect(live.index).toBe(before);
    expectSameIndex(live.apply([withdrawal]), reloaded([...history, withdrawal]));
  });

  it('keeps the parts no event touched, and forgets consents that no longer grant', () => {
    const live = new LivePolicyIndex(rowsAfter(history));
    const before = live.index;

    const after = live.apply([grant('k-9', 's-9')]);

    expect(after.contracts).toBe(before.contracts);
    expect(after.types).toBe(before.types);
    expect(after.consents.get('s-9')?.map((c) => c.id)).toEqual(['k-9']);
    expect(live.apply([consentEvent('k-9', 'ConsentWithdrawn')]).consents.get('s-9')).toBeUndefined();
  });

  it('holds a contract\'s division scope, and a 回流 grant as an ACTIVE contract from its one event, with its statutory basis', () => {
    const contracts = new LivePolicyIndex(rowsAfter(history)).index.contracts;
    expect(contracts.get('human-resources\u0000population.resident')?.find((c) => c.id === 'c-4')).toMatchObject({ divisionScope: '330106' });
    expect(contracts.get('human-resources\u0000population.household')?.find((c) => c.id === 'c-2')).toMatchObject({ divisionScope: null });
    expect(contracts.get('wenxin-street\u0000population.resident')).toEqual([expect.objectContaining({ id: 'c-5', divisionScope: '330106001', statutoryBasis: true })]);
    expect(tableAfter([returnFlow('c-6', '330106')]).get('contract:c-6')?.body).toMatchObject({
      kind: 'contract',
      grant: { status: 'ACTIVE', version: 0, consumerDepartment: 'wenxin-street', divisionScope: '330106', statutoryBasis: true },
    });
  });
});
