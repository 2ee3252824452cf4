import type { Checkpoint, RecordedEvent } from '@shuzhi/event-store';
import type { AccessEvent } from '@shuzhi/policy';
import { at, consent, contract, given, hr, purpose } from '../../../../libs/policy/src/decision/test/policy.fixtures.js';
import { compareRecord } from './decision-replay.js';

const context = {
  clientId: hr.clientId,
  department: hr.department,
  purpose,
  decisionId: 'd-1',
  correlationId: 'x-1',
  at,
  snapshotCheckpoint: '10:20',
  operationHash: 'h',
};

const recordOf = (event: AccessEvent): RecordedEvent =>
  ({ eventId: 'e-1', streamId: 'access-2026-12-10', streamVersion: 0, globalPosition: 42, checkpoint: '11:42' as Checkpoint, type: event.type, data: event.data, metadata: {} as never, recordedAt: new Date(at) }) as RecordedEvent;

/** What the gateway records for `{ resident(id) { name birthDate } consents { id } }` under contract c-1. */
const served = (overrides: Partial<Extract<AccessEvent, { type: 'AccessRecorded' }>['data']> = {}): RecordedEvent =>
  recordOf({
    type: 'AccessRecorded',
    data: {
      ...context,
      outcome: 'ALLOW',
      contracts: [{ id: 'c-1', version: 4 }],
      fields: ['Query.resident', 'Resident.name', 'Resident.birthDate', 'Query.consents', 'Consent.id'],
      maskedFields: [{ field: 'Resident.name', rule: 'MASK' }],
      deniedFields: [],
      subjects: [{ type: 'Resident', id: 'r-1' }],
      withheldSubjects: [],
      ...overrides,
    },
  });

describe('compareRecord: an access record decided again over the snapshot it cites', () => {
  const { index } = given({ contracts: [contract()] });

  it('finds nothing to report when the record is what the policy decides (root fields and platform types taken as recorded)', () => {
    expect(compareRecord(served(), index)).toEqual([]);
  });

  it('reports a contract, a mask or a served field the policy does not give', () => {
    expect(compareRecord(served({ contracts: [{ id: 'c-1', version: 3 }] }), index)).toEqual([
      expect.objectContaining({ globalPosition: '42', recordId: 'e-1', what: 'contracts', recorded: [{ id: 'c-1', version: 3 }] }),
    ]);
    expect(compareRecord(served({ maskedFields: [{ field: 'Resident.name', rule: 'HASH' }] }), index)).toEqual([
      expect.objectContaining({ what: 'maskedFields', replayed: [{ field: 'Resident.name', rule: 'MASK' }] }),
    ]);
    expect(compareRecord(served({ fields: ['Query.resident', 'Resident.name', 'Resident.birthDate', 'Resident.idNumber'] }), index)).toEqual(
      expect.arrayContaining([expect.objectContaining({ what: 'fields' })]),
    );
  });

  it('re-decides consent per subject: a row withheld or served against the consents in force is reported', () => {
    const consentIndex = given({ contracts: [contract({ consentRequired: true })], consents: [consent()] }).index;
    const recorded = served({
      fields: ['Query.resident', 'Resident.name', 'Resident.birthDate'],
      subjects: [{ type: 'Resident', id: 'r-1' }],
      withheldSubjects: [{ type: 'Resident', id: 'r-2', missingFields: ['name', 'birthDate'] }],
      outcome: 'PARTIAL',
    });
    expect(compareRecord(recorded, consentIndex)).toEqual([]);

    const servedWithoutConsent = served({ fields: ['Query.resident', 'Resident.name', 'Resident.birthDate'], subjects: [{ type: 'Resident', id: 'r-2' }] });
    expect(compareRecord(servedWithoutConsent, consentIndex)).toEqual([
      expect.objectContaining({ what: 'withheldSubjects', recorded: [], replayed: ['Resident:r-2'] }),
    ]);
  });

  it('checks a refusal by what it denied: a field the policy would have granted is reported', () => {
    const refused = (deniedFields: string[]) =>
      recordOf({ type: 'AccessRefused', data: { ...context, code: 'CONTRACT_REQUIRED', reason: 'r', deniedFields, contracts: [] } });
    expect(compareRecord(refused(['Resident.idNumber']), index)).toEqual([]);
    expect(compareRecord(refused(['Resident.name']), index)).toEqual([expect.objectContaining({ what: 'deniedFields', recorded: ['Resident.name'] })]);
  });
});
