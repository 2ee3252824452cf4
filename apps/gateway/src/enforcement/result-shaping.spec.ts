import { buildSchema, parse } from 'graphql';
import { decideDivisions, type AllowedField, type PolicyDecision, type SubjectRow, type SubjectVerdict } from '@shuzhi/policy';
import { DIVISION_ALIAS, KEY_ALIAS, OperationReadings, withKeyFields } from './operation-selections.js';
import { shapeResult } from './result-shaping.js';

const schema = buildSchema(`
  type Query { resident(id: ID!): Resident, household(id: ID!): Household, registered(id: ID!): Resident! }
  type Resident { id: ID!, name: String, divisionCode: String }
  type Household { id: ID!, address: String, members: [Resident!]!, lodgers: [Resident], head: Resident! }
`);

const granted = (type: string, field: string, consentRequired: boolean): AllowedField => ({
  type,
  field,
  reason: 'contract',
  mask: 'NONE',
  contractId: consentRequired ? 'resident-contract' : 'household-contract',
  contractVersion: 1,
  datasetCode: consentRequired ? 'population.resident' : 'population.household',
  consentRequired,
});

const decision: PolicyDecision = {
  allowed: [
    granted('Resident', 'id', true),
    granted('Resident', 'name', true),
    granted('Household', 'id', false),
    granted('Household', 'address', false),
    granted('Household', 'members', false),
    granted('Household', 'lodgers', false),
    granted('Household', 'head', false),
  ],
  denied: [],
  lookups: [],
  contracts: [],
  outcome: 'ALLOW',
};

/** Shapes `data` for `query`, where only the residents in `consenting` have consented. */
const shape = (query: string, data: Record<string, unknown>, consenting: readonly string[]) => {
  const reading = new OperationReadings().read(schema, parse(query), undefined)!;
  return shapeResult(structuredClone(data), reading.tree, {
    decision,
    keys: new Map([
      ['Resident', 'id'],
      ['Household', 'id'],
    ]),
    hashKey: 'test',
    decideRows: (rows: SubjectRow[]): SubjectVerdict[] =>
      rows.map((row) => ({
        subjectId: row.subjectId,
        type: row.type,
        verdict: consenting.includes(row.subjectId) ? 'ALLOW' : 'CONSENT_REQUIRED',
        consentIds: [],
        missingFields: consenting.includes(row.subjectId) ? [] : ['name'],
      })),
  });
};

// As the subgraphs answer: the selected fields, and each entity's key under the gateway's own name.
const xie = { [KEY_ALIAS]: 'r1', name: '谢玉梅' };
const li = { [KEY_ALIAS]: 'r2', name: '李丽娟' };

describe('shaping a result: rows withheld for want of consent', () => {
  it('nulls a withheld row where null may stand: a nullable field, an item of a list of nullable items', () => {
    const shaped = shape('{ resident(id: "r2") { name } household(id: "h1") { address lodgers { name } } }', { resident: li, household: { [KEY_ALIAS]: 'h1', address: '登云路108号', lodgers: [xie, li] } }, ['r1']);
    expect(shaped.data).toEqual({ resident: null, household: { address: '登云路108号', lodgers: [{ name: '谢玉梅' }, null] } });
    expect(shaped.errors.map((e) => [e.path, e.extensions.code])).toEqual([
      [['resident'], 'CONSENT_REQUIRED'],
      [['household', 'lodgers', 1], 'CONSENT_REQUIRED'],
    ]);
  });

  it('in a non-null position nulls the nearest nullable ancestor instead, keeping the error on the row', () => {
    // members: [Resident!]! — neither the item nor the list may be null, so the household goes.
    const shaped = shape('{ household(id: "h1") { address members { name } } }', { household: { [KEY_ALIAS]: 'h1', address: '登云路108号', members: [xie, li] } }, ['r1']);
    expect(shaped.data).toEqual({ household: null });
    expect(shaped.errors.map((e) => e.path)).toEqual([['household', 'members', 1]]);
    expect(shaped.withheld).toEqual([{ type: 'Resident', id: 'r2', missingFields: ['name'] }]);
  });

  it('nulls the whole data when the null reaches a non-null root field', () => {
    const shaped = shape('{ registered(id: "r2") { name } }', { registered: li }, []);
    expect(shaped.data).toBeNull();
    expect(shaped.errors.map((e) => e.path)).toEqual([['registered']]);
  });

  it('serves consenting rows untouched, the gateway\'s added keys removed', () => {
    const shaped = shape('{ household(id: "h1") { head { name } members { name } } }', { household: { [KEY_ALIAS]: 'h1', head: xie, members: [xie, li] } }, ['r1', 'r2']);
    expect(shaped.data).toEqual({ household: { head: { name: '谢玉梅' }, members: [{ name: '谢玉梅' }, { name: '李丽娟' }] } });
    expect(shaped.errors).toEqual([]);
  });
});

