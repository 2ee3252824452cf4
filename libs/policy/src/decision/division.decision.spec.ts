import type { DatasetBinding } from '../policy-snapshot.projection.js';
import type { GrantedField } from './access.decision.js';
import { decideDivisions, scopedTypes, servesDivision, type DivisionRow } from './division.decision.js';
import { SUBGRAPHS, contract, given, households, permits, request, residents, select, subgraphOf } from './test/policy.fixtures.js';

/** The register as it catalogues where each resident lies. */
const residentsWithDivisions: DatasetBinding = { ...residents, fields: [...residents.fields, { name: 'divisionCode', classification: 'PERSONAL' }] };
const snapshot = {
  datasets: [residentsWithDivisions, households, permits],
  subgraphs: [subgraphOf('population', 'public-security', residentsWithDivisions, households), ...SUBGRAPHS.slice(1)],
};
const xihu = contract({ id: 'c-xihu', divisionScope: '330106', masking: [] });
const reading = (...coordinates: string[]) => request({ selections: select(...coordinates) });
const row = (divisionCode: string | null, fields: string[] = ['name'], subjectId = 'r-1'): DivisionRow => ({ type: 'Resident', subjectId, fields, divisionCode });

describe('policy decision: division scopes', () => {
  it('a field served under a scoped contract carries the scope; one under a contract of the whole area carries none', () => {
    const scoped = given({ ...snapshot, contracts: [xihu] }).when(reading('Resident.name', 'Resident.id'));
    expect(scoped.allowed).toEqual([
      expect.objectContaining({ type: 'Resident', field: 'name', reason: 'contract', contractId: 'c-xihu', divisionScope: '330106' }),
      expect.objectContaining({ type: 'Resident', field: 'id', reason: 'entity key', contractId: 'c-xihu', divisionScope: '330106' }),
    ]);
    const whole = given({ ...snapshot, contracts: [contract({ masking: [] })] }).when(reading('Resident.name'));
    expect(whole.allowed[0]).not.toHaveProperty('divisionScope');
    expect(scopedTypes(scoped)).toEqual(new Set(['Resident']));
    expect(scopedTypes(whole)).toEqual(new Set());
  });

  it('a lookup under a scoped contract carries the scope too', () => {
    const decision = given({ ...snapshot, contracts: [contract({ id: 'c-xihu', divisionScope: '330106', fields: ['idNumber'], masking: [], consentRequired: true })] }).when(
      request({
        selections: select('Resident.idNumber'),
        lookups: [{ via: 'Query.residentByIdNumber(idNumber)', reads: { type: 'Resident', field: 'idNumber' }, owner: 'public-security' }],
      }),
    );
    expect(decision.lookups).toEqual([
      { via: 'Query.residentByIdNumber(idNumber)', field: 'Resident.idNumber', contractId: 'c-xihu', consentRequired: true, divisionScope: '330106' },
    ]);
  });

  describe('which rows a scope serves: codes compared at their levels', () => {
    const decision = given({ ...snapshot, contracts: [xihu] }).when(reading('Resident.name'));
    it.each([
      ['a community of the district', '330106001001', true],
      ['a community of one of its towns (1xx)', '330106101001', true],
      ['a street of the district', '330106001', true],
      ['the district itself', '330106', true],
      ['a community of the neighbouring district', '330105001001', false],
      ['a community of another city\'s 06 district', '330206001001', false],
      ['a row placed only in the city: where in it, nobody says', '330100', false],
      ['a padded code (the statistical tables\' 12-digit form of the district)', '330106000000', false],
      ['seven digits, no division', '3301061', false],
      ['an empty code', '', false],
      ['no code at all', null, false],
    ])('%s (%s): served %s', (_, divisionCode, served) => {
      const [verdict] = decideDivisions(decision, [row(divisionCode)]);
      expect(verdict).toEqual({
        subjectId: 'r-1',
        type: 'Resident',
        verdict: served ? 'ALLOW' : 'OUTSIDE_DIVISION',
        divisionCode,
        outsideFields: served ? [] : ['name'],
        scopes: ['330106'],
      });
      expect(servesDivision(decision.allowed[0], divisionCode)).toBe(served);
    });

    it('a city\'s scope serves every row of the city, though its code 330100 begins none of them', () => {
      const city = given({ ...snapshot, contracts: [contract({ divisionScope: '330100', masking: [] })] }).when(reading('Resident.name'));
      expect(decideDivisions(city, [row('330106001001'), row('330102003004', ['name'], 'r-2'), row('330206001001', ['name'], 'r-3')]).map((v) => v.verdict)).toEqual([
        'ALLOW',
        'ALLOW',
        'OUTSIDE_DIVISION',
      ]);
    });

    it('a community\'s scope serves that community alone', () => {
      const community = given({ ...snapshot, contracts: [contract({ divisionScope: '330106001001', masking: [] })] }).when(reading('Resident.name'));
      expect(decideDivisions(community, [row('330106001001'), row('330106001002', ['name'], 'r-2'), row('330106001', ['name'], 'r-3')]).map((v) => v.verdict)).toEqual([
        'ALLOW',
        'OUTSIDE_DIVISION',
        'OUTSIDE_DIVISION',
      ]);
    });
  });

  it('withholds a row whose key alone is served under the scope: the key tells the row exists', () => {
    const decision = given({ ...snapshot, contracts: [xihu] }).when(reading('Resident.name', 'Resident.id'));
    expect(decideDivisions(decision, [row('330105001001', ['id'])])).toMatchObject([{ verdict: 'OUTSIDE_DIVISION', outsideFields: ['id'] }]);
  });

  it('names every field of the row served under a scope it lies outside, and nothing else', () => {
    const decision = given({ ...snapshot, contracts: [xihu] }).when(reading('Resident.name', 'Resident.birthDate', 'Household.address'));
    const verdicts = decideDivisions(decision, [
      row('330105001001', ['name', 'birthDate', 'gender']),
      { type: 'Household', subjectId: 'h-1', fields: ['address'], divisionCode: null },
    ]);
    // gender was not allowed, so not served and not checked; the household is not served under a scope.
    expect(verdicts).toEqual([
      { subjectId: 'r-1', type: 'Resident', verdict: 'OUTSIDE_DIVISION', divisionCode: '330105001001', outsideFields: ['name', 'birthDate'], scopes: ['330106'] },
      { subjectId: 'h-1', type: 'Household', verdict: 'ALLOW', divisionCode: null, outsideFields: [], scopes: [] },
    ]);
  });

  it('rows served under contracts of the whole area need no division, and a decision without scopes withholds nothing', () => {
    const decision = given({ ...snapshot, contracts: [contract({ masking: [] })] }).when(reading('Resident.name'));
    expect(decideDivisions(decision, [row(null), row('not a code', ['name'], 'r-2')]).map((v) => v.verdict)).toEqual(['ALLOW', 'ALLOW']);
    expect(servesDivision(decision.allowed[0], null)).toBe(true);
  });

  describe('choosing among contracts', () => {
    it('at equal masks, the contract of the whole area serves the field: it serves every row', () => {
      const decision = given({ ...snapshot, contracts: [contract({ id: 'c-a', divisionScope: '330106', masking: [] }), contract({ id: 'c-z', masking: [] })] }).when(
        reading('Resident.name', 'Resident.id'),
      );
      expect(decision.allowed.map((f) => [f.field, f.contractId, (f as GrantedField).divisionScope])).toEqual([
        ['name', 'c-z', undefined],
        ['id', 'c-z', undefined],
      ]);
      expect(decision.contracts).toEqual([{ id: 'c-z', version: 4 }]);
    });

    it('of two scopes, the wider; the less masking contract first all the same, whatever its scope', () => {
      const wider = given({
        ...snapshot,
        contracts: [contract({ id: 'c-a', divisionScope: '330106001', masking: [] }), contract({ id: 'c-b', divisionScope: '330106', masking: [] })],
      }).when(reading('Resident.name'));
      expect(wider.allowed[0]).toMatchObject({ contractId: 'c-b', divisionScope: '330106' });
      const clearer = given({
        ...snapshot,
        contracts: [contract({ id: 'c-a', divisionScope: '330106' }), contract({ id: 'c-b', masking: [{ field: 'name', rule: 'HASH' }] })],
      }).when(reading('Resident.name'));
      // c-a serves the name masked (MASK) in its district; c-b only hashed: the least masking grant wins, scope and all.
      expect(clearer.allowed[0]).toMatchObject({ contractId: 'c-a', mask: 'MASK', divisionScope: '330106' });
    });
  });
});
