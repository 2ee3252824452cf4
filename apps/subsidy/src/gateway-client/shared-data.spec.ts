import type { EligibilityRule } from '../domain/eligibility-rules.js';
import type { GatewayAnswer, GatewayClient, GatewayError } from './gateway-client.js';
import { PAGE_SIZE, SharedData, SharedDataUnreadable } from './shared-data.js';

/** A gateway that answers from a script and remembers what it was asked. */
const scripted = (answer: (query: string, variables: Record<string, unknown>) => { data?: unknown; errors?: GatewayError[] }) => {
  const asked: Array<{ query: string; variables: Record<string, unknown> }> = [];
  const client = {
    query: async (query: string, variables: Record<string, unknown> = {}): Promise<GatewayAnswer<any>> => {
      asked.push({ query, variables });
      const { data = null, errors = [] } = answer(query, variables);
      return { data, errors, correlationId: `c-${asked.length}`, decisionIds: ['d-1'], contractIds: ['k-1'] };
    },
  } as unknown as GatewayClient;
  return { data: new SharedData(client), asked };
};

const denial = (code: string, reason: string, fields: string[]): GatewayError => ({ message: reason, extensions: { code, reason, fields } });

const ENTERPRISE_RULES: EligibilityRule[] = [{ rule: 'enterpriseActive' }, { rule: 'minEmployees', employees: 10 }];
const RESIDENT_RULES: EligibilityRule[] = [{ rule: 'minAge', years: 60 }];

describe('shared data through the gateway', () => {
  it('asks for the key and the fields the rules read, and no more', async () => {
    const { data, asked } = scripted(() => ({ data: { enterprise: { creditCode: 'X', status: 'ACTIVE', employees: 12 } } }));
    const shared = await data.enterprise('X', ENTERPRISE_RULES);
    expect(asked[0].query).toContain('enterprise(creditCode: $creditCode) { creditCode status employees }');
    expect(shared).toEqual({
      available: true,
      facts: { kind: 'ENTERPRISE', creditCode: 'X', found: true, status: 'ACTIVE', industryCode: undefined, employees: 12 },
      source: { correlationId: 'c-1', decisionIds: ['d-1'], contractIds: ['k-1'] },
    });
    const resident = scripted(() => ({ data: { resident: null } }));
    expect(await resident.data.resident('r-1', RESIDENT_RULES)).toMatchObject({ available: true, facts: { kind: 'RESIDENT', found: false } });
    expect(resident.asked[0].query).toContain('resident(id: $id) { id birthDate }');
  });

  it.each([
    ['CONTRACT_REQUIRED', 'missing contract'],
    ['CONSENT_REQUIRED', 'missing consent'],
    ['PURPOSE_REQUIRED', 'missing purpose'],
  ])('turns %s into "cannot check: %s" with the fields named', async (code, what) => {
    const { data } = scripted(() => ({ errors: [denial(code, `no grant for Resident.birthDate`, ['Resident.birthDate'])] }));
    expect(await data.resident('r-1', RESIDENT_RULES)).toEqual({
      available: false,
      denied: { code, reason: `cannot check: ${what}: no grant for Resident.birthDate`, fields: ['Resident.birthDate'] },
      source: { correlationId: 'c-1', decisionIds: ['d-1'], contractIds: ['k-1'] },
    });
  });

  it('names a missing purpose before a missing contract', async () => {
    const { data } = scripted(() => ({
      errors: [denial('CONTRACT_REQUIRED', 'no contract', ['Enterprise.employees']), denial('PURPOSE_REQUIRED', 'no purpose', ['Enterprise.status'])],
    }));
    expect(await data.enterprise('X', ENTERPRISE_RULES)).toMatchObject({ available: false, denied: { code: 'PURPOSE_REQUIRED' } });
  });

  it('throws, rather than judges, on any other refusal', async () => {
    const { data } = scripted(() => ({ errors: [{ message: 'bad key', extensions: { code: 'UNAUTHENTICATED', reason: 'the key is revoked' } }] }));
    await expect(data.enterprise('X', ENTERPRISE_RULES)).rejects.toThrow(SharedDataUnreadable);
    await expect(data.enterprise('X', ENTERPRISE_RULES)).rejects.toThrow(/UNAUTHENTICATED: the key is revoked/);
  });

  it('pages the register per industry prefix, filtering on status, until a short page', async () => {
    const codes = Array.from({ length: PAGE_SIZE + 1 }, (_, i) => `C${String(i).padStart(4, '0')}`);
    const { data, asked } = scripted((_query, variables) => {
      const filter = variables.filter as { industryCode: string };
      if (filter.industryCode !== 'C') return { data: { enterprises: [] } };
      const from = variables.after ? codes.indexOf(variables.after as string) + 1 : 0;
      return { data: { enterprises: codes.slice(from, from + PAGE_SIZE).map((creditCode) => ({ creditCode, status: 'ACTIVE' })) } };
    });
    const pages = [];
    for await (const page of data.enterprisePages([{ rule: 'enterpriseActive' }, { rule: 'industryIn', industries: ['C', 'I65'] }])) pages.push(page);
    expect(asked.map((a) => a.variables)).toEqual([
      { filter: { industryCode: 'C', status: 'ACTIVE' }, first: PAGE_SIZE, after: null },
      { filter: { industryCode: 'C', status: 'ACTIVE' }, first: PAGE_SIZE, after: codes[PAGE_SIZE - 1] },
      { filter: { industryCode: 'I65', status: 'ACTIVE' }, first: PAGE_SIZE, after: null },
    ]);
    expect(pages.flatMap((p) => (p.available ? p.facts.map((f) => f.creditCode) : []))).toEqual(codes);
  });

  it('stops paging at the first refusal', async () => {
    const { data } = scripted(() => ({ errors: [denial('CONTRACT_REQUIRED', 'no contract grants Enterprise.employees', ['Enterprise.employees'])] }));
    const pages = [];
    for await (const page of data.enterprisePages(ENTERPRISE_RULES)) pages.push(page);
    expect(pages).toEqual([expect.objectContaining({ available: false, denied: expect.objectContaining({ code: 'CONTRACT_REQUIRED' }) })]);
  });
});
