import { divisionLevelOf } from '@shuzhi/shared-kernel';

/**
 * The unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters.
 *
 *   position 1       registration authority (登记管理部门代码)
 *   position 2       entity type under that authority (机构类别代码)
 *   positions 3-8    administrative division of the registering office (GB/T 2260)
 *   positions 9-17   organisation code (GB 11714), its last character its own check digit
 *   position 18      check character over the first 17
 *
 * The code uses 31 characters: digits and the capital letters without I, O, Z, S and V, which
 * are too easily read as 1, 0, 2, 5 and U.
 */
export const CREDIT_CODE_CHARACTERS = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/**
 * The division of the office that registered the entity (positions 3–8), where it is a division
 * code (GB/T 2260 at a province's, city's or district's level); null when those digits name
 * none. Where an enterprise lies when its registration gave no finer address.
 */
export const registeringDivisionOf = (creditCode: string): string | null => {
  const division = creditCode.slice(2, 8);
  return divisionLevelOf(division) === undefined ? null : division;
};

/** 3^i mod 31 for i = 0..16: GB 32100's weights for the first 17 positions. */
const CREDIT_CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORGANISATION_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/**
 * Market regulation (formerly 工商, authority '9') issues the codes of market entities, and
 * only these three kinds; a code of another authority (民政's social organisations, 编办's
 * public institutions...) is not an entry of this register.
 */
export const MARKET_REGULATION_AUTHORITY = '9';
export const MARKET_ENTITY_TYPES = { '1': '企业', '2': '个体工商户', '3': '农民专业合作社' } as const;
export type MarketEntityType = keyof typeof MARKET_ENTITY_TYPES;

/** GB 11714 reads digits as themselves and the letters A to Z as 10 to 35. */
const organisationCodeValue = (character: string): number => {
  const code = character.charCodeAt(0);
  return code >= 65 && code <= 90 ? code - 55 : code - 48;
};

/** The check digit of an organisation code's 8-character body (GB 11714): 0-9 or X. */
export const organisationCodeCheck = (body: string): string => {
  const sum = [...body].reduce((total, character, i) => total + organisationCodeValue(character) * ORGANISATION_CODE_WEIGHTS[i], 0);
  const check = 11 - (sum % 11);
  return check === 10 ? 'X' : check === 11 ? '0' : String(check);
};

/** The check character over a credit code's first 17 characters (GB 32100). */
export const creditCodeCheck = (first17: string): string => {
  const sum = [...first17].reduce((total, character, i) => total + CREDIT_CODE_CHARACTERS.indexOf(character) * CREDIT_CODE_WEIGHTS[i], 0);
  return CREDIT_CODE_CHARACTERS[(31 - (sum % 31)) % 31];
};

/**
 * A whole credit code from its parts, both check characters computed: what a registration
 * office issues (and what the seed generator does).
 */
export const issueCreditCode = (parts: { entityType: MarketEntityType; division: string; organisationBody: string }): string => {
  const organisationCode = parts.organisationBody + organisationCodeCheck(parts.organisationBody);
  const first17 = MARKET_REGULATION_AUTHORITY + parts.entityType + parts.division + organisationCode;
  return first17 + creditCodeCheck(first17);
};

const FORBIDDEN_LETTERS = new Set(['I', 'O', 'Z', 'S', 'V']);

/** Why `code` is not the credit code of a market entity; undefined when it is one. */
export const creditCodeProblem = (code: string): string | undefined => {
  if (typeof code !== 'string' || code.length !== 18) {
    return `a unified social credit code has 18 characters; got ${typeof code === 'string' ? code.length : 'none'}`;
  }
  for (let i = 0; i < code.length; i++) {
    const character = code[i];
    if (CREDIT_CODE_CHARACTERS.includes(character)) continue;
    if (FORBIDDEN_LETTERS.has(character)) {
      return `'${character}' at position ${i + 1}: the letters I, O, Z, S and V are not used in credit codes (GB 32100)`;
    }
    if (/[a-z]/.test(character)) return `'${character}' at position ${i + 1}: credit codes are written in capital letters`;
    return `'${character}' at position ${i + 1} is not a character of credit codes (digits and capital letters except I, O, Z, S, V)`;
  }
  if (code[0] !== MARKET_REGULATION_AUTHORITY) {
    return `registration authority '${code[0]}' is not market regulation ('9'): this register holds market entities only`;
  }
  if (!(code[1] in MARKET_ENTITY_TYPES)) {
    return `entity type '${code[1]}' is not one market regulation registers (1 企业, 2 个体工商户, 3 农民专业合作社)`;
  }
  if (!/^[0-9]{6}$/.test(code.slice(2, 8))) {
    return `positions 3-8 must be the 6-digit administrative division code; got ${code.slice(2, 8)}`;
  }
  const body = code.slice(8, 16);
  const expectedOrganisationCheck = organisationCodeCheck(body);
  if (code[16] !== expectedOrganisationCheck) {
    return `the organisation code ${body}-${code[16]} has a wrong check digit: GB 11714 gives '${expectedOrganisationCheck}'`;
  }
  const expectedCheck = creditCodeCheck(code.slice(0, 17));
  if (code[17] !== expectedCheck) {
    return `the check character is '${code[17]}', but GB 32100 gives '${expectedCheck}' for ${code.slice(0, 17)}`;
  }
  return undefined;
};