describe('shaping a result: rows outside the division a contract is scoped to', () => {
  // 回流 to 西湖区 (330106): the district office reads residents of its own district only.
  const scoped: PolicyDecision = {
    ...decision,
    allowed: decision.allowed.map((a) => (a.type === 'Resident' ? { ...a, consentRequired: false, divisionScope: '330106' } : a)),
  };
  const inside = { [KEY_ALIAS]: 'r1', [DIVISION_ALIAS]: '330106001001', name: '谢玉梅' };
  const elsewhere = { [KEY_ALIAS]: 'r2', [DIVISION_ALIAS]: '330105002001', name: '李丽娟' };
  const nowhere = { [KEY_ALIAS]: 'r3', [DIVISION_ALIAS]: null, name: '王小明' };
  const shapeScoped = (query: string, data: Record<string, unknown>, lookups: string[] = [], decision = scoped) => {
    const reading = new OperationReadings().read(schema, parse(query), undefined)!;
    return shapeResult(structuredClone(data), reading.tree, {
      decision,
      keys: new Map([
        ['Resident', 'id'],
        ['Household', 'id'],
      ]),
      hashKey: 'test',
      decideRows: (rows) => rows.map((row) => ({ subjectId: row.subjectId, type: row.type, verdict: 'ALLOW', consentIds: [], missingFields: [] })),
      decideDivisions: (rows) => decideDivisions(decision, rows),
      scopedLookups: lookups.map((key) => ({ key, scope: '330106' })),
    });
  };

  it('leaves a list\'s rows from elsewhere out of it, and a row without a division too', () => {
    const shaped = shapeScoped('{ household(id: "h1") { address lodgers { name } members { name } } }', {
      household: { [KEY_ALIAS]: 'h1', address: '登云路108号', lodgers: [elsewhere, inside], members: [{ ...inside }, nowhere] },
    });
    expect(shaped.data).toEqual({ household: { address: '登云路108号', lodgers: [{ name: '谢玉梅' }], members: [{ name: '谢玉梅' }] } });
    expect(shaped.errors).toEqual([]);
    expect(shaped.withheld).toEqual([
      { type: 'Resident', id: 'r2', missingFields: ['name'] },
      { type: 'Resident', id: 'r3', missingFields: ['name'] },
    ]);
    expect(shaped.rowsByContract.get('resident-contract')).toBe(1);
  });

  it('withholds a row from elsewhere on its own, and answers a lookup that found nobody the same way', () => {
    const outside = shapeScoped('{ resident(id: "r2") { name } }', { resident: elsewhere }, ['resident']);
    const unknown = shapeScoped('{ resident(id: "r9") { name } }', { resident: null }, ['resident']);
    expect(outside.data).toEqual({ resident: null });
    expect(unknown.data).toEqual(outside.data);
    expect(unknown.errors.map((e) => [e.path, e.message, e.extensions])).toEqual(outside.errors.map((e) => [e.path, e.message, e.extensions]));
    expect(outside.errors[0].extensions.code).toBe('CONTRACT_REQUIRED');
  });

  it('holds a row a scoped lookup found to the lookup\'s scope, though a contract for the whole city serves its fields', () => {
    // The lookup rests on the district's contract; the name on a city-wide one.
    const cityWide: PolicyDecision = { ...decision, allowed: decision.allowed.map((a) => (a.type === 'Resident' ? { ...a, consentRequired: false } : a)) };
    const outside = shapeScoped('{ resident(id: "r2") { name } }', { resident: elsewhere }, ['resident'], cityWide);
    const unknown = shapeScoped('{ resident(id: "r9") { name } }', { resident: null }, ['resident'], cityWide);
    expect(outside.data).toEqual({ resident: null });
    expect(outside.errors.map((e) => [e.path, e.extensions])).toEqual(unknown.errors.map((e) => [e.path, e.extensions]));
    expect(shapeScoped('{ resident(id: "r1") { name } }', { resident: inside }, ['resident'], cityWide).data).toEqual({ resident: { name: '谢玉梅' } });
    // Not a lookup's row: the city-wide contract serves it anywhere.
    expect(shapeScoped('{ household(id: "h1") { lodgers { name } } }', { household: { [KEY_ALIAS]: 'h1', lodgers: [elsewhere] } }, [], cityWide).data).toEqual({
      household: { lodgers: [{ name: '李丽娟' }] },
    });
  });

  it('answers a row elsewhere exactly as nobody, however its fields are aliased', () => {
    const query = (id: string) => `{ resident(id: "${id}") { a: name b: name } }`;
    const outside = shapeScoped(query('r2'), { resident: { ...elsewhere, a: '李丽娟', b: '李丽娟' } }, ['resident']);
    const unknown = shapeScoped(query('r9'), { resident: null }, ['resident']);
    expect(outside.errors.map((e) => [e.path, e.message, e.extensions])).toEqual(unknown.errors.map((e) => [e.path, e.message, e.extensions]));
  });

  it('answers a lookup bound by consent and scope alike for a row elsewhere, without consent, or nobody', () => {
    const consentBound: PolicyDecision = { ...scoped, allowed: scoped.allowed.map((a) => (a.type === 'Resident' && a.reason === 'contract' ? { ...a, consentRequired: true } : a)) };
    const answer = (data: Record<string, unknown>, consenting: boolean) => {
      const reading = new OperationReadings().read(schema, parse('{ resident(id: "r") { name } }'), undefined)!;
      const shaped = shapeResult(structuredClone(data), reading.tree, {
        decision: consentBound,
        keys: new Map([['Resident', 'id']]),
        hashKey: 'test',
        decideRows: (rows) =>
          rows.map((row) => ({ subjectId: row.subjectId, type: row.type, verdict: consenting ? 'ALLOW' : 'CONSENT_REQUIRED', consentIds: [], missingFields: consenting ? [] : ['name'] })),
        decideDivisions: (rows) => decideDivisions(consentBound, rows),
        consentLookups: ['resident'],
        scopedLookups: [{ key: 'resident', scope: '330106' }],
      });
      return { data: shaped.data, errors: shaped.errors.map((e) => [e.path, e.message, e.extensions]) };
    };
    const nobody = answer({ resident: null }, true);
    expect(nobody.errors).toHaveLength(1);
    expect(answer({ resident: elsewhere }, true)).toEqual(nobody);
    expect(answer({ resident: { ...inside, [KEY_ALIAS]: 'r4' } }, false)).toEqual(nobody);
  });

  it('serves a row within the scope, the gateway\'s added division removed', () => {
    const shaped = shapeScoped('{ resident(id: "r1") { name } }', { resident: inside }, ['resident']);
    expect(shaped.data).toEqual({ resident: { name: '谢玉梅' } });
    expect(shaped.errors).toEqual([]);
  });

  it('asks the subgraphs where each row of a scoped type lies, under a name a caller may not take', () => {
    const keyed = withKeyFields(schema, parse('{ resident(id: "r1") { name } }'), new Map([['Resident', 'id']]), new Set(['Resident']));
    expect(JSON.stringify(keyed)).toContain(DIVISION_ALIAS);
    expect(() => withKeyFields(schema, parse(`{ resident(id: "r1") { ${DIVISION_ALIAS}: name } }`), new Map(), new Set())).toThrow(/gateway's own/);
  });
});
