import type { CommandActor } from '@shuzhi/shared-kernel';
import { programDecider, type CreateProgramInput, type ProgramCommand, type ProgramState } from './subsidy-program.decider.js';
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

const given = (events: SubsidyProgramEvent[]): ProgramState => events.reduce(programDecider.evolve, programDecider.initialState);
const when = (state: ProgramState, command: ProgramCommand) => programDecider.decide(command, state);

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
      expect(when(given([]), create())).toEqual([created]);
      expect(given([created])).toMatchObject({ status: 'OPEN', reservedTotal: 0, profile: { createdAt: now } });
    });

    it.each([
      ['a consumer of the bureau', consumer],
      ['a steward of another department', otherSteward],
    ])('refuses %s with FORBIDDEN', (_what, actor) => {
      expect(() => when(given([]), create({}, actor))).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
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
      expect(() => when(given([]), create(overrides as Partial<CreateProgramInput>))).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED', message: expect.stringMatching(reason) }));
    });

    it('refuses a malformed id and a duplicate one', () => {
      expect(() => when(given([]), { ...create(), programId: 'Has Spaces' } as ProgramCommand)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
      expect(() => when(given([created]), create())).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED', details: { violations: [{ field: 'id', reason: 'duplicate' }] } }));
    });
  });

  describe('CloseSubsidyProgram', () => {
    const close = (reason: string, actor = steward): ProgramCommand => ({ type: 'CloseSubsidyProgram', reason, actor, now });

    it('closes an open program with a reason', () => {
      const events = when(given([created]), close('年度预算执行完毕'));
      expect(events).toEqual([{ type: 'SubsidyProgramClosed', data: { programId: 'stable-jobs-2026', reason: '年度预算执行完毕', by, at: now } }]);
      expect(given([created, ...events])).toMatchObject({ status: 'CLOSED', closedReason: '年度预算执行完毕' });
    });

    it('refuses closing twice, without a reason, an unknown program, or by a consumer', () => {
      const closed = given([created, ...when(given([created]), close('done'))]);
      expect(() => when(closed, close('again'))).toThrow(expect.objectContaining({ code: 'INVALID_TRANSITION' }));
      expect(() => when(given([created]), close(' '))).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
      expect(() => when(given([]), close('x'))).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
      expect(() => when(given([created]), close('x', consumer))).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
      expect(() => when(given([created]), close('因'.repeat(2001)))).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED', details: expect.objectContaining({ field: 'reason' }) }));
    });
  });

  describe('ReserveSubsidyGrant', () => {
    it('commits one grant of the budget per application', () => {
      expect(when(given([created]), reserve('a1'))).toEqual([reserved('a1', 10_000)]);
      expect(when(given([created, reserved('a1', 10_000)]), reserve('a2'))).toEqual([reserved('a2', 20_000)]);
    });

    it('reserves nothing more for an application it reserved for already', () => {
      expect(when(given([created, reserved('a1', 10_000)]), reserve('a1'))).toEqual([]);
    });

    it('refuses a grant the budget cannot cover', () => {
      const full = given([created, reserved('a1', 10_000), reserved('a2', 20_000), reserved('a3', 30_000)]);
      expect(() => when(full, reserve('a4'))).toThrow(expect.objectContaining({ code: 'INVALID_TRANSITION', message: expect.stringMatching(/budget is spent: 30000 of 30000/) }));
    });

    it('refuses on a closed program, an unknown one, and for a consumer', () => {
      const closed = given([created, { type: 'SubsidyProgramClosed', data: { programId: 'stable-jobs-2026', reason: 'x', by, at: now } }]);
      expect(() => when(closed, reserve('a1'))).toThrow(expect.objectContaining({ code: 'INVALID_TRANSITION' }));
      expect(() => when(given([]), reserve('a1'))).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
      expect(() => when(given([created]), reserve('a1', consumer))).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    });
  });
});
