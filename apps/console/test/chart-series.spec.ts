import type { AccessRecord, ContractHistoryEntry } from '../src/api/models.js';
import { contractStatesOverTime, daysBetween, localDay, readsPerDepartmentPerDay, refusalsByReason } from '../src/audit/chart-series.js';

/** A moment at local noon of a day, so that the local calendar day is the one named. */
const noon = (day: string) => new Date(`${day}T12:00:00`).toISOString();
const record = (day: string, department: string, outcome: AccessRecord['outcome'], code: string | null = null) =>
  ({ recordedAt: noon(day), department, outcome, code }) as AccessRecord;
const entry = (version: number, day: string, type: string, status: ContractHistoryEntry['status']) =>
  ({ version, at: noon(day), type, status }) as ContractHistoryEntry;

describe('the auditor charts’ series (computed in the browser)', () => {
  const days = daysBetween(new Date(noon('2026-03-01')), new Date(noon('2026-03-04')));

  it('lists every local day of the range', () => {
    expect(days).toEqual(['2026-03-01', '2026-03-02', '2026-03-03', '2026-03-04']);
    expect(localDay(noon('2026-03-02'))).toBe('2026-03-02');
  });

  it('counts served reads per department per day, not refusals nor reads outside the range', () => {
    const records = [
      record('2026-03-01', 'civil-affairs', 'ALLOW'),
      record('2026-03-01', 'civil-affairs', 'PARTIAL'),
      record('2026-03-03', 'civil-affairs', 'REFUSED', 'CONTRACT_REQUIRED'),
      record('2026-03-03', 'economic-bureau', 'ALLOW'),
      record('2026-02-27', 'economic-bureau', 'ALLOW'),
    ];
    expect(readsPerDepartmentPerDay(records, days)).toEqual([
      { name: 'civil-affairs', values: [2, 0, 0, 0] },
      { name: 'economic-bureau', values: [0, 0, 1, 0] },
    ]);
  });

  it('counts refusals by their code, most frequent first', () => {
    const records = [
      record('2026-03-01', 'a', 'REFUSED', 'PURPOSE_REQUIRED'),
      record('2026-03-01', 'a', 'REFUSED', 'CONTRACT_REQUIRED'),
      record('2026-03-02', 'b', 'REFUSED', 'CONTRACT_REQUIRED'),
      record('2026-03-02', 'b', 'ALLOW'),
    ];
    expect(refusalsByReason(records)).toEqual([
      { name: 'CONTRACT_REQUIRED', value: 2 },
      { name: 'PURPOSE_REQUIRED', value: 1 },
    ]);
  });

  it('counts each contract’s status at the end of each day from its history', () => {
    const approved = [
      entry(0, '2026-03-01', 'ContractSubmitted', 'SUBMITTED'),
      entry(1, '2026-03-01', 'ReviewOpened', 'COMPLIANCE_REVIEW'),
      entry(2, '2026-03-02', 'ComplianceReviewPassed', 'COMPLIANCE_REVIEW'),
      entry(3, '2026-03-02', 'ReviewOpened', 'PROVIDER_REVIEW'),
      entry(4, '2026-03-03', 'ContractApproved', 'PROVIDER_REVIEW'),
      entry(5, '2026-03-03', 'ContractActivated', 'ACTIVE'),
      entry(6, '2026-03-04', 'ContractSuspended', 'SUSPENDED'),
    ];
    const rejected = [
      entry(0, '2026-03-02', 'ContractSubmitted', 'SUBMITTED'),
      entry(1, '2026-03-02', 'ReviewOpened', 'COMPLIANCE_REVIEW'),
      entry(2, '2026-03-04', 'ContractRejected', 'REJECTED'),
    ];
    expect(contractStatesOverTime([approved, rejected], days, ['COMPLIANCE_REVIEW', 'PROVIDER_REVIEW', 'ACTIVE', 'REJECTED', 'SUSPENDED', 'REVOKED'])).toEqual([
      { name: 'COMPLIANCE_REVIEW', values: [1, 1, 1, 0] },
      { name: 'PROVIDER_REVIEW', values: [0, 1, 0, 0] },
      { name: 'ACTIVE', values: [0, 0, 1, 0] },
      { name: 'REJECTED', values: [0, 0, 0, 1] },
      { name: 'SUSPENDED', values: [0, 0, 0, 1] },
    ]);
  });
});
