import { DATA_BUREAU } from '../../../governance/src/bootstrap/platform-admin.js';

/**
 * What `npm start` seeds for a first look: a small city's departments, the purposes they read
 * for, one system of each kind of user, contracts in the states a steward meets, a few hundred
 * residents, a few dozen enterprises and a subsidy program. Codes of the departments that the
 * built-in catalog registers (schemas/*.dataset.json) are reused, not registered again.
 */
export const PUBLIC_SECURITY = 'public-security';
export const MARKET_REGULATION = 'market-regulation';
export const ECONOMIC_BUREAU = 'economic-bureau';
export const CIVIL_AFFAIRS = 'civil-affairs';
export const HUMAN_RESOURCES = 'human-resources';
export const CITIZEN_APP = 'citizen-app';

/** The departments the catalog does not bring: consumers and the citizen channel's operator. */
export const DEMO_DEPARTMENTS = [
  { code: CIVIL_AFFAIRS, name: '民政局' },
  { code: HUMAN_RESOURCES, name: '人力资源和社会保障局' },
  { code: CITIZEN_APP, name: '浙里办（市民服务渠道）' },
] as const;

export const MINIMUM_LIVING = 'MINIMUM_LIVING_ALLOWANCE';
export const ELDERLY_ALLOWANCE = 'ELDERLY_ALLOWANCE';
export const EMPLOYMENT_SERVICE = 'EMPLOYMENT_SERVICE';
export const SOCIAL_INSURANCE = 'SOCIAL_INSURANCE';
/** The subsidy service's declared purpose (apps/subsidy's default X-Purpose). */
export const SUBSIDY_ELIGIBILITY = 'SUBSIDY_ELIGIBILITY';

export const DEMO_PURPOSES = [
  { code: MINIMUM_LIVING, name: '最低生活保障资格审核', description: '民政部门核对低保申请人的身份与家庭情况' },
  { code: ELDERLY_ALLOWANCE, name: '高龄津贴发放', description: '按本人授权核对高龄老人的出生日期' },
  { code: EMPLOYMENT_SERVICE, name: '就业服务与失业登记', description: '人社部门核对求职者和用工单位' },
  { code: SOCIAL_INSURANCE, name: '社会保险登记', description: '人社部门办理参保登记' },
  { code: SUBSIDY_ELIGIBILITY, name: '惠企补贴资格核验', description: '经信部门核验补贴对象的资格' },
] as const;

export interface DemoClient {
  department: string;
  name: string;
  roles: string[];
}

/** One client of each kind; each is the only one of its department with its roles. */
export const CIVIL_AFFAIRS_SYSTEM: DemoClient = { department: CIVIL_AFFAIRS, name: '民政局 社会救助系统', roles: ['CONSUMER'] };
export const HUMAN_RESOURCES_SYSTEM: DemoClient = { department: HUMAN_RESOURCES, name: '人社局 就业服务系统', roles: ['CONSUMER'] };
export const POPULATION_STEWARD: DemoClient = { department: PUBLIC_SECURITY, name: '公安局 人口库数据管理员', roles: ['STEWARD'] };
export const ENTERPRISE_STEWARD: DemoClient = { department: MARKET_REGULATION, name: '市场监管局 企业库数据管理员', roles: ['STEWARD'] };
export const SUBSIDY_STEWARD: DemoClient = { department: ECONOMIC_BUREAU, name: '经信局 惠企政策管理员', roles: ['STEWARD'] };
export const AUDITOR: DemoClient = { department: DATA_BUREAU.code, name: '大数据局 审计员', roles: ['AUDITOR'] };
export const CITIZEN_CHANNEL: DemoClient = { department: CITIZEN_APP, name: '浙里办', roles: ['CITIZEN_CHANNEL'] };

export const DEMO_CLIENTS: readonly DemoClient[] = [
  CIVIL_AFFAIRS_SYSTEM,
  HUMAN_RESOURCES_SYSTEM,
  POPULATION_STEWARD,
  ENTERPRISE_STEWARD,
  SUBSIDY_STEWARD,
  AUDITOR,
  CITIZEN_CHANNEL,
];

export type DemoContractState = 'ACTIVE' | 'PROVIDER_REVIEW' | 'SUSPENDED' | 'REJECTED';

export interface DemoContract {
  /** Written into the scenario as `[demo:<key>]`: how a later start finds the contract again. */
  key: string;
  consumer: DemoClient;
  provider: DemoClient;
  state: DemoContractState;
  datasetCode: string;
  fields: string[];
  purpose: string;
  legalBasis: string;
  scenario: string;
  masking?: Array<{ field: string; rule: 'NONE' | 'MASK' | 'HASH' | 'REDACT' }>;
  consentRequired?: boolean;
  /** The data bureau finds, at compliance review, the law that lets its sensitive fields be shared without consent. */
  statutoryBasis?: boolean;
  dailyQuota?: number;
  /** Why the provider refused or suspended it. */
  reason?: string;
}

