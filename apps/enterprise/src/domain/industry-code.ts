/**
 * Industry codes after GB/T 4754-2017 (国民经济行业分类): a section letter (门类, A-T), then
 * optionally the division (大类, 2 digits), group (中类, 3) or class (小类, 4): 'I', 'I65',
 * 'I651', 'I6513'. One digit is no level of the classification.
 */
const SECTION_DIVISIONS: Readonly<Record<string, readonly [number, number]>> = {
  A: [1, 5], // 农、林、牧、渔业
  B: [6, 12], // 采矿业
  C: [13, 43], // 制造业
  D: [44, 46], // 电力、热力、燃气及水生产和供应业
  E: [47, 50], // 建筑业
  F: [51, 52], // 批发和零售业
  G: [53, 60], // 交通运输、仓储和邮政业
  H: [61, 62], // 住宿和餐饮业
  I: [63, 65], // 信息传输、软件和信息技术服务业
  J: [66, 69], // 金融业
  K: [70, 70], // 房地产业
  L: [71, 72], // 租赁和商务服务业
  M: [73, 75], // 科学研究和技术服务业
  N: [76, 79], // 水利、环境和公共设施管理业
  O: [80, 82], // 居民服务、修理和其他服务业
  P: [83, 83], // 教育
  Q: [84, 85], // 卫生和社会工作
  R: [86, 90], // 文化、体育和娱乐业
  S: [91, 97], // 公共管理、社会保障和社会组织
  T: [98, 98], // 国际组织
};

const SHAPE = /^([A-T])([0-9]{2,4})?$/;

/** Why `code` is not an industry code; undefined when it is one. */
export const industryCodeProblem = (code: string): string | undefined => {
  const match = typeof code === 'string' ? SHAPE.exec(code) : null;
  if (!match) {
    return `industry code ${JSON.stringify(code)} must be a section letter A-T, optionally followed by 2 to 4 digits (GB/T 4754), as I65 or C3911`;
  }
  const [, section, digits] = match;
  if (digits === undefined) return undefined;
  const division = Number(digits.slice(0, 2));
  const [first, last] = SECTION_DIVISIONS[section];
  if (division < first || division > last) {
    const range = first === last ? String(first).padStart(2, '0') : `${String(first).padStart(2, '0')}-${last}`;
    return `industry code ${code}: division ${digits.slice(0, 2)} is not in section ${section} (its divisions are ${range})`;
  }
  return undefined;
};
