import { buildSchema, parse } from 'graphql';
import type { AllowedField, PolicyDecision, SubjectRow, SubjectVerdict } from '@shuzhi/policy';
import { KEY_ALIAS, OperationReadings } from './operation-selections.js';
import { shapeResult } from './result-shaping.js';

const schema = buildSchema(`
  type Query { resident(id: ID!): Resident, household(id: ID!): Household, registered(id: ID!): Resident! }
  type Resident { id: ID!, name: String }
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
