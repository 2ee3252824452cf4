import { ValidationFailed } from './errors.js';
import { divisionCodeProblem, divisionLevelOf, divisionOf, isCountyCode, isProvincePrefix, liesWithinDivision } from './division-codes.js';

describe('division codes as written on the platform', () => {
  it.each([
    ['330000', 'PROVINCE'],
    ['110000', 'PROVINCE'],
    ['330100', 'CITY'],
    ['429000', 'CITY'],
    ['330106', 'DISTRICT'],
    ['330106001', 'STREET'],
    ['330106101', 'STREET'],
    // A street directly under a city without districts (东莞).
    ['441900003', 'STREET'],
    ['330106001001', 'COMMUNITY'],
  ])('given %s, then its level is %s', (code, level) => {
    expect(divisionLevelOf(code)).toBe(level);
    expect(divisionCodeProblem(code)).toBeUndefined();
  });

  it.each([
    ['5 digits', '33010', /6 \(province, city, district\), 9 \(street\) or 12 \(community\) digits; got 5/],
    ['7 digits', '3301061', /got 7/],
    ['letters', '33010A', /written in digits/],
    ['a number, not text', 330106, /written in digits/],
    ['no province', '990106', /99 begins no province/],
    ['the residence permits\' 83, which is no division', '830106', /83 begins no province/],
    ['a padded district', '330106000000', /ends in 000, which names the division above it/],
    ['a padded street', '330106000', /ends in 000/],
    ['a street under a province', '330000001', /does not lie under a city or district/],
    ['a community under a padded street', '330106000001', /does not lie under a city or district/],
  ])('given %s, then it is no division code', (_, code, problem) => {
    expect(divisionLevelOf(code)).toBeUndefined();
    expect(divisionCodeProblem(code)).toMatch(problem);
  });

  it('keeps what the population register knew: county codes, and the province prefixes of ID numbers (83 too)', () => {
    expect(isCountyCode('330106')).toBe(true);
    expect(isCountyCode('330100')).toBe(false);
    expect(isCountyCode('990106')).toBe(false);
    expect(isCountyCode('330106001')).toBe(false);
    expect(isProvincePrefix('830000')).toBe(true);
    expect(isProvincePrefix('990000')).toBe(false);
  });
});

describe('liesWithinDivision', () => {
  it.each([
    // A district's code begins every code beneath it: streets (0xx) and towns (1xx) alike.
    ['330106001001', '330106', true],
    ['330106101001', '330106', true],
    ['330106001', '330106', true],
    ['330106', '330106', true],
    // A city and a province are named by their leading digits, not by their padded codes.
    ['330106001001', '330100', true],
    ['330106001001', '330000', true],
    ['330100', '330000', true],
    ['441900003001', '441900', true],
    // Neighbours and other levels.
    ['330105001001', '330106', false],
    ['330206001001', '330100', false],
    ['340106001001', '330000', false],
    ['330106002001', '330106001', false],
    ['330106001002', '330106001001', false],
    // A row known only at a higher level does not lie within a lower one: we cannot tell where.
    ['330106', '330106001', false],
    ['330100', '330106', false],
  ])('given %s and scope %s, then %s', (code, scope, within) => {
    expect(liesWithinDivision(code, scope)).toBe(within);
  });

  it.each([
    ['no code', null],
    ['an absent code', undefined],
    ['an empty code', ''],
    ['a padded code', '330106000000'],
    ['a code cut short', '3301060'],
  ])('given %s, then it lies within no scope: fail closed', (_, code) => {
    expect(liesWithinDivision(code, '330000')).toBe(false);
  });

  it('given a scope that is no division code, then nothing lies within it', () => {
    expect(liesWithinDivision('330106001001', '3301')).toBe(false);
    expect(liesWithinDivision('330106001001', '')).toBe(false);
    expect(liesWithinDivision('330106001001', '3301061')).toBe(false);
  });
});

describe('divisionOf (a scope as a caller writes it)', () => {
  it.each([
    ['33', '330000'],
    ['3301', '330100'],
    [' 330106 ', '330106'],
    ['330106001', '330106001'],
    ['330106001001', '330106001001'],
  ])('given %s, then it is the division %s', (written, code) => {
    expect(divisionOf(written, 'divisionScope')).toBe(code);
  });

  it.each([
    ['a prefix of three digits', '330', /got 3/],
    ['four digits that name no city', '3300', /3300 names no province \(2 digits\) or city \(4 digits\)/],
    ['a cut district', '3301061', /got 7/],
    ['nothing', '', /written in digits/],
    ['a padded district', '330106000000', /ends in 000/],
  ])('given %s, then it is refused naming the field', (_, written, message) => {
    expect(() => divisionOf(written, 'divisionScope')).toThrow(ValidationFailed);
    expect(() => divisionOf(written, 'divisionScope')).toThrow(message);
    expect(() => divisionOf(written, 'divisionScope')).toThrow(expect.objectContaining({ details: expect.objectContaining({ field: 'divisionScope' }) }));
  });
});
