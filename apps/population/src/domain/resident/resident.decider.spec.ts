import { Forbidden, InvalidTransition, NotFound, ValidationFailed, type CommandActor } from '@shuzhi/shared-kernel';
import { checkCharacter } from '../id-number/id-number.js';
import type { ResidentEvent } from '@shuzhi/population-events';
import { decide, evolve, residentDecider, type ResidentCommand, type ResidentInput, type ResidentState } from './resident.decider.js';

const now = '2026-11-27T02:00:00.000Z';
const steward: CommandActor = { clientId: 'ps-steward', department: 'public-security', roles: ['STEWARD'] };
const by = { clientId: 'ps-steward', department: 'public-security', role: 'STEWARD' };
const withCheck = (first17: string) => `${first17}${checkCharacter(first17)}`;

/** 张伟, born 1990-03-07 in Xihu district, sequence 123: odd, so male. */
const zhangWei: ResidentInput = {
  idNumber: withCheck('33010619900307123'),
  name: '张伟',
  gender: 'MALE',
  birthDate: '1990-03-07',
  householdId: 'h-1',
};

type Register = Extract<ResidentCommand, { type: 'RegisterResident' }>;
const register = (input: Partial<ResidentInput> = {}, overrides: Partial<Register> = {}): Register => ({
  type: 'RegisterResident',
  residentId: 'r-1',
  actor: steward,
  now,
  input: { ...zhangWei, ...input },
  householdRegistered: true,
  ...overrides,
});
const move = (toHouseholdId = 'h-2', householdRegistered = true): ResidentCommand => ({
  type: 'MoveResident',
  residentId: 'r-1',
  actor: steward,
  now,
  toHouseholdId,
  householdRegistered,
});
const die = (dateOfDeath = '2026-11-20'): ResidentCommand => ({ type: 'RecordDeath', residentId: 'r-1', actor: steward, now, dateOfDeath });

/** given: the commands so far; when: a command; then: the events it decides (or the error it throws). */
const given = (...commands: ResidentCommand[]) => {
  let state: ResidentState = residentDecider.initialState;
  for (const command of commands) state = decide(command, state).reduce(evolve, state);
  return { state, when: (command: ResidentCommand): ResidentEvent[] => decide(command, state) };
};

const refusalOf = (run: () => unknown): Error => {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('the command was not refused');
};

