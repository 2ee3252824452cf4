import { INPUT_LIMITS } from '@shuzhi/shared-kernel';

/**
 * The eligibility rule language of subsidy programs: rules are data, stored in the program's
 * events and evaluated by one pure function, so a check can be replayed on the facts it used.
 * A program's rules all hold for a subject to be eligible (a conjunction); each rule reads
 * only the facts it needs, which is also all the check asks the gateway for (PIPL art. 6,
 * data minimisation).
 */

export const SUBJECT_KINDS = ['ENTERPRISE', 'RESIDENT'] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

export type EligibilityRule =
  /** The enterprise is ACTIVE in the market register (not suspended, not deregistered). */
  | { rule: 'enterpriseActive' }
  /** The enterprise's GB/T 4754 industry code starts with one of these (a section 'C', a division 'I65', ...). */
  | { rule: 'industryIn'; industries: string[] }
  /** The enterprise reports at least this many employees. */
  | { rule: 'minEmployees'; employees: number }
  /** The resident is at least this old on the application date (from their birth date). */
  | { rule: 'minAge'; years: number }
  /** The resident's household lies in the grid of this district (GB/T 2260 county-level code). */
  | { rule: 'livesInDistrict'; districtCode: string };

export type RuleName = EligibilityRule['rule'];

/** 'an enterprise' or 'a resident', for reasons a person reads. */
export const aSubject = (kind: SubjectKind): string => (kind === 'ENTERPRISE' ? 'an enterprise' : 'a resident');

const SUBJECT_OF_RULE: Record<RuleName, SubjectKind> = {
  enterpriseActive: 'ENTERPRISE',
  industryIn: 'ENTERPRISE',
  minEmployees: 'ENTERPRISE',
  minAge: 'RESIDENT',
  livesInDistrict: 'RESIDENT',
};

/**
 * A rule as a client writes it: exactly one property set, named after the rule
 * (`{ industryIn: ['C', 'I65'] }`, `{ minAge: 60 }`), like a GraphQL `@oneOf` input.
 */
export interface RuleInput {
  enterpriseActive?: boolean | null;
  industryIn?: readonly string[] | null;
  minEmployees?: number | null;
  minAge?: number | null;
  livesInDistrict?: string | null;
}

export interface RuleViolation {
  field: string;
  reason: string;
}

const INDUSTRY_PREFIX = /^[A-T]([0-9]{2,4})?$/;
const COUNTY_CODE = /^[1-9][0-9]{5}$/;
const MAX_AGE = 150;

const wholeNumber = (value: unknown, min: number, max: number): boolean =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max;

/** One rule from its input form, or why it is not one. */
const parseRule = (input: RuleInput, field: string): EligibilityRule | RuleViolation => {
  const set = (Object.keys(input) as Array<keyof RuleInput>).filter((key) => input[key] !== undefined && input[key] !== null);
  if (set.length !== 1) {
    return { field, reason: `a rule sets exactly one of ${Object.keys(SUBJECT_OF_RULE).join(', ')}; this one sets ${set.length}` };
  }
  const [name] = set;
  switch (name) {
    case 'enterpriseActive':
      // `false` would mean "any status", which is no rule: leaving the rule out says that.
      return input.enterpriseActive === true ? { rule: 'enterpriseActive' } : { field, reason: 'enterpriseActive is written as true' };
    case 'industryIn': {
      const industries = input.industryIn!;
      if (!Array.isArray(industries) || industries.length === 0) return { field, reason: 'industryIn needs at least one industry code' };
      if (industries.length > INPUT_LIMITS.list) return { field, reason: `industryIn lists at most ${INPUT_LIMITS.list} industry codes` };
      const bad = industries.filter((code) => typeof code !== 'string' || !INDUSTRY_PREFIX.test(code));
      if (bad.length > 0) {
        return { field, reason: `industryIn takes GB/T 4754 codes (a section letter A-T, optionally 2-4 digits); not ${bad.map((b) => JSON.stringify(b)).join(', ')}` };
      }
      return { rule: 'industryIn', industries: [...new Set(industries)].sort() };
    }
    case 'minEmployees':
      return wholeNumber(input.minEmployees, 0, Number.MAX_SAFE_INTEGER)
        ? { rule: 'minEmployees', employees: input.minEmployees! }
        : { field, reason: `minEmployees is a whole number of at least 0; got ${String(input.minEmployees)}` };
    case 'minAge':
      return wholeNumber(input.minAge, 0, MAX_AGE)
        ? { rule: 'minAge', years: input.minAge! }
        : { field, reason: `minAge is a whole number of years from 0 to ${MAX_AGE}; got ${String(input.minAge)}` };
    case 'livesInDistrict':
      return typeof input.livesInDistrict === 'string' && COUNTY_CODE.test(input.livesInDistrict) && !input.livesInDistrict.endsWith('00')
        ? { rule: 'livesInDistrict', districtCode: input.livesInDistrict }
        : { field, reason: `livesInDistrict is a county-level division code of 6 digits (GB/T 2260); got ${JSON.stringify(input.livesInDistrict)}` };
    default: {
      const exhaustive: never = name;
      return exhaustive;
    }
  }
};

