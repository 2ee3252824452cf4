import type { CommandActor } from '@shuzhi/shared-kernel';
import { deciderSpecification } from '@shuzhi/testing';
import type { EligibilityRule } from './eligibility-rules.js';
import {
  applicationDate,
  applicationDecider,
  type ApplicationCommand,
  type SharedFacts,
} from './subsidy-application.decider.js';
import type { SubsidyApplicationEvent } from './subsidy-application.events.js';
import type { ProgramState } from './subsidy-program.decider.js';

const steward: CommandActor = { clientId: 'eb-steward', department: 'economic-bureau', roles: ['STEWARD'] };
const window: CommandActor = { clientId: 'eb-window', department: 'economic-bureau', roles: ['CONSUMER'] };
const channel: CommandActor = { clientId: 'zlb', department: 'data-bureau', roles: ['CITIZEN_CHANNEL'] };
const outsider: CommandActor = { clientId: 'hr', department: 'human-resources', roles: ['CONSUMER'] };
const now = '2026-11-27T02:00:00.000Z';
const by = { clientId: 'eb-steward', department: 'economic-bureau', role: 'STEWARD' } as const;
const CODE = '91330106MA0000011X';
const rules: EligibilityRule[] = [{ rule: 'enterpriseActive' }, { rule: 'minEmployees', employees: 10 }];
const source = { correlationId: 'c-1', decisionIds: ['d-1'], contractIds: ['k-1'] };

const openProgram: ProgramState = {
  status: 'OPEN',
  profile: { programId: 'p1', name: '稳岗', subject: 'ENTERPRISE', rules, budget: 100, amountPerGrant: 10, createdAt: now },
  reservedTotal: 0,
  reservedFor: [],
  closedReason: null,
};

const { given } = deciderSpecification(applicationDecider);

const submitted: SubsidyApplicationEvent = {
  type: 'SubsidyApplicationSubmitted',
  data: { applicationId: 'a1', programId: 'p1', subject: { kind: 'ENTERPRISE', id: CODE }, amount: 10, channel: 'APPLICATION', by, at: '2026-11-26T17:00:00.000Z' },
};
const facts = (employees: number | null, status = 'ACTIVE'): SharedFacts => ({
  available: true,
  facts: { kind: 'ENTERPRISE', creditCode: CODE, found: true, status, employees },
  source,
});
const denied: SharedFacts = {
  available: false,
  denied: { code: 'CONTRACT_REQUIRED', reason: 'cannot check: missing contract: no contract grants Enterprise.employees', fields: ['Enterprise.employees'] },
  source,
};
const submit = (overrides: Partial<Extract<ApplicationCommand, { type: 'SubmitSubsidyApplication' }>> = {}): ApplicationCommand => ({
  type: 'SubmitSubsidyApplication',
  applicationId: 'a1',
  program: openProgram,
  subject: { kind: 'ENTERPRISE', id: CODE },
  channel: 'APPLICATION',
  actor: steward,
  now: '2026-11-26T17:00:00.000Z',
  ...overrides,
});
const check = (shared: SharedFacts, actor = steward): ApplicationCommand => ({ type: 'CheckSubsidyApplication', rules, shared, actor, now });
const checkedWith = (shared: SharedFacts) => given([submitted]).when(check(shared)).events()[0];
const approve = (actor = steward): ApplicationCommand => ({ type: 'ApproveSubsidyApplication', reason: '符合条件', actor, now });
const reject = (reason: string, actor = steward): ApplicationCommand => ({ type: 'RejectSubsidyApplication', reason, actor, now });
const disburse = (actor = steward): ApplicationCommand => ({ type: 'DisburseSubsidy', actor, now });

const eligible = checkedWith(facts(12));
const approved: SubsidyApplicationEvent = { type: 'SubsidyApplicationApproved', data: { applicationId: 'a1', amount: 10, reason: '符合条件', by, at: now } };
const rejected: SubsidyApplicationEvent = { type: 'SubsidyApplicationRejected', data: { applicationId: 'a1', reason: '材料不实', by, at: now } };
const disbursed: SubsidyApplicationEvent = {
  type: 'SubsidyDisbursed',
  data: { applicationId: 'a1', programId: 'p1', beneficiary: { kind: 'ENTERPRISE', id: CODE }, amount: 10, paymentReference: 'PAY-a1', by, at: now },
};