describe('resident decider', () => {
  describe('register', () => {
    it('registers a resident whose birth date and sex agree with the ID number', () => {
      expect(given().when(register())).toEqual([
        {
          type: 'ResidentRegistered',
          data: { residentId: 'r-1', idNumber: zhangWei.idNumber, name: '张伟', gender: 'MALE', birthDate: '1990-03-07', householdId: 'h-1', by, at: now },
        },
      ]);
      expect(given(register()).state).toMatchObject({ status: 'LIVING', residentId: 'r-1', householdId: 'h-1' });
    });

    it('normalises what people type: a lower-case x, spaces, other middle dots', () => {
      const idNumber = withCheck('65010219850615058');
      expect(idNumber.endsWith('X')).toBe(true);
      const [event] = given().when(
        register({ idNumber: ` ${idNumber.toLowerCase()} `, name: ' 阿依古丽・买买提 ', gender: 'FEMALE', birthDate: '1985-06-15' }),
      );
      expect(event.data).toMatchObject({ idNumber, name: '阿依古丽·买买提' });
    });

    it('registers without a household, and born today in China while UTC is still on yesterday', () => {
      // 2026-11-27T17:30Z is 01:30 on 28 November in China.
      const bornToday = register(
        { idNumber: withCheck('33010620261128002'), name: '李沐', gender: 'FEMALE', birthDate: '2026-11-28', householdId: null },
        { now: '2026-11-27T17:30:00.000Z', householdRegistered: false },
      );
      expect(given().when(bornToday)[0].data).toMatchObject({ birthDate: '2026-11-28', householdId: null });
    });

    it('counts a name\'s characters, not UTF-16 units: 20 rare characters fit, 21 do not', () => {
      const rare = '𠀀'; // CJK extension B: two UTF-16 units
      expect(given().when(register({ name: rare.repeat(20) }))).toHaveLength(1);
      expect(refusalOf(() => given().when(register({ name: rare.repeat(21) }))).message).toMatch(/1 to 20 characters; this one has 21/);
    });

    it.each([
      ['a wrong check character', { idNumber: '330106199003071230' }, /check character is 0, but the first 17 digits give 6/],
      ['an impossible date in the ID number (19990230)', { idNumber: withCheck('33010619990230123'), birthDate: '1999-02-30' }, /19990230 is not a calendar date/],
      ['a birth date in the future', { idNumber: withCheck('33010620300101123'), birthDate: '2030-01-01' }, /2030-01-01 is in the future/],
      ['a birth date contradicting the ID number', { birthDate: '1990-03-08' }, /birthDate 1990-03-08 contradicts the ID number, which carries 1990-03-07/],
      ['a birth date that is no date', { birthDate: '1990-3-7' }, /not a calendar date/],
      ['a gender contradicting the sequence parity', { gender: 'FEMALE' as const }, /gender FEMALE contradicts the ID number, whose sequence number is odd \(male\)/],
      ['an even sequence registered as male', { idNumber: withCheck('33010619900307124'), gender: 'MALE' as const }, /even \(female\)/],
      ['an unknown gender', { gender: 'OTHER' as never }, /MALE or FEMALE/],
      ['an empty name', { name: '   ' }, /1 to 20 characters/],
      ['a name of 21 characters', { name: '欧'.repeat(21) }, /1 to 20 characters/],
      ['a name in Latin letters', { name: 'Zhang Wei' }, /Chinese characters/],
      ['a name with a dangling middle dot', { name: '买买提·' }, /Chinese characters/],
    ])('refuses %s (VALIDATION_FAILED), saying why', (_, input, reason) => {
      const error = refusalOf(() => given().when(register(input)));
      expect(error).toBeInstanceOf(ValidationFailed);
      expect(error.message).toMatch(reason);
    });

    it('refuses an unknown household (NOT_FOUND)', () => {
      expect(() => given().when(register({}, { householdRegistered: false }))).toThrow(NotFound);
    });

    it('refuses a duplicate ID number: the stream the reservation points to is registered already', () => {
      const error = refusalOf(() => given(register()).when(register({}, { residentId: 'r-2' })));
      expect(error).toBeInstanceOf(ValidationFailed);
      expect(error.message).toBe('this ID number is already registered, to resident r-1');
    });

    it('is for a steward of public security only (FORBIDDEN)', () => {
      const others: CommandActor[] = [
        { clientId: 'c', department: 'public-security', roles: ['CONSUMER'] },
        { clientId: 's', department: 'civil-affairs', roles: ['STEWARD'] },
        { clientId: 'b', department: 'data-bureau', roles: ['PLATFORM'] },
      ];
      for (const actor of others) expect(() => given().when(register({}, { actor }))).toThrow(Forbidden);
    });
  });

  describe('move', () => {
    it('moves a living resident to another household, naming both', () => {
      expect(given(register()).when(move('h-2'))).toEqual([
        { type: 'ResidentMoved', data: { residentId: 'r-1', fromHouseholdId: 'h-1', toHouseholdId: 'h-2', by, at: now } },
      ]);
      expect(given(register(), move('h-2')).state).toMatchObject({ status: 'LIVING', householdId: 'h-2' });
    });

    it('moves a resident registered without a household into one', () => {
      const registered = register({ householdId: null }, { householdRegistered: false });
      expect(given(registered).when(move('h-2'))[0].data).toMatchObject({ fromHouseholdId: null, toHouseholdId: 'h-2' });
    });

    it('refuses moving a deceased resident (INVALID_TRANSITION)', () => {
      const error = refusalOf(() => given(register(), die()).when(move('h-2')));
      expect(error).toBeInstanceOf(InvalidTransition);
      expect(error.message).toMatch(/DECEASED: a deceased resident does not move/);
    });

    it.each([
      ['an unknown resident', () => given().when(move()), NotFound],
      ['an unknown household', () => given(register()).when(move('h-9', false)), NotFound],
      ['a move into the household the resident is in', () => given(register()).when(move('h-1')), ValidationFailed],
      ['a move by someone else than a steward of public security', () => given(register()).when({ ...move(), actor: { ...steward, roles: ['CONSUMER'] } }), Forbidden],
    ])('refuses %s', (_, run, error) => {
      expect(run).toThrow(error);
    });
  });

  describe('death', () => {
    it('records a death once, naming the household the resident leaves', () => {
      expect(given(register()).when(die('2026-11-20'))).toEqual([
        { type: 'ResidentDied', data: { residentId: 'r-1', dateOfDeath: '2026-11-20', householdId: 'h-1', by, at: now } },
      ]);
      expect(given(register(), die('2026-11-20')).state).toMatchObject({ status: 'DECEASED', dateOfDeath: '2026-11-20' });
      expect(() => given(register(), die()).when(die())).toThrow(InvalidTransition);
    });

    it.each([
      ['an unknown resident', () => given().when(die()), NotFound],
      ['a date of death in the future', () => given(register()).when(die('2026-11-29')), ValidationFailed],
      ['a date of death before the birth', () => given(register()).when(die('1990-03-06')), ValidationFailed],
      ['an impossible date of death', () => given(register()).when(die('2025-02-29')), ValidationFailed],
      ['a death recorded by another department', () => given(register()).when({ ...die(), actor: { ...steward, department: 'civil-affairs' } }), Forbidden],
    ])('refuses %s', (_, run, error) => {
      expect(run).toThrow(error);
    });
  });
});
