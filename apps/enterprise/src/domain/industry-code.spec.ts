import { industryCodeProblem } from './industry-code.js';

describe('industry code (GB/T 4754-2017)', () => {
  it.each(['I', 'I65', 'I651', 'I6513', 'C3911', 'A01', 'K70', 'T98', 'S97'])('accepts %s', (code) => {
    expect(industryCodeProblem(code)).toBeUndefined();
  });

  it.each([
    ['a section after T', 'U01'],
    ['lower case', 'i65'],
    ['one digit, which is no level', 'I6'],
    ['five digits', 'C39111'],
    ['no section letter', '6513'],
    ['an empty code', ''],
  ])('refuses %s', (_, code) => {
    expect(industryCodeProblem(code)).toMatch(/must be a section letter A-T, optionally followed by 2 to 4 digits/);
  });

  it('refuses a division outside its section, naming the section\'s divisions', () => {
    expect(industryCodeProblem('I39')).toBe('industry code I39: division 39 is not in section I (its divisions are 63-65)');
    expect(industryCodeProblem('K7110')).toBe('industry code K7110: division 71 is not in section K (its divisions are 70)');
    expect(industryCodeProblem('C1211')).toMatch(/division 12 is not in section C/);
  });
});