/**
 * The rules of a program for `subject`, validated: at least one, each well formed, each about
 * that kind of subject, none twice (two `minAge` rules would silently mean the larger one).
 */
export const parseRules = (
  subject: SubjectKind,
  inputs: readonly RuleInput[],
): { rules: EligibilityRule[]; violations: RuleViolation[] } => {
  const violations: RuleViolation[] = [];
  const rules: EligibilityRule[] = [];
  if (!SUBJECT_KINDS.includes(subject)) violations.push({ field: 'subject', reason: `a program is for ${SUBJECT_KINDS.join(' or ')}` });
  if (!Array.isArray(inputs) || inputs.length === 0) violations.push({ field: 'rules', reason: 'a program needs at least one eligibility rule' });
  (Array.isArray(inputs) ? inputs : []).forEach((input, index) => {
    const field = `rules[${index}]`;
    const parsed = parseRule(input ?? {}, field);
    if ('reason' in parsed) return void violations.push(parsed);
    if (SUBJECT_KINDS.includes(subject) && SUBJECT_OF_RULE[parsed.rule] !== subject) {
      return void violations.push({ field, reason: `${parsed.rule} is a rule about ${aSubject(SUBJECT_OF_RULE[parsed.rule])}, and this program is for ${aSubject(subject)}` });
    }
    if (rules.some((r) => r.rule === parsed.rule)) return void violations.push({ field, reason: `${parsed.rule} is given twice` });
    rules.push(parsed);
  });
  return { rules, violations };
};

/** The facts an enterprise rule reads, as the market register published them through the gateway. */
export interface EnterpriseFacts {
  kind: 'ENTERPRISE';
  creditCode: string;
  /** False when the register has no such enterprise. */
  found: boolean;
  status?: string | null;
  industryCode?: string | null;
  employees?: number | null;
}

/** The facts a resident rule reads, as the population register published them through the gateway. */
export interface ResidentFacts {
  kind: 'RESIDENT';
  residentId: string;
  found: boolean;
  /** YYYY-MM-DD. */
  birthDate?: string | null;
  /** The district of the resident's household in the grid; null when they have no household. */
  districtCode?: string | null;
}

export type SubjectFacts = EnterpriseFacts | ResidentFacts;

/** Which fields of the shared data the rules read: the check asks for these and no more. */
export const factsNeeded = (rules: readonly EligibilityRule[]): Array<'status' | 'industryCode' | 'employees' | 'birthDate' | 'districtCode'> =>
  rules.map((r) => {
    switch (r.rule) {
      case 'enterpriseActive':
        return 'status' as const;
      case 'industryIn':
        return 'industryCode' as const;
      case 'minEmployees':
        return 'employees' as const;
      case 'minAge':
        return 'birthDate' as const;
      case 'livesInDistrict':
        return 'districtCode' as const;
      default: {
        const exhaustive: never = r;
        return exhaustive;
      }
    }
  });

