import { createHmac } from 'node:crypto';
import type { MaskRule } from '@shuzhi/governance-events';

/** The secret of HASH: the same key gives the same hash, so a consumer can join on it without seeing the value. */
export type HashKey = string | Uint8Array;

const HASH_PREFIX = 'hmac-sha256:';

// Compound surnames (复姓) of the Hundred Family Surnames that are still in use. A three-or-more
// character name starting with one keeps both characters; any other name keeps one.
const COMPOUND_SURNAMES: ReadonlySet<string> = new Set([
  '欧阳', '太史', '端木', '上官', '司马', '东方', '独孤', '南宫', '万俟', '闻人', '夏侯', '诸葛',
  '尉迟', '公羊', '赫连', '澹台', '皇甫', '宗政', '濮阳', '公冶', '太叔', '申屠', '公孙', '慕容',
  '仲孙', '钟离', '长孙', '宇文', '司徒', '鲜于', '司空', '闾丘', '子车', '亓官', '司寇', '巫马',
  '公西', '颛孙', '壤驷', '公良', '漆雕', '乐正', '宰父', '谷梁', '拓跋', '夹谷', '轩辕', '令狐',
  '段干', '百里', '呼延', '东郭', '南门', '羊舌', '微生', '梁丘', '左丘', '东门', '西门', '第五',
]);

// 17 digits and a check character (GB 11643): 6 of region, 8 of birth date, 3 of sequence, 1 check.
const ID_NUMBER = /^\d{17}[\dX]$/i;
// A phone number as people write it: an optional country code, then groups of 3 or 4 digits,
// maybe separated by a space or hyphen (13812345678, 0571-87654321, +86 138 1234 5678). Groups
// of 3 or 4 keep dates (1990-03-07) out; the digit count is checked against E.164 separately.
const PHONE = /^(?:\+\d{1,3}[ -]?)?\d{3,4}(?:[ -]?\d{3,4}){1,2}$/;
// Han characters only, optionally in parts joined by a middle dot, as transliterated names of
// ethnic minorities and foreigners are written (阿依古丽·买买提).
const CHINESE_NAME = /^[\u3400-\u4dbf\u4e00-\u9fff]+(?:[·•][\u3400-\u4dbf\u4e00-\u9fff]+)*$/;

const stars = (count: number) => '*'.repeat(count);

const maskPhone = (phone: string): string | undefined => {
  const digits = phone.replace(/\D/g, '').length;
  if (digits < 7 || digits > 15) return undefined;
  let seen = 0;
  return phone.replace(/\d/g, (digit) => {
    seen += 1;
    return seen <= 3 || seen > digits - 4 ? digit : '*';
  });
};

const maskChineseName = (name: string): string => {
  const chars = Array.from(name);
  if (chars.some((c) => c === '·' || c === '•')) {
    return chars.map((c, i) => (i === 0 || c === '·' || c === '•' ? c : '*')).join('');
  }
  const surname = chars.length >= 3 && COMPOUND_SURNAMES.has(chars[0] + chars[1]) ? 2 : 1;
  return chars.slice(0, surname).join('') + stars(chars.length - surname);
};

/**
 * MASK keeps just enough for a person to recognise a record they already know, never enough to
 * learn one. The number of stars is the number of hidden characters, as on Chinese receipts and
 * screens; rules are tried in this order:
 * - an 18-character ID number keeps its region (first 6) and last 4: `110101********1234`;
 * - a phone number (7 to 15 digits) keeps its first 3 and last 4 digits: `138****5678`,
 *   separators stay: `057*-****4321`;
 * - a Chinese name keeps its surname: `张*`, `张**`, `欧阳**`; a name in dotted parts keeps its
 *   first character and the dots: `阿***·***`;
 * - any other string keeps its first and last character: `h***o`; two characters keep the first
 *   (`a*`), one keeps nothing (`*`).
 * Numbers, booleans and objects become null: a partial number is either useless or misleading.
 */
const maskValue = (value: unknown): unknown => {
  if (typeof value !== 'string') return null;
  if (ID_NUMBER.test(value)) return value.slice(0, 6) + stars(8) + value.slice(14);
  if (PHONE.test(value)) {
    const masked = maskPhone(value);
    if (masked !== undefined) return masked;
  }
  if (CHINESE_NAME.test(value) && value.length >= 2) return maskChineseName(value);
  const chars = Array.from(value);
  if (chars.length <= 1) return stars(chars.length);
  if (chars.length === 2) return chars[0] + '*';
  return chars[0] + stars(chars.length - 2) + chars[chars.length - 1];
};

/**
 * HASH is keyed (HMAC-SHA256) because an unkeyed hash of an ID number or a phone number is
 * reversed by hashing every possible one. Strings are hashed as UTF-8, numbers and booleans as
 * their decimal or `true`/`false` text; objects have no canonical text and become null.
 */
const hashValue = (value: unknown, key: HashKey): unknown => {
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return null;
  return HASH_PREFIX + createHmac('sha256', key).update(String(value), 'utf8').digest('hex');
};

const eachLeaf = (value: unknown, mask: (leaf: unknown) => unknown): unknown =>
  Array.isArray(value) ? value.map((item) => eachLeaf(item, mask)) : mask(value);

/**
 * The value of one field as a contract's rule lets the consumer see it. Null stays null under
 * every rule; a list is masked item by item, as a list field holds values of one kind.
 */
export const applyMask = (rule: MaskRule, value: unknown, key: HashKey): unknown => {
  switch (rule) {
    case 'NONE':
      return value;
    case 'REDACT':
      return null;
    case 'MASK':
      return value === null || value === undefined ? null : eachLeaf(value, maskValue);
    case 'HASH': {
      if ((typeof key === 'string' ? key.length : key.byteLength) === 0) {
        throw new RangeError('HASH needs a non-empty key: an unkeyed hash of personal data is reversible');
      }
      return value === null || value === undefined ? null : eachLeaf(value, (leaf) => hashValue(leaf, key));
    }
    default: {
      const exhaustive: never = rule;
      return exhaustive;
    }
  }
};
