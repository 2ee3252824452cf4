import type { CommandActor } from '@shuzhi/shared-kernel';
import { CREDIT_CODE_CHARACTERS, issueCreditCode, type MarketEntityType } from '../domain/credit-code.js';
import { MARKET_REGULATION, type EnterpriseCommand } from '../domain/enterprise.decider.js';
import { createPrng, type Prng } from './prng.js';

/**
 * Synthetic market entities of a Zhejiang city region, realistic enough for demos and
 * benchmarks: names built the way names are registered (行政区划 + 字号 + 行业 + 组织形式),
 * credit codes issued by the registering district with both check characters, GB/T 4754
 * industry codes that fit the name, and a plausible life (annual reports, suspensions,
 * deregistrations). Pure: the same options give the same commands, in the same order.
 */

export interface EnterpriseSeedOptions {
  seed: string;
  count: number;
  /** Residents the population register holds: legal representatives are drawn from them. */
  residentIds: readonly string[];
  /** Registrations happen from here on (ISO time; default 2005-01-01). */
  from?: string;
  /** Nothing happens after this (ISO time; default 2026-11-01): a fixed date, so that runs agree. */
  until?: string;
}

export interface SeededEnterprise {
  creditCode: string;
  /** Registration first, then its later changes in time order. */
  commands: EnterpriseCommand[];
}

/** The department migrating its existing register onto the platform. */
export const SEED_STEWARD: CommandActor = { clientId: 'enterprise-seed', department: MARKET_REGULATION, roles: ['STEWARD'] };

const DEFAULT_FROM = '2005-01-01T00:00:00.000Z';
const DEFAULT_UNTIL = '2026-11-01T00:00:00.000Z';
const DAY_MS = 86_400_000;

interface District {
  city: string;
  name: string;
  division: string;
}

const district = (city: string, name: string, division: string): District => ({ city, name, division });

/** Weighted towards the provincial capital, as registrations are. */
const DISTRICTS: ReadonlyArray<readonly [District, number]> = [
  [district('杭州', '上城区', '330102'), 6],
  [district('杭州', '拱墅区', '330105'), 6],
  [district('杭州', '西湖区', '330106'), 8],
  [district('杭州', '滨江区', '330108'), 8],
  [district('杭州', '萧山区', '330109'), 7],
  [district('杭州', '余杭区', '330110'), 8],
  [district('宁波', '海曙区', '330203'), 4],
  [district('宁波', '江北区', '330205'), 3],
  [district('宁波', '北仑区', '330206'), 3],
  [district('宁波', '鄞州区', '330212'), 5],
  [district('温州', '鹿城区', '330302'), 4],
  [district('温州', '龙湾区', '330303'), 2],
  [district('温州', '瓯海区', '330304'), 2],
  [district('嘉兴', '南湖区', '330402'), 2],
  [district('嘉兴', '秀洲区', '330411'), 2],
  [district('湖州', '吴兴区', '330502'), 2],
  [district('湖州', '南浔区', '330503'), 1],
  [district('绍兴', '越城区', '330602'), 2],
  [district('绍兴', '柯桥区', '330603'), 3],
  [district('绍兴', '上虞区', '330604'), 2],
  [district('金华', '婺城区', '330702'), 2],
  [district('金华', '金东区', '330703'), 1],
  [district('金华', '义乌市', '330782'), 5],
  [district('台州', '椒江区', '331002'), 2],
  [district('台州', '黄岩区', '331003'), 1],
  [district('台州', '路桥区', '331004'), 2],
];

/** 字号: two characters, as most trade names are. */
const TRADE_NAME_FIRST = [...'华恒鑫博中瑞创聚汇宏金东天永德嘉盛隆泰安信诚达丰润宇智云腾锦'];
const TRADE_NAME_SECOND = [...'信达源远天丰新力通图桥方成盛润禾泰合邦晟辉越耀扬鼎康宸峰联创'];

