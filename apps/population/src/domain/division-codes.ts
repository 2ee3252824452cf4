/**
 * Administrative division codes (GB/T 2260): two digits of province, two of prefecture, two of
 * county. Street/town codes add three digits and community/village codes three more, as the
 * statistical division codes do.
 */

/**
 * The province-level prefixes in use, with 71 (Taiwan), 81 (Hong Kong) and 82 (Macao), which
 * GB/T 2260 lists, and 83, which residence permits of Taiwan residents carry in place of a
 * division code.
 */
const PROVINCES: ReadonlySet<string> = new Set([
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37', '41', '42', '43', '44',
  '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65', '71', '81', '82', '83',
]);

export const isProvincePrefix = (code: string): boolean => PROVINCES.has(code.slice(0, 2));

/** A county-level division (区/县/县级市): six digits under a real province, not a province's or prefecture's own code. */
export const isCountyCode = (code: string): boolean => /^\d{6}$/.test(code) && isProvincePrefix(code) && !code.endsWith('00');
