import type { CommandActor } from '@shuzhi/shared-kernel';
import type { EligibilityRule } from './eligibility-rules.js';
import {
  applicationDate,
  applicationDecider,
  type ApplicationCommand,
  type ApplicationState,
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

const given = (events: SubsidyApplicationEvent[]): ApplicationState => events.reduce(applicationDecider.evolve, applicationDecider.initialState);
const when = (state: ApplicationState, command: ApplicationCommand) => applicationDecider.decide(command, state);

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
const checkedWith = (shared: SharedFacts) => when(given([submitted]), check(shared))[0];
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
      expect(when(given([]), submit())).toEqual([submitted]);
      expect(when(given([]), submit({ actor: window }))[0].data).toMatchObject({ by: { clientId: 'eb-window', role: 'CONSUMER' } });
      expect(when(given([]), submit({ actor: channel }))[0].data).toMatchObject({ by: { role: 'CITIZEN_CHANNEL' } });
      expect(given([submitted])).toMatchObject({ status: 'SUBMITTED', lastCheck: null });
    });

    it('lets only a bureau steward submit in a batch', () => {
      expect(when(given([]), submit({ channel: 'BATCH' }))[0].data).toMatchObject({ channel: 'BATCH' });
      expect(() => when(given([]), submit({ channel: 'BATCH', actor: window }))).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    });

    it('refuses other departments, unknown and closed programs, the wrong subject, a malformed code and a second application', () => {
      expect(() => when(given([]), submit({ actor: outsider }))).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
      expect(() => when(given([]), submit({ program: { status: 'NONE' } }))).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
      expect(() => when(given([]), submit({ program: { ...openProgram, status: 'CLOSED' } as ProgramState }))).toThrow(
        expect.objectContaining({ code: 'INVALID_TRANSITION' }),
      );
      expect(() => when(given([]), submit({ subject: { kind: 'RESIDENT', id: 'r1' } }))).toThrow(
        expect.objectContaining({ code: 'VALIDATION_FAILED', message: 'program p1 is for an enterprise, not a resident' }),
      );
      expect(() => when(given([]), submit({ subject: { kind: 'ENTERPRISE', id: 'not-a-code' } }))).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
      expect(() => when(given([submitted]), submit())).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED', message: expect.stringMatching(/applied to program p1 already/) }));
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
      expect(given([submitted, eligible])).toMatchObject({ status: 'CHECKED', lastCheck: { outcome: 'ELIGIBLE' } });
    });

    it('finds an applicant ineligible when any rule fails', () => {
      const event = checkedWith(facts(9, 'SUSPENDED'));
      expect(event.data).toMatchObject({ outcome: 'INELIGIBLE', verdicts: [{ verdict: 'FAIL' }, { verdict: 'FAIL' }] });
      expect(given([submitted, event]).status).toBe('CHECKED');
    });

    it('records refused facts as CANNOT_CHECK and leaves the application SUBMITTED for a later check', () => {
      const event = checkedWith(denied);
      expect(event.data).toMatchObject({ outcome: 'CANNOT_CHECK', verdicts: [], denied: denied.available ? null : denied.denied, source });
      const state = given([submitted, event]);
      expect(state).toMatchObject({ status: 'SUBMITTED', lastCheck: { outcome: 'CANNOT_CHECK' } });
      expect(when(state, check(facts(12)))[0].data).toMatchObject({ outcome: 'ELIGIBLE' });
    });

    it('checks again while undecided, and reckons ages on the application date in China time', () => {
      expect(when(given([submitted, eligible]), check(facts(3)))[0].data).toMatchObject({ outcome: 'INELIGIBLE' });
      expect(applicationDate('2026-11-26T16:00:00.000Z')).toBe('2026-11-27');
      expect(applicationDate('2026-11-26T15:59:59.999Z')).toBe('2026-11-26');
    });

    it('refuses facts of someone else, a decided application, an unknown one, and a non-steward', () => {
      const stranger: SharedFacts = { available: true, facts: { kind: 'ENTERPRISE', creditCode: '91330106MA0000022X', found: true }, source };
      expect(() => when(given([submitted]), check(stranger))).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
      expect(() => when(given([submitted, eligible, approved]), check(facts(12)))).toThrow(expect.objectContaining({ code: 'INVALID_TRANSITION' }));
      expect(() => when(given([submitted, rejected]), check(facts(12)))).toThrow(expect.objectContaining({ code: 'INVALID_TRANSITION' }));
      expect(() => when(given([]), check(facts(12)))).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
      expect(() => when(given([submitted]), check(facts(12), window))).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    });
  });

  describe('ApproveSubsidyApplication', () => {
    it('approves an application checked eligible, at its amount', () => {
      expect(when(given([submitted, eligible]), approve())).toEqual([approved]);
      expect(given([submitted, eligible, approved])).toMatchObject({ status: 'APPROVED', decision: { reason: '符合条件' } });
    });

    it('refuses an unchecked, a could-not-check, an ineligible and a decided application, and a non-steward', () => {
      expect(() => when(given([submitted]), approve())).toThrow(expect.objectContaining({ code: 'INVALID_TRANSITION', message: expect.stringMatching(/not been checked/) }));
      expect(() => when(given([submitted, checkedWith(denied)]), approve())).toThrow(expect.objectContaining({ code: 'INVALID_TRANSITION' }));
      expect(() => when(given([submitted, checkedWith(facts(1))]), approve())).toThrow(expect.objectContaining({ code: 'INVALID_TRANSITION', message: expect.stringMatching(/ineligible/) }));
      expect(() => when(given([submitted, eligible, approved]), approve())).toThrow(expect.objectContaining({ code: 'INVALID_TRANSITION' }));
      expect(() => when(given([submitted, eligible]), approve(window))).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
      expect(() => when(given([]), approve())).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    });
  });

  describe('RejectSubsidyApplication', () => {
    it('rejects a submitted or checked application with a reason', () => {
      expect(when(given([submitted]), reject('材料不实'))).toEqual([rejected]);
      expect(when(given([submitted, eligible]), reject('材料不实'))).toEqual([rejected]);
      expect(given([submitted, rejected])).toMatchObject({ status: 'REJECTED', decision: { reason: '材料不实' } });
    });

    it('refuses without a reason, once decided, and for a non-steward', () => {
      expect(() => when(given([submitted]), reject(' '))).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
      expect(() => when(given([submitted, eligible, approved]), reject('late'))).toThrow(expect.objectContaining({ code: 'INVALID_TRANSITION' }));
      expect(() => when(given([submitted, rejected]), reject('again'))).toThrow(expect.objectContaining({ code: 'INVALID_TRANSITION' }));
      expect(() => when(given([submitted]), reject('x', outsider))).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
      expect(() => when(given([submitted]), reject('材'.repeat(2001)))).toThrow(
        expect.objectContaining({ code: 'VALIDATION_FAILED', message: 'reason must be at most 2000 characters', details: expect.objectContaining({ field: 'reason' }) }),
      );
    });

    it('refuses an approval whose reason is over 2 000 characters, deciding nothing', () => {
      expect(() => when(given([submitted, eligible]), { ...approve(), reason: '符'.repeat(2001) } as ApplicationCommand)).toThrow(
        expect.objectContaining({ code: 'VALIDATION_FAILED', message: 'reason must be at most 2000 characters' }),
      );
    });
  });

  describe('DisburseSubsidy', () => {
    it('pays an approved application straight to the subject, once', () => {
      expect(when(given([submitted, eligible, approved]), disburse())).toEqual([disbursed]);
      expect(given([submitted, eligible, approved, disbursed]).status).toBe('DISBURSED');
      expect(() => when(given([submitted, eligible, approved, disbursed]), disburse())).toThrow(
        expect.objectContaining({ code: 'INVALID_TRANSITION', message: expect.stringMatching(/paid already/) }),
      );
    });

    it('refuses anything not approved, and a non-steward', () => {
      for (const events of [[submitted], [submitted, eligible], [submitted, rejected]]) {
        expect(() => when(given(events), disburse())).toThrow(expect.objectContaining({ code: 'INVALID_TRANSITION' }));
      }
      expect(() => when(given([submitted, eligible, approved]), disburse(window))).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
      expect(() => when(given([]), disburse())).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    });
  });
});