/** The industry word of a company name and the GB/T 4754 codes registered with it. */
const COMPANY_INDUSTRIES: ReadonlyArray<readonly [{ word: string; codes: readonly string[] }, number]> = [
  [{ word: '科技', codes: ['I6513', 'I6531', 'I6520'] }, 12],
  [{ word: '信息技术', codes: ['I6531', 'I65'] }, 6],
  [{ word: '网络科技', codes: ['I64', 'I6513'] }, 6],
  [{ word: '电子', codes: ['C3911', 'C3912', 'C3921'] }, 4],
  [{ word: '机械', codes: ['C34', 'C3411'] }, 4],
  [{ word: '纺织', codes: ['C1711', 'C17'] }, 3],
  [{ word: '服饰', codes: ['C18'] }, 3],
  [{ word: '贸易', codes: ['F5199', 'F51'] }, 10],
  [{ word: '商贸', codes: ['F52', 'F5211'] }, 8],
  [{ word: '餐饮管理', codes: ['H6210', 'H6220'] }, 5],
  [{ word: '建设工程', codes: ['E4710', 'E4790', 'E48'] }, 5],
  [{ word: '物流', codes: ['G54', 'G59'] }, 4],
  [{ word: '文化传媒', codes: ['R87', 'L7259'] }, 4],
  [{ word: '企业管理咨询', codes: ['L7243', 'L72'] }, 5],
  [{ word: '医药', codes: ['C2710', 'F5151'] }, 2],
  [{ word: '新能源', codes: ['D4415', 'D44'] }, 2],
];

const COMPANY_FORMS: ReadonlyArray<readonly [string, number]> = [
  ['有限公司', 80],
  ['有限责任公司', 15],
  ['股份有限公司', 5],
];

const COOPERATIVES: ReadonlyArray<{ word: string; code: string }> = [
  { word: '蔬菜', code: 'A0141' },
  { word: '茶叶', code: 'A016' },
  { word: '水果', code: 'A015' },
  { word: '生猪养殖', code: 'A031' },
  { word: '水产养殖', code: 'A041' },
];

/** 个体工商户: a shop under a trade name, with an operator rather than a legal representative. */
const SHOPS: ReadonlyArray<{ word: string; code: string }> = [
  { word: '小吃店', code: 'H6220' },
  { word: '面馆', code: 'H6220' },
  { word: '便利店', code: 'F521' },
  { word: '理发店', code: 'O8040' },
  { word: '汽车维修部', code: 'O811' },
];

const ENTITY_TYPES: ReadonlyArray<readonly [MarketEntityType, number]> = [
  ['1', 85],
  ['2', 10],
  ['3', 5],
];

const SUSPENSION_REASONS = [
  '通过登记的住所或者经营场所无法联系',
  '未按规定期限公示年度报告',
  '公示企业信息隐瞒真实情况、弄虚作假',
  '申请停业整顿',
];
const REACTIVATION_REASONS = ['已补报年度报告并公示', '已办理住所变更登记', '整顿完毕恢复营业'];
const DEREGISTRATION_REASONS = ['股东会决议解散', '营业期限届满', '依法被吊销营业执照后清算完毕', '经营者申请注销'];

/**
 * Entities registered since the credit code began (October 2015) got new organisation codes
 * starting MA; older ones kept their old, all-digit organisation code inside the credit code.
 */
const CREDIT_CODE_INTRODUCED = Date.parse('2015-10-01T00:00:00.000Z');

const organisationBody = (random: Prng, registeredAt: number): string => {
  if (registeredAt < CREDIT_CODE_INTRODUCED) return String(random.int(10_000_000, 99_999_999));
  let body = 'MA';
  while (body.length < 8) body += random.pick([...CREDIT_CODE_CHARACTERS]);
  return body;
};

/** During office hours in Beijing (UTC+8): 09:00 to 17:00. */
const officeTime = (random: Prng, dayStart: number): number => dayStart + random.int(1 * 3_600, 9 * 3_600 - 1) * 1_000;

const randomDay = (random: Prng, fromMs: number, untilMs: number): number => {
  const days = Math.floor((untilMs - fromMs) / DAY_MS);
  return Math.floor(fromMs / DAY_MS) * DAY_MS + random.int(0, Math.max(0, days - 1)) * DAY_MS;
};

/** Registered capital in 万元, in the round amounts articles of association name. */
const companyCapital = (random: Prng, form: string): number => {
  const amounts = form === '股份有限公司' ? [1000, 2000, 5000, 10000, 20000] : [3, 10, 30, 50, 100, 200, 300, 500, 1000, 2000, 5000];
  return random.pick(amounts);
};

/** Most enterprises are small: a heavy tail of employees, longer for the larger capitals. */
const companyEmployees = (random: Prng, capital: number): number => {
  const most = capital <= 50 ? 30 : capital <= 500 ? 300 : 3_000;
  return Math.floor(Math.exp(random.next() * Math.log(most)));
};

