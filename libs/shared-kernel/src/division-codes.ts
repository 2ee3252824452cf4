import { ValidationFailed } from './errors.js';

/**
 * Administrative division codes. GB/T 2260 gives six digits: two of province, two of
 * prefecture (city), two of county (district); the statistical division codes (统计用区划代码)
 * add three digits of street or town and three more of community or village.
 *
 * How a code is written on this platform: each division by its own code, at its own length,
 * nothing padded.
 *
 *   province   330000         (the province's two digits, then 0000)
 *   city       330100         (the city's four digits, then 00)
 *   district   330106         (six digits, not ending in 00)
 *   street     330106001      (a city's or district's six digits and three, not 000)
 *   community  330106001001   (a street's nine digits and three, not 000)
 *
 * The padded twelve-digit forms of the statistical tables (330106000000 for the district) are
 * refused: one division, one way of writing it, so that two codes are the same division exactly
 * when they are the same string.
 *
 * What names a division is its leading digits without the padding: 33 for the province, 3301
 * for the city, the whole code from the district down. A division lies within another exactly
 * when its naming digits begin with the other's. Comparing the written codes as strings would be
 * wrong both ways: `330100` is no prefix of `330106001001`, which lies in that city; and a
 * scope of a few digits cut anywhere (`3301061`) would mix divisions, so a scope is a division
 * code too. A district's code is a prefix of every street and community code beneath it, towns
 * (1xx) as much as streets (0xx): `330106101001` lies in `330106`.
 */

export const DIVISION_LEVELS = ['PROVINCE', 'CITY', 'DISTRICT', 'STREET', 'COMMUNITY'] as const;
export type DivisionLevel = (typeof DIVISION_LEVELS)[number];

/**
 * The province-level prefixes in use, with 71 (Taiwan), 81 (Hong Kong) and 82 (Macao), which
 * GB/T 2260 lists.
 */
const PROVINCES: ReadonlySet<string> = new Set([
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37', '41', '42', '43', '44',
  '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65', '71', '81', '82',
]);

/**
 * 83 begins the residence permits of Taiwan residents in place of a division code: an ID number
 * may start with it, a division never does.
 */
const ID_NUMBER_ONLY_PREFIX = '83';

/** Whether an ID number's first two digits may begin it: a province's, or the residence permits' 83. */
export const isProvincePrefix = (code: string): boolean => PROVINCES.has(code.slice(0, 2)) || code.startsWith(ID_NUMBER_ONLY_PREFIX);

/** A county-level division (区/县/县级市): six digits under a real province, not a province's or prefecture's own code. */
export const isCountyCode = (code: string): boolean => divisionLevelOf(code) === 'DISTRICT';

const NAMING_DIGITS: Readonly<Record<DivisionLevel, number>> = { PROVINCE: 2, CITY: 4, DISTRICT: 6, STREET: 9, COMMUNITY: 12 };

/** The level of a code written as above; undefined for anything else. */
export const divisionLevelOf = (code: unknown): DivisionLevel | undefined => {
  if (typeof code !== 'string' || !/^\d+$/.test(code) || !PROVINCES.has(code.slice(0, 2))) return undefined;
  switch (code.length) {
    case 6:
      if (code.slice(2) === '0000') return 'PROVINCE';
      return code.endsWith('00') ? 'CITY' : 'DISTRICT';
    case 9: {
      // Streets lie under a district, or directly under a city that has none (东莞 441900).
      const above = divisionLevelOf(code.slice(0, 6));
      return (above === 'CITY' || above === 'DISTRICT') && !code.endsWith('000') ? 'STREET' : undefined;
    }
    case 12:
      return divisionLevelOf(code.slice(0, 9)) === 'STREET' && !code.endsWith('000') ? 'COMMUNITY' : undefined;
    default:
      return undefined;
  }
};

/** Why `code` is not a division code as written here; undefined when it is one. */
export const divisionCodeProblem = (code: unknown): string | undefined => {
  if (divisionLevelOf(code) !== undefined) return undefined;
  if (typeof code !== 'string' || !/^\d+$/.test(code)) return 'a division code is written in digits';
  if (![6, 9, 12].includes(code.length)) {
    return `a division code has 6 (province, city, district), 9 (street) or 12 (community) digits; got ${code.length}`;
  }
  if (!PROVINCES.has(code.slice(0, 2))) return `${code.slice(0, 2)} begins no province's code (GB/T 2260)`;
  if (code.endsWith('000')) return `${code} ends in 000, which names the division above it: write that division's own code`;
  return `${code} does not lie under a city or district code (GB/T 2260)`;
};

/** The digits that name a division: `33` for 330000, `3301` for 330100, the whole code from the district down. */
const namingDigitsOf = (code: string): string | undefined => {
  const level = divisionLevelOf(code);
  return level && code.slice(0, NAMING_DIGITS[level]);
};

/**
 * Whether the division `code` is `scope` or lies within it. A code that is absent or not
 * written as above lies in no division: whatever asks this fails closed.
 */
export const liesWithinDivision = (code: string | null | undefined, scope: string): boolean => {
  const inner = code == null ? undefined : namingDigitsOf(code);
  const outer = namingDigitsOf(scope);
  return inner !== undefined && outer !== undefined && inner.startsWith(outer);
};

/**
 * A division as a caller may write it where a scope is asked for: a code as above, or the
 * naming digits of a province (`33`) or city (`3301`), which GB/T 2260's own prefixes are.
 * Answers the code as written here; refuses anything else, naming `field`.
 */
export const divisionOf = (written: unknown, field: string): string => {
  const code = typeof written === 'string' ? written.trim() : written;
  const prefix = typeof code === 'string' && (code.length === 2 || code.length === 4) && /^\d+$/.test(code);
  const padded = prefix ? code.padEnd(6, '0') : code;
  const problem =
    divisionCodeProblem(padded) ??
    // Two digits name a province and four a city: `3300` names neither.
    (prefix && divisionLevelOf(padded) !== (code.length === 2 ? 'PROVINCE' : 'CITY') ? `${code} names no province (2 digits) or city (4 digits)` : undefined);
  if (problem) throw new ValidationFailed(`${field} ${problem}`, { field, violations: [{ field, reason: problem }] });
  return padded as string;
};
