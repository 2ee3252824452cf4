import { creditCodeCheck, creditCodeProblem, issueCreditCode, organisationCodeCheck } from './credit-code.js';

/** Replaces the character at 0-based `index`. */
const swap = (code: string, index: number, character: string) => code.slice(0, index) + character + code.slice(index + 1);

describe('unified social credit code (GB 32100-2015)', () => {
  it('accepts published codes of real registrations', () => {
    expect(creditCodeProblem('91350100M000100Y43')).toBeUndefined();
    expect(creditCodeProblem('91110000802100433B')).toBeUndefined();
  });

  it('computes the organisation code check digit (GB 11714), with 10 as X and 11 as 0', () => {
    expect(organisationCodeCheck('M000100Y')).toBe('4');
    expect(organisationCodeCheck('80210043')).toBe('3');
    expect(organisationCodeCheck('10000018')).toBe('X');
    expect(organisationCodeCheck('10000004')).toBe('0');
    expect(organisationCodeCheck('MA27UW0Q')).toBe('0');
  });

  it('computes the check character over the first 17 (mod 31, with 31 as 0)', () => {
    expect(creditCodeCheck('91350100M000100Y4')).toBe('3');
    expect(creditCodeCheck('91110000802100433')).toBe('B');
    expect(creditCodeCheck('91330106100000139')).toBe('0');
    expect(creditCodeCheck('91330106100000016')).toBe('Y');
  });

  it('issues codes that validate, with both check characters in place', () => {
    const code = issueCreditCode({ entityType: '1', division: '330106', organisationBody: 'MA2H3K7L' });
    expect(code).toBe(`91330106MA2H3K7L3${creditCodeCheck('91330106MA2H3K7L3')}`);
    expect(creditCodeProblem(code)).toBeUndefined();
    expect(creditCodeProblem(issueCreditCode({ entityType: '3', division: '330782', organisationBody: '10000018' }))).toBeUndefined();
  });

  it('refuses a wrong check character, naming the right one', () => {
    expect(creditCodeProblem('91350100M000100Y44')).toBe("the check character is '4', but GB 32100 gives '3' for 91350100M000100Y4");
  });

  it('refuses a wrong organisation code check digit even when the last character is computed over it', () => {
    const first17 = '91350100M000100Y5';
    expect(creditCodeProblem(first17 + creditCodeCheck(first17))).toBe(
      "the organisation code M000100Y-5 has a wrong check digit: GB 11714 gives '4'",
    );
  });

  it.each(['I', 'O', 'Z', 'S', 'V'])('refuses the letter %s, which credit codes do not use', (letter) => {
    expect(creditCodeProblem(swap('91350100M000100Y43', 9, letter))).toBe(
      `'${letter}' at position 10: the letters I, O, Z, S and V are not used in credit codes (GB 32100)`,
    );
  });

  it.each([
    ['too short', '91350100M000100Y4', 'a unified social credit code has 18 characters; got 17'],
    ['too long', '91350100M000100Y433', 'a unified social credit code has 18 characters; got 19'],
    ['lower case', '91350100m000100Y43', "'m' at position 9: credit codes are written in capital letters"],
    ['a stray character', '91350100M000100-43', "'-' at position 16 is not a character of credit codes (digits and capital letters except I, O, Z, S, V)"],
    ['another authority (民政)', '51350100M000100Y43', "registration authority '5' is not market regulation ('9'): this register holds market entities only"],
    ['an entity type market regulation does not register', '94350100M000100Y43', "entity type '4' is not one market regulation registers (1 企业, 2 个体工商户, 3 农民专业合作社)"],
    ['letters in the division code', '9135A100M000100Y43', 'positions 3-8 must be the 6-digit administrative division code; got 35A100'],
  ])('refuses %s', (_, code, problem) => {
    expect(creditCodeProblem(code)).toBe(problem);
  });
});