export const DEMO_CONTRACTS: readonly DemoContract[] = [
  {
    key: 'minimum-living',
    consumer: CIVIL_AFFAIRS_SYSTEM,
    provider: POPULATION_STEWARD,
    state: 'ACTIVE',
    datasetCode: 'population.resident',
    // `id`: the lookup resident(id:) reads it. The ID number is hashed (keyed), not masked: civil
    // affairs also reads birth dates (the elderly allowance), which would rebuild a masked number.
    fields: ['id', 'name', 'idNumber', 'gender', 'status'],
    purpose: MINIMUM_LIVING,
    legalBasis: '《社会救助暂行办法》第十一条',
    scenario: '低保申请人身份核验',
    masking: [
      { field: 'name', rule: 'MASK' },
      { field: 'idNumber', rule: 'HASH' },
    ],
    statutoryBasis: true,
    dailyQuota: 5_000,
  },
  {
    key: 'elderly-allowance',
    consumer: CIVIL_AFFAIRS_SYSTEM,
    provider: POPULATION_STEWARD,
    state: 'ACTIVE',
    datasetCode: 'population.resident',
    fields: ['id', 'name', 'birthDate'],
    purpose: ELDERLY_ALLOWANCE,
    legalBasis: '《浙江省老年人权益保障条例》第二十六条，本人授权',
    scenario: '高龄津贴：经本人在浙里办授权后核对出生日期',
    consentRequired: true,
  },
  {
    key: 'employment-enterprises',
    consumer: HUMAN_RESOURCES_SYSTEM,
    provider: ENTERPRISE_STEWARD,
    state: 'PROVIDER_REVIEW',
    datasetCode: 'enterprise.operation',
    fields: ['employees'],
    purpose: EMPLOYMENT_SERVICE,
    legalBasis: '《就业促进法》第十九条',
    scenario: '用工单位从业人数核对',
  },
  {
    key: 'employment-residents',
    consumer: HUMAN_RESOURCES_SYSTEM,
    provider: POPULATION_STEWARD,
    state: 'SUSPENDED',
    datasetCode: 'population.resident',
    fields: ['id', 'name', 'birthDate'],
    purpose: EMPLOYMENT_SERVICE,
    legalBasis: '《就业促进法》第三十五条',
    scenario: '失业登记人员身份核对',
    reason: '调用量异常，暂停核查',
  },
  {
    key: 'social-insurance-id-numbers',
    consumer: HUMAN_RESOURCES_SYSTEM,
    provider: POPULATION_STEWARD,
    state: 'REJECTED',
    datasetCode: 'population.resident',
    fields: ['idNumber', 'name', 'gender', 'birthDate', 'dateOfDeath'],
    purpose: SOCIAL_INSURANCE,
    statutoryBasis: true,
    legalBasis: '《社会保险法》第五十八条',
    scenario: '参保登记批量比对',
    reason: '超出最小必要范围：参保登记只需核验个人提交的号码',
  },
  {
    key: 'subsidy-registration',
    consumer: SUBSIDY_STEWARD,
    provider: ENTERPRISE_STEWARD,
    state: 'ACTIVE',
    datasetCode: 'enterprise.registration',
    // `creditCode`: the key the service looks enterprises up by and pages through.
    fields: ['creditCode', 'status', 'industryCode'],
    purpose: SUBSIDY_ELIGIBILITY,
    legalBasis: '《优化营商环境条例》第二十五条',
    scenario: '惠企补贴：企业在营状态与行业核验',
  },
  {
    key: 'subsidy-operation',
    consumer: SUBSIDY_STEWARD,
    provider: ENTERPRISE_STEWARD,
    state: 'ACTIVE',
    datasetCode: 'enterprise.operation',
    fields: ['employees'],
    purpose: SUBSIDY_ELIGIBILITY,
    legalBasis: '《优化营商环境条例》第二十五条',
    scenario: '惠企补贴：从业人数核验',
  },
];

export const demoScenarioOf = (contract: Pick<DemoContract, 'key' | 'scenario'>): string => `${contract.scenario} [demo:${contract.key}]`;

/** Residents and enterprises, written by the services' own seed through their deciders. */
export const DEMO_POPULATION = { seed: 20261127, residents: 300, asOf: '2026-01-01' } as const;
export const DEMO_ENTERPRISES = { seed: 'demo', count: 40 } as const;

/** Residents who granted the elderly allowance consent at the citizen channel. */
export const DEMO_CONSENTING_RESIDENTS = 5;

export const DEMO_PROGRAM = {
  id: 'demo-stable-jobs-2026',
  name: '2026年制造业与软件业稳岗补贴',
  subject: 'ENTERPRISE',
  rules: [{ enterpriseActive: true }, { industryIn: ['C', 'I65'] }, { minEmployees: 10 }],
  budget: 500_000,
  amountPerGrant: 20_000,
} as const;
