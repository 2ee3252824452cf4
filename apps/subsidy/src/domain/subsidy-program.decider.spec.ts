import type { CommandActor } from '@shuzhi/shared-kernel';
import { deciderSpecification } from '@shuzhi/testing';
import { programDecider, type CreateProgramInput, type ProgramCommand } from './subsidy-program.decider.js';
import type { SubsidyProgramEvent } from './subsidy-program.events.js';

const steward: CommandActor = { clientId: 'eb-steward', department: 'economic-bureau', roles: ['STEWARD'] };
const consumer: CommandActor = { clientId: 'eb-system', department: 'economic-bureau', roles: ['CONSUMER'] };
const otherSteward: CommandActor = { clientId: 'mr-steward', department: 'market-regulation', roles: ['STEWARD'] };
const now = '2026-11-27T02:00:00.000Z';
const by = { clientId: 'eb-steward', department: 'economic-bureau', role: 'STEWARD' } as const;

const input = (overrides: Partial<CreateProgramInput> = {}): CreateProgramInput => ({
  name: '制造业稳岗补贴',
  subject: 'ENTERPRISE',
  rules: [{ enterpriseActive: true }, { industryIn: ['C'] }, { minEmployees: 10 }],
  budget: 30_000,
  amountPerGrant: 10_000,
  ...overrides,
});

const { given } = deciderSpecification(programDecider);

const created: SubsidyProgramEvent = {
  type: 'SubsidyProgramCreated',
  data: {
    programId: 'stable-jobs-2026',
    name: '制造业稳岗补贴',
    subject: 'ENTERPRISE',
    rules: [{ rule: 'enterpriseActive' }, { rule: 'industryIn', industries: ['C'] }, { rule: 'minEmployees', employees: 10 }],
    budget: 30_000,
    amountPerGrant: 10_000,
    by,
    at: now,
  },
};
const reserved = (applicationId: string, reservedTotal: number): SubsidyProgramEvent => ({
  type: 'SubsidyGrantReserved',
  data: { programId: 'stable-jobs-2026', applicationId, amount: 10_000, reservedTotal, by, at: now },
});
const create = (overrides: Partial<CreateProgramInput> = {}, actor = steward): ProgramCommand => ({
  type: 'CreateSubsidyProgram',
  programId: 'stable-jobs-2026',
  input: input(overrides),
  actor,
  now,
});
const reserve = (applicationId: string, actor = steward): ProgramCommand => ({ type: 'ReserveSubsidyGrant', applicationId, actor, now });

describe('subsidy program decider', () => {
  describe('CreateSubsidyProgram', () => {
    it('opens a program with its rules parsed into the rule language', () => {
      given([]).when(create()).then([created]);
      expect(given([created]).state).toMatchObject({ status: 'OPEN', reservedTotal: 0, profile: { createdAt: now } });
    });

    it.each([
      ['a consumer of the bureau', consumer],
      ['a steward of another department', otherSteward],
    ])('refuses %s with FORBIDDEN', (_what, actor) => {
      given([]).when(create({}, actor)).thenThrows('FORBIDDEN');
    });

    it.each([
      ['a bad rule', { rules: [{ minEmployees: -1 }] }, /rules\[0\]: minEmployees/],
      ['no rules', { rules: [] }, /at least one eligibility rule/],
      ['an empty name', { name: '  ' }, /name/],
      ['a zero budget', { budget: 0 }, /budget is a whole number of yuan above 0/],
      ['a fractional grant', { amountPerGrant: 99.5 }, /amount per grant is a whole number/],
      ['a grant above the budget', { budget: 5_000 }, /exceeds the whole budget/],
      ['501 rules', { rules: Array.from({ length: 501 }, () => ({ enterpriseActive: true })) }, /rules must list at most 500 items; this one lists 501/],
      ['an industry list of 501 codes', { rules: [{ industryIn: Array.from({ length: 501 }, () => 'C') }] }, /industryIn lists at most 500 industry codes/],
      ['a name of two lines', { name: '制造业\n稳岗补贴' }, /name must be one line without control characters/],
    ])('refuses %s with VALIDATION_FAILED', (_what, overrides, reason) => {
      expect(given([]).when(create(overrides as Partial<CreateProgramInput>)).thenThrows('VALIDATION_FAILED').message).toMatch(reason);
    });

    it('refuses a malformed id and a duplicate one', () => {
      given([]).when({ ...create(), programId: 'Has Spaces' } as ProgramCommand).thenThrows('VALIDATION_FAILED');
      expect(given([created]).when(create()).thenThrows('VALIDATION_FAILED')).toHaveProperty('details', { violations: [{ field: 'id', reason: 'duplicate' }] });
    });
  });

  describe('CloseSubsidyProgram', () => {
    const close = (reason: string, actor = steward): ProgramCommand => ({ type: 'CloseSubsidyProgram', reason, actor, now });

    it('closes an open program with a reason', () => {
      const events = given([created]).when(close('年度预算执行完毕')).events();
      expect(events).toEqual([{ type: 'SubsidyProgramClosed', data: { programId: 'stable-jobs-2026', reason: '年度预算执行完毕', by, at: now } }]);
      expect(given([created, ...events]).state).toMatchObject({ status: 'CLOSED', closedReason: '年度预算执行完毕' });
    });

    it('refuses closing twice, without a reason, an unknown program, or by a consumer', () => {
      const closed = given([created, ...given([created]).when(close('done')).events()]);
      closed.when(close('again')).thenThrows('INVALID_TRANSITION');
      given([created]).when(close(' ')).thenThrows('VALIDATION_FAILED');
      given([]).when(close('x')).thenThrows('NOT_FOUND');
      given([created]).when(close('x', consumer)).thenThrows('FORBIDDEN');
      expect(given([created]).when(close('因'.repeat(2001))).thenThrows('VALIDATION_FAILED')).toMatchObject({ details: { field: 'reason' } });
    });
  });

  describe('ReserveSubsidyGrant', () => {
    it('commits one grant of the budget per application', () => {
      given([created]).when(reserve('a1')).then([reserved('a1', 10_000)]);
      given([created, reserved('a1', 10_000)]).when(reserve('a2')).then([reserved('a2', 20_000)]);
    });

    it('reserves nothing more for an application it reserved for already', () => {
      given([created, reserved('a1', 10_000)]).when(reserve('a1')).then([]);
    });

    it('refuses a grant the budget cannot cover', () => {
      const full = given([created, reserved('a1', 10_000), reserved('a2', 20_000), reserved('a3', 30_000)]);
      expect(full.when(reserve('a4')).thenThrows('INVALID_TRANSITION').message).toMatch(/budget is spent: 30000 of 30000/);
    });

    it('refuses on a closed program, an unknown one, and for a consumer', () => {
      const closed = given([created, { type: 'SubsidyProgramClosed', data: { programId: 'stable-jobs-2026', reason: 'x', by, at: now } }]);
      closed.when(reserve('a1')).thenThrows('INVALID_TRANSITION');
      given([]).when(reserve('a1')).thenThrows('NOT_FOUND');
      given([created]).when(reserve('a1', consumer)).thenThrows('FORBIDDEN');
    });
  });
});
