import { factsNeeded, type EligibilityRule, type EnterpriseFacts, type ResidentFacts } from '../domain/eligibility-rules.js';
import type { SharedFacts } from '../domain/subsidy-application.decider.js';
import { ACCESS_DENIALS, type AccessDenial, type GatewaySource } from '../domain/subsidy-application.events.js';
import type { GatewayAnswer, GatewayClient } from './gateway-client.js';

/** The gateway refused the bureau in a way no contract fixes (a revoked key, a broken query): an operator's problem. */
export class SharedDataUnreadable extends Error {
  override readonly name = 'SharedDataUnreadable';
}

type Denied = Extract<SharedFacts, { available: false }>;

/** What to fix first: without the purpose no contract applies, and without a contract no consent helps. */
const DENIAL_PRIORITY: readonly AccessDenial[] = ['PURPOSE_REQUIRED', 'CONTRACT_REQUIRED', 'CONSENT_REQUIRED'];

const sourceOf = (answer: GatewayAnswer<unknown>): GatewaySource => ({
  correlationId: answer.correlationId,
  decisionIds: answer.decisionIds,
  contractIds: answer.contractIds,
});

/**
 * An answer's access denials as one "cannot check", or undefined when there are none. A purpose
 * problem is named first: no contract helps until the purpose is right. Any other error means
 * the read itself failed, and is thrown rather than judged.
 */
const deniedIn = (answer: GatewayAnswer<unknown>): Denied | undefined => {
  const denials = answer.errors.filter((e) => ACCESS_DENIALS.includes(e.extensions?.code as AccessDenial));
  const others = answer.errors.filter((e) => !denials.includes(e));
  if (others.length > 0) {
    const [first] = others;
    throw new SharedDataUnreadable(`the gateway refused the read: ${first.extensions?.code ?? 'no code'}: ${first.extensions?.reason ?? first.message}`);
  }
  if (denials.length === 0) return undefined;
  const code = DENIAL_PRIORITY.find((c) => denials.some((d) => d.extensions?.code === c))!;
  const reasons = [...new Set(denials.filter((d) => d.extensions?.code === code).map((d) => d.extensions?.reason ?? d.message))];
  const fields = [...new Set(denials.flatMap((d) => d.extensions?.fields ?? []))].sort();
  const what = code === 'CONSENT_REQUIRED' ? 'missing consent' : code === 'PURPOSE_REQUIRED' ? 'missing purpose' : 'missing contract';
  return { available: false, denied: { code, reason: `cannot check: ${what}: ${reasons.join('; ')}`, fields }, source: sourceOf(answer) };
};

const ENTERPRISE_FIELDS = { status: 'status', industryCode: 'industryCode', employees: 'employees' } as const;

/** The selection of an enterprise that the rules read, and its key. */
const enterpriseSelection = (rules: readonly EligibilityRule[]): string =>
  ['creditCode', ...new Set(factsNeeded(rules).filter((f): f is keyof typeof ENTERPRISE_FIELDS => f in ENTERPRISE_FIELDS))].join(' ');

const residentSelection = (rules: readonly EligibilityRule[]): string => {
  const needed = new Set(factsNeeded(rules));
  return ['id', needed.has('birthDate') ? 'birthDate' : '', needed.has('districtCode') ? 'household { districtCode }' : ''].filter(Boolean).join(' ');
};

type EnterpriseRow = { creditCode: string; status?: string | null; industryCode?: string | null; employees?: number | null };

const enterpriseFacts = (creditCode: string, row: EnterpriseRow | null): EnterpriseFacts => ({
  kind: 'ENTERPRISE',
  creditCode,
  found: row !== null,
  ...(row ? { status: row.status, industryCode: row.industryCode, employees: row.employees } : {}),
});

export type EnterprisePage = { available: true; facts: EnterpriseFacts[]; source: GatewaySource } | Denied;

export const PAGE_SIZE = 100;

/**
 * The population and enterprise data an eligibility check reads, through the gateway under the
 * bureau's contracts. Never from the other services' tables (DESIGN.md, "Between services").
 */
export class SharedData {
  constructor(private readonly gateway: GatewayClient) {}

  async enterprise(creditCode: string, rules: readonly EligibilityRule[]): Promise<SharedFacts> {
    const answer = await this.gateway.query<{ enterprise: EnterpriseRow | null }>(
      `query SubsidyEnterpriseFacts($creditCode: String!) { enterprise(creditCode: $creditCode) { ${enterpriseSelection(rules)} } }`,
      { creditCode },
    );
    return deniedIn(answer) ?? { available: true, facts: enterpriseFacts(creditCode, answer.data?.enterprise ?? null), source: sourceOf(answer) };
  }

  async resident(residentId: string, rules: readonly EligibilityRule[]): Promise<SharedFacts> {
    const answer = await this.gateway.query<{ resident: { id: string; birthDate?: string | null; household?: { districtCode: string } | null } | null }>(
      `query SubsidyResidentFacts($id: ID!) { resident(id: $id) { ${residentSelection(rules)} } }`,
      { id: residentId },
    );
    const denied = deniedIn(answer);
    if (denied) return denied;
    const row = answer.data?.resident ?? null;
    const facts: ResidentFacts = {
      kind: 'RESIDENT',
      residentId,
      found: row !== null,
      ...(row ? { birthDate: row.birthDate, districtCode: row.household === undefined ? undefined : (row.household?.districtCode ?? null) } : {}),
    };
    return { available: true, facts, source: sourceOf(answer) };
  }

  /**
   * Every enterprise that may meet the rules, a page at a time. The register filters by one
   * industry prefix and by status, so an `industryIn` rule is read once per prefix; the rules
   * themselves are still evaluated on every row, so the filter only narrows what is read.
   */
  async *enterprisePages(rules: readonly EligibilityRule[]): AsyncGenerator<EnterprisePage> {
    const industries = rules.find((r) => r.rule === 'industryIn')?.industries ?? [null];
    const status = rules.some((r) => r.rule === 'enterpriseActive') ? 'ACTIVE' : null;
    const query =
      `query SubsidyEnterprisePage($filter: EnterpriseFilter, $first: Int, $after: String) ` +
      `{ enterprises(filter: $filter, first: $first, after: $after) { ${enterpriseSelection(rules)} } }`;
    for (const industryCode of industries) {
      for (let after: string | null = null; ; ) {
        const answer: GatewayAnswer<{ enterprises: EnterpriseRow[] }> = await this.gateway.query(query, {
          filter: { industryCode, status },
          first: PAGE_SIZE,
          after,
        });
        const denied = deniedIn(answer);
        if (denied) {
          yield denied;
          return;
        }
        const rows = answer.data?.enterprises ?? [];
        yield { available: true, facts: rows.map((row) => enterpriseFacts(row.creditCode, row)), source: sourceOf(answer) };
        if (rows.length < PAGE_SIZE) break;
        after = rows[rows.length - 1].creditCode;
      }
    }
  }
}