export type RuleOutcome = 'PASS' | 'FAIL';

/** One rule's verdict and the facts it was given, as the check records it. */
export interface RuleVerdict {
  rule: EligibilityRule;
  verdict: RuleOutcome;
  facts: Record<string, string | number | null>;
  reason: string;
}

/**
 * Whole years between a birth date and a day (YYYY-MM-DD both), counted as the civil law does:
 * one is N on their Nth birthday. Someone born on 29 February turns a year older on 1 March in
 * a common year (the day after 28 February), which string comparison of month-day gives.
 */
export const ageOn = (birthDate: string, day: string): number => {
  const [by, bmd] = [Number(birthDate.slice(0, 4)), birthDate.slice(5)];
  const [dy, dmd] = [Number(day.slice(0, 4)), day.slice(5)];
  return dy - by - (dmd < bmd ? 1 : 0);
};

const DATE = /^\d{4}-\d{2}-\d{2}$/;

const evaluateRule = (rule: EligibilityRule, facts: SubjectFacts, onDate: string): RuleVerdict => {
  const pass = (ok: boolean, recorded: RuleVerdict['facts'], why: string): RuleVerdict => ({
    rule,
    verdict: ok ? 'PASS' : 'FAIL',
    facts: recorded,
    reason: why,
  });
  if (facts.kind === 'ENTERPRISE') {
    switch (rule.rule) {
      case 'enterpriseActive': {
        const status = facts.status ?? null;
        return pass(status === 'ACTIVE', { status }, status === 'ACTIVE' ? 'the enterprise is active' : `the enterprise is ${status ?? 'of unknown status'}`);
      }
      case 'industryIn': {
        const code = facts.industryCode ?? null;
        const match = code === null ? undefined : rule.industries.find((prefix) => code.startsWith(prefix));
        return pass(match !== undefined, { industryCode: code }, match ? `industry ${code} is under ${match}` : `industry ${code ?? 'unknown'} is under none of ${rule.industries.join(', ')}`);
      }
      case 'minEmployees': {
        const employees = facts.employees ?? null;
        const ok = employees !== null && employees >= rule.employees;
        return pass(ok, { employees }, employees === null ? 'the enterprise reported no employees' : `${employees} employees, ${rule.employees} needed`);
      }
      default:
        return pass(false, {}, `${rule.rule} is not a rule about an enterprise`);
    }
  }
  switch (rule.rule) {
    case 'minAge': {
      const birthDate = facts.birthDate ?? null;
      if (birthDate === null || !DATE.test(birthDate)) return pass(false, { birthDate, onDate }, 'no birth date is known');
      const age = ageOn(birthDate, onDate);
      return pass(age >= rule.years, { birthDate, onDate, age }, `aged ${age} on ${onDate}, ${rule.years} needed`);
    }
    case 'livesInDistrict': {
      const districtCode = facts.districtCode ?? null;
      return pass(districtCode === rule.districtCode, { districtCode }, districtCode === null ? 'the resident has no household in the grid' : `the household is in district ${districtCode}, ${rule.districtCode} needed`);
    }
    default:
      return pass(false, {}, `${rule.rule} is not a rule about a resident`);
  }
};

/**
 * Every rule's verdict on the subject's facts on `onDate` (the application date, YYYY-MM-DD).
 * A subject the register does not have fails every rule: there is nothing to be eligible.
 */
export const evaluateRules = (rules: readonly EligibilityRule[], facts: SubjectFacts, onDate: string): RuleVerdict[] =>
  rules.map((rule) =>
    facts.found ? evaluateRule(rule, facts, onDate) : { rule, verdict: 'FAIL', facts: {}, reason: 'the register has no such subject' },
  );
