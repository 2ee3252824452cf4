import { Forbidden, InvalidTransition, NotFound, ValidationFailed, type CommandActor } from '@shuzhi/shared-kernel';
import type { ResidentEvent } from '@shuzhi/population-events';
import { deciderSpecification } from '@shuzhi/testing';
import { checkCharacter } from '../id-number/id-number.js';
import { residentDecider, type ResidentCommand, type ResidentInput } from './resident.decider.js';

const now = '2026-11-27T02:00:00.000Z';
const steward: CommandActor = { clientId: 'ps-steward', department: 'public-security', roles: ['STEWARD'] };
const by = { clientId: 'ps-steward', department: 'public-security', role: 'STEWARD' } as const;
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

type Registered = Extract<ResidentEvent, { type: 'ResidentRegistered' }>;
const residentRegistered = (data: Partial<Registered['data']> = {}): ResidentEvent => ({
  type: 'ResidentRegistered',
  data: { residentId: 'r-1', idNumber: zhangWei.idNumber, name: '张伟', gender: 'MALE', birthDate: '1990-03-07', householdId: 'h-1', by, at: now, ...data },
});
const residentMoved: ResidentEvent = { type: 'ResidentMoved', data: { residentId: 'r-1', fromHouseholdId: 'h-1', toHouseholdId: 'h-2', by, at: now } };
const residentDied: ResidentEvent = { type: 'ResidentDied', data: { residentId: 'r-1', dateOfDeath: '2026-11-20', householdId: 'h-1', by, at: now } };

/** given: the events so far; when: a command; then: the events it decides (or the error it throws). */
const { given } = deciderSpecification(residentDecider);

describe('resident decider', () => {
  describe('register', () => {
    it('registers a resident whose birth date and sex agree with the ID number', () => {
      given([]).when(register()).then([
        {
          type: 'ResidentRegistered',
          data: { residentId: 'r-1', idNumber: zhangWei.idNumber, name: '张伟', gender: 'MALE', birthDate: '1990-03-07', householdId: 'h-1', by, at: now },
        },
      ]);
      expect(given([residentRegistered()]).state).toMatchObject({ status: 'LIVING', residentId: 'r-1', householdId: 'h-1' });
    });

    it('normalises what people type: a lower-case x, spaces, other middle dots', () => {
      const idNumber = withCheck('65010219850615058');
      expect(idNumber.endsWith('X')).toBe(true);
      const [event] = given([]).when(
        register({ idNumber: ` ${idNumber.toLowerCase()} `, name: ' 阿依古丽・买买提 ', gender: 'FEMALE', birthDate: '1985-06-15' }),
      ).events();
      expect(event.data).toMatchObject({ idNumber, name: '阿依古丽·买买提' });
    });

    it('registers without a household, and born today in China while UTC is still on yesterday', () => {
      // 2026-11-27T17:30Z is 01:30 on 28 November in China.
      const bornToday = register(
        { idNumber: withCheck('33010620261128002'), name: '李沐', gender: 'FEMALE', birthDate: '2026-11-28', householdId: null },
        { now: '2026-11-27T17:30:00.000Z', householdRegistered: false },
      );
      expect(given([]).when(bornToday).events()[0].data).toMatchObject({ birthDate: '2026-11-28', householdId: null });
    });

    it('counts a name\'s characters, not UTF-16 units: 20 rare characters fit, 21 do not', () => {
      const rare = '𠀀'; // CJK extension B: two UTF-16 units
      expect(given([]).when(register({ name: rare.repeat(20) })).events()).toHaveLength(1);
      expect(given([]).when(register({ name: rare.repeat(21) })).thenThrows().message).toMatch(/1 to 20 characters; this one has 21/);
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
      expect(given([]).when(register(input)).thenThrows(ValidationFailed).message).toMatch(reason);
    });

    it('refuses an unknown household (NOT_FOUND)', () => {
      given([]).when(register({}, { householdRegistered: false })).thenThrows(NotFound);
    });

    it('refuses a duplicate ID number: the stream the reservation points to is registered already', () => {
      expect(given([residentRegistered()]).when(register({}, { residentId: 'r-2' })).thenThrows(ValidationFailed).message).toBe('this ID number is already registered, to resident r-1');
    });

    it('is for a steward of public security only (FORBIDDEN)', () => {
      const others: CommandActor[] = [
        { clientId: 'c', department: 'public-security', roles: ['CONSUMER'] },
        { clientId: 's', department: 'civil-affairs', roles: ['STEWARD'] },
        { clientId: 'b', department: 'data-bureau', roles: ['PLATFORM'] },
      ];
      for (const actor of others) given([]).when(register({}, { actor })).thenThrows(Forbidden);
    });
  });

  describe('move', () => {
    it('moves a living resident to another household, naming both', () => {
      given([residentRegistered()]).when(move('h-2')).then([
        { type: 'ResidentMoved', data: { residentId: 'r-1', fromHouseholdId: 'h-1', toHouseholdId: 'h-2', by, at: now } },
      ]);
      expect(given([residentRegistered(), residentMoved]).state).toMatchObject({ status: 'LIVING', householdId: 'h-2' });
    });

    it('moves a resident registered without a household into one', () => {
      expect(given([residentRegistered({ householdId: null })]).when(move('h-2')).events()[0].data).toMatchObject({ fromHouseholdId: null, toHouseholdId: 'h-2' });
    });

    it('refuses moving a deceased resident (INVALID_TRANSITION)', () => {
      expect(given([residentRegistered(), residentDied]).when(move('h-2')).thenThrows(InvalidTransition).message).toMatch(/DECEASED: a deceased resident does not move/);
    });

    it.each([
      ['an unknown resident', () => given([]).when(move()).events(), NotFound],
      ['an unknown household', () => given([residentRegistered()]).when(move('h-9', false)).events(), NotFound],
      ['a move into the household the resident is in', () => given([residentRegistered()]).when(move('h-1')).events(), ValidationFailed],
      ['a move by someone else than a steward of public security', () => given([residentRegistered()]).when({ ...move(), actor: { ...steward, roles: ['CONSUMER'] } }).events(), Forbidden],
    ])('refuses %s', (_, run, error) => {
      expect(run).toThrow(error);
    });
  });

  describe('death', () => {
    it('records a death once, naming the household the resident leaves', () => {
      given([residentRegistered()]).when(die('2026-11-20')).then([
        { type: 'ResidentDied', data: { residentId: 'r-1', dateOfDeath: '2026-11-20', householdId: 'h-1', by, at: now } },
      ]);
      expect(given([residentRegistered(), residentDied]).state).toMatchObject({ status: 'DECEASED', dateOfDeath: '2026-11-20' });
      given([residentRegistered(), residentDied]).when(die()).thenThrows(InvalidTransition);
    });

    it.each([
      ['an unknown resident', () => given([]).when(die()).events(), NotFound],
      ['a date of death in the future', () => given([residentRegistered()]).when(die('2026-11-29')).events(), ValidationFailed],
      ['a date of death before the birth', () => given([residentRegistered()]).when(die('1990-03-06')).events(), ValidationFailed],
      ['an impossible date of death', () => given([residentRegistered()]).when(die('2025-02-29')).events(), ValidationFailed],
      ['a death recorded by another department', () => given([residentRegistered()]).when({ ...die(), actor: { ...steward, department: 'civil-affairs' } }).events(), Forbidden],
    ])('refuses %s', (_, run, error) => {
      expect(run).toThrow(error);
    });
  });
});
