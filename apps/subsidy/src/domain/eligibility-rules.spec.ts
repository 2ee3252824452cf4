import { ageOn, evaluateRules, factsNeeded, parseRules, type EnterpriseFacts, type ResidentFacts } from './eligibility-rules.js';

const enterprise = (overrides: Partial<EnterpriseFacts> = {}): EnterpriseFacts => ({
  kind: 'ENTERPRISE',
  creditCode: '91330106MA0000011X',
  found: true,
  status: 'ACTIVE',
  industryCode: 'C3911',
  employees: 20,
  ...overrides,
});

const resident = (overrides: Partial<ResidentFacts> = {}): ResidentFacts => ({
  kind: 'RESIDENT',
  residentId: 'r-1',
  found: true,
  birthDate: '1966-05-10',
  districtCode: '330106',
  ...overrides,
});

describe('eligibility rules', () => {
  describe('parsing', () => {
    it('accepts the enterprise rules and normalises industry lists', () => {
      const { rules, violations } = parseRules('ENTERPRISE', [{ enterpriseActive: true }, { industryIn: ['I65', 'C', 'C'] }, { minEmployees: 10 }]);
      expect(violations).toEqual([]);
      expect(rules).toEqual([{ rule: 'enterpriseActive' }, { rule: 'industryIn', industries: ['C', 'I65'] }, { rule: 'minEmployees', employees: 10 }]);
    });

    it('accepts the resident rules', () => {
      const { rules, violations } = parseRules('RESIDENT', [{ minAge: 60 }, { livesInDistrict: '330106' }]);
      expect(violations).toEqual([]);
      expect(rules).toEqual([{ rule: 'minAge', years: 60 }, { rule: 'livesInDistrict', districtCode: '330106' }]);
    });

    it.each([
      ['no rules at all', 'ENTERPRISE', [], /at least one eligibility rule/],
      ['two fields in one rule', 'ENTERPRISE', [{ enterpriseActive: true, minEmployees: 3 }], /exactly one/],
      ['an empty rule', 'ENTERPRISE', [{}], /exactly one/],
      ['enterpriseActive: false', 'ENTERPRISE', [{ enterpriseActive: false }], /written as true/],
      ['an empty industry list', 'ENTERPRISE', [{ industryIn: [] }], /at least one industry/],
      ['a malformed industry code', 'ENTERPRISE', [{ industryIn: ['C', 'Z99', 'I6'] }], /not "Z99", "I6"/],
      ['negative employees', 'ENTERPRISE', [{ minEmployees: -1 }], /minEmployees is a whole number/],
      ['fractional employees', 'ENTERPRISE', [{ minEmployees: 2.5 }], /minEmployees is a whole number/],
      ['an impossible age', 'RESIDENT', [{ minAge: 151 }], /minAge is a whole number of years/],
      ['a province code as district', 'RESIDENT', [{ livesInDistrict: '330000' }], /county-level/],
      ['a short district code', 'RESIDENT', [{ livesInDistrict: '3301' }], /county-level/],
      ['a resident rule in an enterprise program', 'ENTERPRISE', [{ minAge: 60 }], /about a resident, and this program is for an enterprise/],
      ['an enterprise rule in a resident program', 'RESIDENT', [{ minEmployees: 5 }], /about an enterprise, and this program is for a resident/],
      ['the same rule twice', 'RESIDENT', [{ minAge: 60 }, { minAge: 65 }], /minAge is given twice/],
    ] as const)('refuses %s', (_what, subject, inputs, reason) => {
      const { violations } = parseRules(subject, inputs as never);
      expect(violations.map((v) => v.reason).join('; ')).toMatch(reason);
    });

    it('names the rule each violation is about', () => {
      const { violations } = parseRules('ENTERPRISE', [{ enterpriseActive: true }, { minEmployees: -3 }]);
      expect(violations).toEqual([{ field: 'rules[1]', reason: expect.stringContaining('minEmployees') }]);
    });
  });

  describe('ages across birthdays', () => {
    it.each([
      ['1966-05-10', '2026-05-09', 59],
      ['1966-05-10', '2026-05-10', 60],
      ['1966-05-10', '2026-05-11', 60],
      ['1966-12-31', '2026-01-01', 59],
      ['1964-02-29', '2024-02-28', 59],
      ['1964-02-29', '2024-02-29', 60],
      ['1964-02-29', '2025-02-28', 60],
      ['1965-02-28', '2025-03-01', 60],
      ['1964-02-29', '2023-02-28', 58],
      ['1964-02-29', '2023-03-01', 59],
    ])('born %s is on %s aged %i', (birth, day, age) => {
      expect(ageOn(birth, day)).toBe(age);
    });

    it('passes minAge on the 60th birthday and fails the day before', () => {
      const [rule] = parseRules('RESIDENT', [{ minAge: 60 }]).rules;
      const onBirthday = evaluateRules([rule], resident(), '2026-05-10');
      const dayBefore = evaluateRules([rule], resident(), '2026-05-09');
      expect(onBirthday[0]).toEqual({
        rule,
        verdict: 'PASS',
        facts: { birthDate: '1966-05-10', onDate: '2026-05-10', age: 60 },
        reason: 'aged 60 on 2026-05-10, 60 needed',
      });
      expect(dayBefore[0]).toMatchObject({ verdict: 'FAIL', facts: { age: 59 } });
    });

    it('fails minAge when no birth date is known', () => {
      const [verdict] = evaluateRules(parseRules('RESIDENT', [{ minAge: 60 }]).rules, resident({ birthDate: null }), '2026-05-10');
      expect(verdict).toMatchObject({ verdict: 'FAIL', reason: 'no birth date is known' });
    });
  });

  describe('districts', () => {
    const rules = parseRules('RESIDENT', [{ livesInDistrict: '330106' }]).rules;

    it('passes a household in the district and fails one elsewhere or none', () => {
      expect(evaluateRules(rules, resident(), '2026-01-01')[0]).toMatchObject({ verdict: 'PASS', facts: { districtCode: '330106' } });
      expect(evaluateRules(rules, resident({ districtCode: '330105' }), '2026-01-01')[0]).toMatchObject({ verdict: 'FAIL', facts: { districtCode: '330105' } });
      expect(evaluateRules(rules, resident({ districtCode: null }), '2026-01-01')[0]).toMatchObject({
        verdict: 'FAIL',
        reason: 'the resident has no household in the grid',
      });
    });
  });

  describe('industries', () => {
    const rules = parseRules('ENTERPRISE', [{ industryIn: ['C', 'I65'] }]).rules;

    it.each([
      ['C3911', 'PASS'],
      ['C', 'PASS'],
      ['I6513', 'PASS'],
      ['I65', 'PASS'],
      ['I6412', 'FAIL'],
      ['I', 'FAIL'],
      ['F5123', 'FAIL'],
    ])('industry %s is %s under C or I65', (industryCode, verdict) => {
      expect(evaluateRules(rules, enterprise({ industryCode }), '2026-01-01')[0].verdict).toBe(verdict);
    });
  });

  describe('employees', () => {
    const rules = parseRules('ENTERPRISE', [{ minEmployees: 10 }]).rules;

    it.each([
      [9, 'FAIL'],
      [10, 'PASS'],
      [11, 'PASS'],
      [null, 'FAIL'],
    ])('%s employees is %s at a minimum of 10', (employees, verdict) => {
      expect(evaluateRules(rules, enterprise({ employees }), '2026-01-01')[0].verdict).toBe(verdict);
    });

    it('passes a minimum of 0 even for an enterprise with no employees', () => {
      expect(evaluateRules(parseRules('ENTERPRISE', [{ minEmployees: 0 }]).rules, enterprise({ employees: 0 }), '2026-01-01')[0].verdict).toBe('PASS');
    });
  });

  describe('status', () => {
    it.each([
      ['ACTIVE', 'PASS'],
      ['SUSPENDED', 'FAIL'],
      ['DEREGISTERED', 'FAIL'],
    ])('an enterprise %s is %s for enterpriseActive', (status, verdict) => {
      expect(evaluateRules([{ rule: 'enterpriseActive' }], enterprise({ status }), '2026-01-01')[0].verdict).toBe(verdict);
    });
  });

  it('fails every rule for a subject the register does not have', () => {
    const rules = parseRules('ENTERPRISE', [{ enterpriseActive: true }, { minEmployees: 0 }]).rules;
    expect(evaluateRules(rules, { kind: 'ENTERPRISE', creditCode: 'x', found: false }, '2026-01-01').map((v) => v.verdict)).toEqual(['FAIL', 'FAIL']);
  });

  it('asks for exactly the fields the rules read', () => {
    expect(factsNeeded(parseRules('ENTERPRISE', [{ enterpriseActive: true }, { minEmployees: 3 }]).rules)).toEqual(['status', 'employees']);
    expect(factsNeeded(parseRules('RESIDENT', [{ livesInDistrict: '330106' }]).rules)).toEqual(['districtCode']);
  });
});