describe('subsidy application decider', () => {
  describe('SubmitSubsidyApplication', () => {
    it('submits for an open program at its current grant, from the bureau or a citizen channel', () => {
      given([]).when(submit()).then([submitted]);
      expect(given([]).when(submit({ actor: window })).events()[0].data).toMatchObject({ by: { clientId: 'eb-window', role: 'CONSUMER' } });
      expect(given([]).when(submit({ actor: channel })).events()[0].data).toMatchObject({ by: { role: 'CITIZEN_CHANNEL' } });
      expect(given([submitted]).state).toMatchObject({ status: 'SUBMITTED', lastCheck: null });
    });

    it('lets only a bureau steward submit in a batch', () => {
      expect(given([]).when(submit({ channel: 'BATCH' })).events()[0].data).toMatchObject({ channel: 'BATCH' });
      given([]).when(submit({ channel: 'BATCH', actor: window })).thenThrows('FORBIDDEN');
    });

    it('refuses other departments, unknown and closed programs, the wrong subject, a malformed code and a second application', () => {
      given([]).when(submit({ actor: outsider })).thenThrows('FORBIDDEN');
      given([]).when(submit({ program: { status: 'NONE' } })).thenThrows('NOT_FOUND');
      given([]).when(submit({ program: { ...openProgram, status: 'CLOSED' } as ProgramState })).thenThrows('INVALID_TRANSITION');
      expect(given([]).when(submit({ subject: { kind: 'RESIDENT', id: 'r1' } })).thenThrows('VALIDATION_FAILED').message).toBe('program p1 is for an enterprise, not a resident');
      given([]).when(submit({ subject: { kind: 'ENTERPRISE', id: 'not-a-code' } })).thenThrows('VALIDATION_FAILED');
      expect(given([submitted]).when(submit()).thenThrows('VALIDATION_FAILED').message).toMatch(/applied to program p1 already/);
    });
  });

  describe('CheckSubsidyApplication', () => {
    it('records every verdict, the facts and the gateway source; eligible leaves it CHECKED', () => {
      expect(eligible).toEqual({
        type: 'SubsidyApplicationChecked',
        data: {
          applicationId: 'a1',
          outcome: 'ELIGIBLE',
          onDate: '2026-11-27',
          verdicts: [
            { rule: rules[0], verdict: 'PASS', facts: { status: 'ACTIVE' }, reason: 'the enterprise is active' },
            { rule: rules[1], verdict: 'PASS', facts: { employees: 12 }, reason: '12 employees, 10 needed' },
          ],
          denied: null,
          source,
          by,
          at: now,
        },
      });
      expect(given([submitted, eligible]).state).toMatchObject({ status: 'CHECKED', lastCheck: { outcome: 'ELIGIBLE' } });
    });

    it('finds an applicant ineligible when any rule fails', () => {
      const event = checkedWith(facts(9, 'SUSPENDED'));
      expect(event.data).toMatchObject({ outcome: 'INELIGIBLE', verdicts: [{ verdict: 'FAIL' }, { verdict: 'FAIL' }] });
      expect(given([submitted, event]).state.status).toBe('CHECKED');
    });

    it('records refused facts as CANNOT_CHECK and leaves the application SUBMITTED for a later check', () => {
      const event = checkedWith(denied);
      expect(event.data).toMatchObject({ outcome: 'CANNOT_CHECK', verdicts: [], denied: denied.available ? null : denied.denied, source });
      const cannotCheck = given([submitted, event]);
      expect(cannotCheck.state).toMatchObject({ status: 'SUBMITTED', lastCheck: { outcome: 'CANNOT_CHECK' } });
      expect(cannotCheck.when(check(facts(12))).events()[0].data).toMatchObject({ outcome: 'ELIGIBLE' });
    });

    it('checks again while undecided, and reckons ages on the application date in China time', () => {
      expect(given([submitted, eligible]).when(check(facts(3))).events()[0].data).toMatchObject({ outcome: 'INELIGIBLE' });
      expect(applicationDate('2026-11-26T16:00:00.000Z')).toBe('2026-11-27');
      expect(applicationDate('2026-11-26T15:59:59.999Z')).toBe('2026-11-26');
    });

    it('refuses facts of someone else, a decided application, an unknown one, and a non-steward', () => {
      const stranger: SharedFacts = { available: true, facts: { kind: 'ENTERPRISE', creditCode: '91330106MA0000022X', found: true }, source };
      given([submitted]).when(check(stranger)).thenThrows('VALIDATION_FAILED');
      given([submitted, eligible, approved]).when(check(facts(12))).thenThrows('INVALID_TRANSITION');
      given([submitted, rejected]).when(check(facts(12))).thenThrows('INVALID_TRANSITION');
      given([]).when(check(facts(12))).thenThrows('NOT_FOUND');
      given([submitted]).when(check(facts(12), window)).thenThrows('FORBIDDEN');
    });
  });

  describe('ApproveSubsidyApplication', () => {
    it('approves an application checked eligible, at its amount', () => {
      given([submitted, eligible]).when(approve()).then([approved]);
      expect(given([submitted, eligible, approved]).state).toMatchObject({ status: 'APPROVED', decision: { reason: '符合条件' } });
    });

    it('refuses an unchecked, a could-not-check, an ineligible and a decided application, and a non-steward', () => {
      expect(given([submitted]).when(approve()).thenThrows('INVALID_TRANSITION').message).toMatch(/not been checked/);
      given([submitted, checkedWith(denied)]).when(approve()).thenThrows('INVALID_TRANSITION');
      expect(given([submitted, checkedWith(facts(1))]).when(approve()).thenThrows('INVALID_TRANSITION').message).toMatch(/ineligible/);
      given([submitted, eligible, approved]).when(approve()).thenThrows('INVALID_TRANSITION');
      given([submitted, eligible]).when(approve(window)).thenThrows('FORBIDDEN');
      given([]).when(approve()).thenThrows('NOT_FOUND');
    });
  });

  describe('RejectSubsidyApplication', () => {
    it('rejects a submitted or checked application with a reason', () => {
      given([submitted]).when(reject('材料不实')).then([rejected]);
      given([submitted, eligible]).when(reject('材料不实')).then([rejected]);
      expect(given([submitted, rejected]).state).toMatchObject({ status: 'REJECTED', decision: { reason: '材料不实' } });
    });

    it('refuses without a reason, once decided, and for a non-steward', () => {
      given([submitted]).when(reject(' ')).thenThrows('VALIDATION_FAILED');
      given([submitted, eligible, approved]).when(reject('late')).thenThrows('INVALID_TRANSITION');
      given([submitted, rejected]).when(reject('again')).thenThrows('INVALID_TRANSITION');
      given([submitted]).when(reject('x', outsider)).thenThrows('FORBIDDEN');
      expect(given([submitted]).when(reject('材'.repeat(2001))).thenThrows('VALIDATION_FAILED')).toMatchObject({ message: 'reason must be at most 2000 characters', details: expect.objectContaining({ field: 'reason' }) });
    });

    it('refuses an approval whose reason is over 2 000 characters, deciding nothing', () => {
      expect(given([submitted, eligible]).when({ ...approve(), reason: '符'.repeat(2001) } as ApplicationCommand).thenThrows('VALIDATION_FAILED').message).toBe('reason must be at most 2000 characters');
    });
  });

  describe('DisburseSubsidy', () => {
    it('pays an approved application straight to the subject, once', () => {
      given([submitted, eligible, approved]).when(disburse()).then([disbursed]);
      expect(given([submitted, eligible, approved, disbursed]).state.status).toBe('DISBURSED');
      expect(given([submitted, eligible, approved, disbursed]).when(disburse()).thenThrows('INVALID_TRANSITION').message).toMatch(/paid already/);
    });

    it('refuses anything not approved, and a non-steward', () => {
      for (const events of [[submitted], [submitted, eligible], [submitted, rejected]]) {
        given(events).when(disburse()).thenThrows('INVALID_TRANSITION');
      }
      given([submitted, eligible, approved]).when(disburse(window)).thenThrows('FORBIDDEN');
      given([]).when(disburse()).thenThrows('NOT_FOUND');
    });
  });
});
