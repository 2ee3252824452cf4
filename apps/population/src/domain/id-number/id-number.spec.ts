import { ValidationFailed } from '@shuzhi/shared-kernel';
import { checkCharacter, normalizeIdNumber, parseIdNumber } from './id-number.js';

const today = '2026-11-27';
const withCheck = (first17: string) => `${first17}${checkCharacter(first17)}`;
const refusal = (idNumber: string) => {
  try {
    parseIdNumber(idNumber, today);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationFailed);
    return (error as ValidationFailed).message;
  }
  throw new Error(`${idNumber} was accepted`);
};

describe('GB 11643 ID numbers', () => {
  it('computes the check character of the standard\'s own examples (ISO 7064 MOD 11-2)', () => {
    expect(checkCharacter('11010519491231002')).toBe('X');
    expect(checkCharacter('44052418800101001')).toBe('4');
  });

  it('reads the division code, birth date, sequence and sex out of a valid number', () => {
    expect(parseIdNumber('11010519491231002X', today)).toEqual({
      idNumber: '11010519491231002X',
      divisionCode: '110105',
      birthDate: '1949-12-31',
      sequence: 2,
      gender: 'FEMALE',
    });
    expect(parseIdNumber('440524188001010014', today)).toMatchObject({ birthDate: '1880-01-01', gender: 'MALE' });
  });

  it('takes a lower-case x and surrounding spaces as people type them', () => {
    expect(normalizeIdNumber(' 11010519491231002x ')).toBe('11010519491231002X');
    expect(parseIdNumber(' 11010519491231002x ', today).idNumber).toBe('11010519491231002X');
  });

  it('accepts 29 February of a leap year, 2000 included', () => {
    expect(parseIdNumber(withCheck('33010620000229002'), today).birthDate).toBe('2000-02-29');
  });

  it.each([
    ['too short', '11010519491231002', /18 characters/],
    ['a letter inside', '1101051949123100AX', /18 characters/],
    ['a check character other than a digit or X', '11010519491231002Y', /18 characters/],
    ['a wrong check character', '110105194912310021', /check character is 1, but the first 17 digits give X/],
    ['one digit mistyped', '11010519491231003X', /check character/],
    ['no such province', withCheck('99010519491231002'), /starts with 99, which is no province/],
    ['30 February', withCheck('33010619990230123'), /birth date 19990230 is not a calendar date/],
    ['29 February 1900 (no leap year)', withCheck('33010619000229002'), /19000229 is not a calendar date/],
    ['month 13', withCheck('33010619901301123'), /not a calendar date/],
    ['a birth date in the future', withCheck('33010620300101123'), /2030-01-01 is in the future/],
    ['a birth date before 1800', withCheck('33010617990101123'), /before 1800-01-01/],
  ])('refuses %s', (_, idNumber, reason) => {
    expect(refusal(idNumber)).toMatch(reason);
  });

  it('never repeats the whole number in a refusal (it is SENSITIVE_PERSONAL)', () => {
    for (const idNumber of ['110105194912310021', withCheck('33010619990230123'), withCheck('33010620300101123')]) {
      expect(refusal(idNumber)).not.toContain(idNumber);
    }
  });
});