export const generateEnterprises = (options: EnterpriseSeedOptions): SeededEnterprise[] => {
  const random = createPrng(`enterprise:${options.seed}`);
  const fromMs = Date.parse(options.from ?? DEFAULT_FROM);
  const untilMs = Date.parse(options.until ?? DEFAULT_UNTIL);
  if (!(fromMs < untilMs)) throw new Error('seed window: from must be before until');
  if (options.count > 0 && options.residentIds.length === 0) {
    throw new Error('enterprises need legal representatives: give the ids of residents the population register holds');
  }
  const issued = new Set<string>();
  const enterprises: SeededEnterprise[] = [];

  for (let n = 0; n < options.count; n++) {
    const place = random.weighted(DISTRICTS);
    const entityType = random.weighted(ENTITY_TYPES);
    const registeredAt = officeTime(random, randomDay(random, fromMs, untilMs));
    let creditCode: string;
    do {
      creditCode = issueCreditCode({ entityType, division: place.division, organisationBody: organisationBody(random, registeredAt) });
    } while (issued.has(creditCode));
    issued.add(creditCode);
    const first = random.pick(TRADE_NAME_FIRST);
    const tradeName = first + random.pick(TRADE_NAME_SECOND.filter((c) => c !== first));

    let name: string;
    let industryCode: string;
    let registeredCapital: number | null;
    let employees: number;
    let legalRepresentativeId: string | null;
    switch (entityType) {
      case '1': {
        const industry = random.weighted(COMPANY_INDUSTRIES);
        const form = random.weighted(COMPANY_FORMS);
        name = `${place.city}${tradeName}${industry.word}${form}`;
        industryCode = random.pick(industry.codes);
        registeredCapital = companyCapital(random, form);
        employees = companyEmployees(random, registeredCapital);
        legalRepresentativeId = random.pick(options.residentIds);
        break;
      }
      case '2': {
        const shop = random.pick(SHOPS);
        name = `${place.name}${tradeName}${shop.word}`;
        industryCode = shop.code;
        registeredCapital = null;
        employees = random.int(1, 8);
        legalRepresentativeId = null;
        break;
      }
      case '3': {
        const cooperative = random.pick(COOPERATIVES);
        name = `${place.city}${tradeName}${cooperative.word}专业合作社`;
        industryCode = cooperative.code;
        registeredCapital = random.pick([5, 10, 20, 50, 100, 200, 500]);
        employees = random.int(5, 60);
        legalRepresentativeId = random.pick(options.residentIds);
        break;
      }
    }

    const commands: EnterpriseCommand[] = [
      {
        type: 'RegisterEnterprise',
        actor: SEED_STEWARD,
        now: new Date(registeredAt).toISOString(),
        input: { creditCode, name, legalRepresentativeId, industryCode, registeredCapital, employees },
        legalRepresentative: legalRepresentativeId === null ? undefined : { residentId: legalRepresentativeId, deceased: false },
      },
    ];
    // Each later change happens some days after the one before, and only if before `until`.
    let at = registeredAt;
    const later = (maxDays: number): string | undefined => {
      const next = officeTime(random, Math.floor(at / DAY_MS) * DAY_MS + random.int(30, maxDays) * DAY_MS);
      if (next >= untilMs) return undefined;
      at = next;
      return new Date(next).toISOString();
    };
    const acting = (now: string) => ({ actor: SEED_STEWARD, now });

    if (random.chance(0.25)) {
      const now = later(730);
      const reported = Math.max(0, employees + random.int(-Math.ceil(employees / 3), Math.ceil(employees / 2) + 1));
      if (now) commands.push({ type: 'UpdateEnterpriseEmployees', ...acting(now), employees: reported, reason: '年度报告' });
    }
    const fate = random.next();
    if (fate < 0.1) {
      const suspended = later(1_500);
      if (suspended) {
        commands.push({ type: 'SuspendEnterprise', ...acting(suspended), reason: random.pick(SUSPENSION_REASONS) });
        const next = random.next();
        const then = next < 0.7 ? later(400) : undefined;
        if (then && next < 0.4) commands.push({ type: 'ReactivateEnterprise', ...acting(then), reason: random.pick(REACTIVATION_REASONS) });
        else if (then) commands.push({ type: 'DeregisterEnterprise', ...acting(then), reason: random.pick(DEREGISTRATION_REASONS) });
      }
    } else if (fate < 0.14) {
      const deregistered = later(3_000);
      if (deregistered) commands.push({ type: 'DeregisterEnterprise', ...acting(deregistered), reason: random.pick(DEREGISTRATION_REASONS) });
    }
    enterprises.push({ creditCode, commands });
  }
  return enterprises;
};
