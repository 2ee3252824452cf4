import type { ContractGrant } from '../policy-snapshot.projection.js';
import { SUBGRAPHS, at, contract, coordinates, given, households, permits, purpose, request, residents, select } from './test/policy.fixtures.js';

describe('policy decision: contracts', () => {
  it('without any contract denies every bound field with CONTRACT_REQUIRED, naming Type.field', () => {
    const decision = given().when(request({ selections: select('Resident.name', 'Resident.birthDate') }));

    expect(decision.allowed).toEqual([]);
    expect(decision.denied.map((d) => [`${d.type}.${d.field}`, d.code])).toEqual([
      ['Resident.name', 'CONTRACT_REQUIRED'],
      ['Resident.birthDate', 'CONTRACT_REQUIRED'],
    ]);
    expect(decision.outcome).toBe('DENY');
    expect(decision.code).toBe('CONTRACT_REQUIRED');
    expect(decision.reason).toBe('no contract grants Resident.name, Resident.birthDate');
    expect(decision.denied[0].reason).toBe(
      `no ACTIVE contract of human-resources grants Resident.name (dataset population.resident) for purpose ${purpose} at ${at}`,
    );
  });

  it('an ACTIVE contract in its window serves exactly its fields, with its masks, citing its id and version', () => {
    const decision = given({ contracts: [contract()] }).when(request({ selections: select('Resident.name', 'Resident.birthDate') }));

    expect(decision.allowed).toEqual([
      { type: 'Resident', field: 'name', reason: 'contract', mask: 'MASK', contractId: 'c-1', contractVersion: 4, datasetCode: 'population.resident', consentRequired: false },
      { type: 'Resident', field: 'birthDate', reason: 'contract', mask: 'NONE', contractId: 'c-1', contractVersion: 4, datasetCode: 'population.resident', consentRequired: false },
    ]);
    expect(decision.denied).toEqual([]);
    expect(decision.contracts).toEqual([{ id: 'c-1', version: 4 }]);
    expect(decision.outcome).toBe('ALLOW');
    expect(decision.code).toBeUndefined();
    expect(decision.reason).toBeUndefined();
  });

  it.each<[string, Partial<ContractGrant>, string?]>([
    ['of another department', { consumerDepartment: 'civil-affairs' }],
    ['for another purpose', { purpose: 'HOUSING_ALLOWANCE' }],
    ['for another dataset', { datasetCode: 'population.household', fields: ['name', 'address'] }],
    ['not naming the field', { fields: ['birthDate'] }],
    ['not valid yet', { validFrom: '2026-12-10T02:00:00.001Z' }],
    ['whose window ends at that instant', { validTo: at }],
    ['whose window has ended', { validTo: '2026-12-10T01:59:59.999Z' }],
    ['SUBMITTED', { status: 'SUBMITTED' }],
    ['in COMPLIANCE_REVIEW', { status: 'COMPLIANCE_REVIEW' }],
    ['in PROVIDER_REVIEW', { status: 'PROVIDER_REVIEW' }],
    ['REJECTED', { status: 'REJECTED' }],
    ['SUSPENDED', { status: 'SUSPENDED' }],
    ['REVOKED', { status: 'REVOKED' }],
    ['EXPIRED', { status: 'EXPIRED' }],
  ])('a contract %s grants nothing', (_case, overrides) => {
    const decision = given({ contracts: [contract(overrides)] }).when(request({ selections: select('Resident.name') }));

    expect(decision.allowed).toEqual([]);
    expect(decision.denied).toMatchObject([{ type: 'Resident', field: 'name', code: 'CONTRACT_REQUIRED' }]);
    expect(decision.contracts).toEqual([]);
    expect(decision.outcome).toBe('DENY');
  });

  it('compares the window as instants, not as text, whatever offset each side is written in', () => {
    const { when } = given({ contracts: [contract({ validFrom: '2026-11-30T16:00:00.000Z' })] });

    // 00:00 in Tokyo is 15:00 UTC: an hour before the window opens, though it sorts after it as text.
    expect(when(request({ at: '2026-12-01T00:00:00+09:00', selections: select('Resident.name') })).outcome).toBe('DENY');
    // 00:00 in Beijing is exactly validFrom: the window includes its start.
    expect(when(request({ at: '2026-12-01T00:00:00+08:00', selections: select('Resident.name') })).outcome).toBe('ALLOW');
  });

  it('of several contracts granting a field, the least masking serves it, and each contract used is cited', () => {
    const masksName = contract({ id: 'c-1', version: 2, masking: [{ field: 'name', rule: 'MASK' }] });
    const hashesBirthDate = contract({ id: 'c-2', version: 7, masking: [{ field: 'birthDate', rule: 'HASH' }] });
    const redactsBoth = contract({ id: 'c-0', version: 1, masking: [{ field: 'name', rule: 'REDACT' }, { field: 'birthDate', rule: 'REDACT' }] });

    const decision = given({ contracts: [masksName, hashesBirthDate, redactsBoth] }).when(
      request({ selections: select('Resident.name', 'Resident.birthDate') }),
    );

    expect(decision.allowed.map((a) => [a.field, a.mask, a.contractId, a.contractVersion])).toEqual([
      ['name', 'NONE', 'c-2', 7],
      ['birthDate', 'NONE', 'c-1', 2],
    ]);
    expect(decision.contracts).toEqual([
      { id: 'c-1', version: 2 },
      { id: 'c-2', version: 7 },
    ]);
  });

  it('between equally masking contracts prefers one without a consent requirement, then the smallest id', () => {
    const { when } = given({
      contracts: [
        contract({ id: 'c-1', consentRequired: true, masking: [] }),
        contract({ id: 'c-3', masking: [] }),
        contract({ id: 'c-2', masking: [] }),
      ],
    });

    const decision = when(request({ selections: select('Resident.name') }));

    expect(decision.allowed).toMatchObject([{ field: 'name', contractId: 'c-2', consentRequired: false }]);
  });

  it('the same snapshot in any order gives the same decision', () => {
    const contracts = [
      contract({ id: 'c-1', masking: [] }),
      contract({ id: 'c-2', masking: [] }),
      contract({ id: 'c-3', datasetCode: 'population.household', fields: ['address'] }),
    ];
    const req = request({ selections: select('Resident.name', 'Household.address', 'Resident.id') });

    expect(given({ contracts: [...contracts].reverse() }).when(req)).toEqual(given({ contracts }).when(req));
  });

  it('serves the granted part and denies the rest: PARTIAL, naming only the denied fields', () => {
    const decision = given({ contracts: [contract()] }).when(
      request({ selections: select('Resident.name', 'Resident.idNumber', 'Household.address') }),
    );

    expect(coordinates(decision.allowed)).toEqual(['Resident.name']);
    expect(coordinates(decision.denied)).toEqual(['Resident.idNumber', 'Household.address']);
    expect(decision.outcome).toBe('PARTIAL');
    expect(decision.code).toBe('CONTRACT_REQUIRED');
    expect(decision.reason).toBe('no contract grants Resident.idNumber, Household.address');
  });

  it('decides a field selected at several paths once', () => {
    const decision = given({ contracts: [contract()] }).when(
      request({
        selections: [
          { type: 'Resident', field: 'name', path: 'a.name' },
          { type: 'Resident', field: 'name', path: 'b.name' },
        ],
      }),
    );

    expect(coordinates(decision.allowed)).toEqual(['Resident.name']);
  });

  it('denies a field of a bound type that its dataset does not list', () => {
    const decision = given({ contracts: [contract()] }).when(request({ selections: select('Resident.household') }));

    expect(decision.denied).toEqual([{ type: 'Resident', field: 'household', code: 'CONTRACT_REQUIRED', reason: 'no dataset binds Resident.household' }]);
  });

  it('denies every field of a domain type no dataset binds: fail closed', () => {
    const decision = given({ contracts: [contract()] }).when(request({ selections: select('Vehicle.plate', 'Vehicle.owner') }));

    expect(decision.denied).toEqual([
      { type: 'Vehicle', field: 'plate', code: 'CONTRACT_REQUIRED', reason: 'no dataset binds Vehicle.plate' },
      { type: 'Vehicle', field: 'owner', code: 'CONTRACT_REQUIRED', reason: 'no dataset binds Vehicle.owner' },
    ]);
    expect(decision.outcome).toBe('DENY');
  });

  it('leaves platform types to their subgraphs: allowed without contract or purpose', () => {
    const decision = given().when(request({ purpose: null, selections: select('SharingContract.status', 'Dataset.fields') }));

    expect(decision.allowed).toEqual([
      { type: 'SharingContract', field: 'status', reason: 'platform type', mask: 'NONE', contractId: null, contractVersion: null, datasetCode: null, consentRequired: false },
      { type: 'Dataset', field: 'fields', reason: 'platform type', mask: 'NONE', contractId: null, contractVersion: null, datasetCode: null, consentRequired: false },
    ]);
    expect(decision.outcome).toBe('ALLOW');
    expect(decision.contracts).toEqual([]);
  });

  it('a platform type next to a denied field makes the decision PARTIAL', () => {
    const decision = given().when(request({ selections: select('SharingContract.status', 'Resident.name') }));

    expect(decision.outcome).toBe('PARTIAL');
  });

  it.each([null, '', '   '])('without a purpose (%p) denies every bound field with PURPOSE_REQUIRED, even under a contract', (missing) => {
    const decision = given({ contracts: [contract()] }).when(
      request({ purpose: missing, selections: select('Resident.name', 'Resident.id', 'Vehicle.plate', 'SharingContract.status') }),
    );

    expect(decision.denied).toEqual([
      { type: 'Resident', field: 'name', code: 'PURPOSE_REQUIRED', reason: 'a declared purpose (X-Purpose) is required to read Resident.name' },
      { type: 'Resident', field: 'id', code: 'PURPOSE_REQUIRED', reason: 'a declared purpose (X-Purpose) is required to read Resident.id' },
      { type: 'Vehicle', field: 'plate', code: 'CONTRACT_REQUIRED', reason: 'no dataset binds Vehicle.plate' },
    ]);
    expect(decision.code).toBe('PURPOSE_REQUIRED');
    expect(decision.reason).toBe('a declared purpose (X-Purpose) is required to read Resident.name, Resident.id');
    expect(coordinates(decision.allowed)).toEqual(['SharingContract.status']);
  });

  it('refuses to decide at an instant that does not parse', () => {
    expect(() => given().when(request({ at: 'yesterday', selections: select('Resident.name') }))).toThrow(RangeError);
  });
});

describe('policy decision: key rule (id, __typename)', () => {
  it.each(['id', '__typename'])('%s of a bound type is denied without a contract for that type: no probing or enumerating subjects', (field) => {
    const decision = given({ contracts: [contract({ datasetCode: 'population.household', fields: ['address'] })] }).when(
      request({ selections: select(`Resident.${field}`) }),
    );

    expect(decision.denied).toEqual([
      {
        type: 'Resident',
        field,
        code: 'CONTRACT_REQUIRED',
        reason: `Resident.${field} identifies a row: it needs an ACTIVE contract of human-resources granting some field of Resident for purpose ${purpose} at ${at}`,
      },
    ]);
    expect(decision.outcome).toBe('DENY');
  });

  it.each<[string, Partial<ContractGrant>]>([
    ['another purpose', { purpose: 'HOUSING_ALLOWANCE' }],
    ['another department', { consumerDepartment: 'civil-affairs' }],
    ['a suspended contract', { status: 'SUSPENDED' }],
    ['a window not yet open', { validFrom: '2027-01-01T00:00:00.000Z' }],
  ])('a contract for the type under %s does not open its keys', (_case, overrides) => {
    const decision = given({ contracts: [contract(overrides)] }).when(request({ selections: select('Resident.id') }));

    expect(decision.denied).toMatchObject([{ type: 'Resident', field: 'id', code: 'CONTRACT_REQUIRED' }]);
  });

  it('with a contract granting another field of the type, id and __typename are served unmasked under it', () => {
    const decision = given({ contracts: [contract({ masking: [{ field: 'name', rule: 'HASH' }] })] }).when(
      request({ selections: select('Resident.id', 'Resident.__typename') }),
    );

    expect(decision.allowed).toEqual([
      { type: 'Resident', field: 'id', reason: 'entity key', mask: 'NONE', contractId: 'c-1', contractVersion: 4, datasetCode: 'population.resident', consentRequired: false },
      { type: 'Resident', field: '__typename', reason: 'entity key', mask: 'NONE', contractId: 'c-1', contractVersion: 4, datasetCode: 'population.resident', consentRequired: false },
    ]);
    expect(decision.contracts).toEqual([{ id: 'c-1', version: 4 }]);
    expect(decision.outcome).toBe('ALLOW');
  });

  it('a key rides on a contract the data fields already cite, else on one without a consent requirement', () => {
    const withConsent = contract({ id: 'c-1', fields: ['name'], consentRequired: true });
    const withoutConsent = contract({ id: 'c-2', fields: ['birthDate'], consentRequired: false });
    const { when } = given({ contracts: [withConsent, withoutConsent] });

    const alongsideName = when(request({ selections: select('Resident.id', 'Resident.name') }));
    expect(alongsideName.allowed).toMatchObject([
      { field: 'id', contractId: 'c-1', consentRequired: true },
      { field: 'name', contractId: 'c-1', consentRequired: true },
    ]);
    expect(alongsideName.contracts).toEqual([{ id: 'c-1', version: 4 }]);

    const alone = when(request({ selections: select('Resident.id') }));
    expect(alone.allowed).toMatchObject([{ field: 'id', contractId: 'c-2', consentRequired: false }]);
  });

  it('a dataset that lists id as data governs it like any other field', () => {
    const holderOnly = contract({ datasetCode: permits.code, fields: ['holder'], masking: [] });
    const decision = given({ contracts: [holderOnly] }).when(request({ selections: select('Permit.holder', 'Permit.id', 'Permit.__typename') }));

    expect(coordinates(decision.allowed)).toEqual(['Permit.holder', 'Permit.__typename']);
    expect(decision.denied).toMatchObject([{ type: 'Permit', field: 'id', reason: expect.stringContaining('grants Permit.id (dataset transport.permit)') }]);
  });

  it('keys of a domain type no dataset binds are denied like its other fields', () => {
    const decision = given({ contracts: [contract()] }).when(request({ selections: select('Vehicle.id', 'Vehicle.__typename') }));

    expect(decision.denied.map((d) => d.reason)).toEqual(['no dataset binds Vehicle.id', 'no dataset binds Vehicle.__typename']);
  });

  it('a key alone does not make a decision PARTIAL: keys serve no data of their own', () => {
    const decision = given({ contracts: [contract()] }).when(request({ selections: select('Resident.id', 'Resident.idNumber') }));

    expect(coordinates(decision.allowed)).toEqual(['Resident.id']);
    expect(decision.outcome).toBe('DENY');
  });
});

describe('policy decision: root fields', () => {
  it('a root field with fields beneath it is an entry point; what it returns is decided on those fields', () => {
    const decision = given({ contracts: [contract()] }).when(
      request({
        selections: [
          { type: 'Query', field: 'resident', path: 'resident' },
          { type: 'Resident', field: 'name', path: 'resident.name' },
          { type: 'Query', field: 'household', path: 'home' },
          { type: 'Household', field: 'address', path: 'home.address' },
        ],
      }),
    );

    expect(decision.allowed).toMatchObject([
      { type: 'Query', field: 'resident', reason: 'entry point', contractId: null },
      { type: 'Resident', field: 'name', reason: 'contract' },
      { type: 'Query', field: 'household', reason: 'entry point', contractId: null },
    ]);
    expect(coordinates(decision.denied)).toEqual(['Household.address']);
    expect(decision.outcome).toBe('PARTIAL');
  });

  it('entry points alone serve no data: with everything beneath denied the decision is DENY', () => {
    const decision = given().when(
      request({
        selections: [
          { type: 'Query', field: 'resident', path: 'resident' },
          { type: 'Resident', field: 'name', path: 'resident.name' },
        ],
      }),
    );

    expect(decision.outcome).toBe('DENY');
  });

  it('a root field that returns a value itself is denied unless it is a platform field', () => {
    const decision = given().when(
      request({
        platformFields: ['Query.consentReceiptPublicKey'],
        selections: [
          { type: 'Query', field: 'residentCount', path: 'residentCount' },
          { type: 'Query', field: 'consentReceiptPublicKey', path: 'consentReceiptPublicKey' },
          { type: 'Query', field: '__typename', path: '__typename' },
        ],
      }),
    );

    expect(decision.denied).toEqual([{ type: 'Query', field: 'residentCount', code: 'CONTRACT_REQUIRED', reason: 'no dataset binds Query.residentCount' }]);
    expect(decision.allowed).toMatchObject([
      { type: 'Query', field: 'consentReceiptPublicKey', reason: 'platform type' },
      { type: 'Query', field: '__typename', reason: 'meta field' },
    ]);
  });

  it('a root field without a path cannot be shown to be an entry point and is denied', () => {
    const decision = given({ contracts: [contract()] }).when(request({ selections: select('Query.resident', 'Resident.name') }));

    expect(coordinates(decision.denied)).toEqual(['Query.resident']);
  });
});

describe('policy decision: several datasets on one type', () => {
  const basics = { ...residents, code: 'population.resident-basic', fields: [{ name: 'name', classification: 'PUBLIC' as const }] };

  it('a contract for any dataset that binds the field grants it, and the grant names that dataset', () => {
    const decision = given({ datasets: [residents, basics], contracts: [contract({ id: 'c-9', datasetCode: basics.code, fields: ['name'], masking: [] })] }).when(
      request({ selections: select('Resident.name', 'Resident.birthDate') }),
    );

    expect(decision.allowed).toMatchObject([{ field: 'name', contractId: 'c-9', datasetCode: 'population.resident-basic' }]);
    expect(decision.denied).toMatchObject([
      { field: 'birthDate', reason: expect.stringContaining('grants Resident.birthDate (dataset population.resident)') },
    ]);
  });

  it('the denial of a field both bind names both datasets', () => {
    const decision = given({ datasets: [residents, basics] }).when(request({ selections: select('Resident.name') }));

    expect(decision.denied[0].reason).toContain('(dataset population.resident, population.resident-basic)');
  });
});

describe('policy decision: a department reading its own data', () => {
  const publicSecurity = { clientId: 'ps-registry', department: 'public-security', roles: ['STEWARD' as const] };

  it('the provider reads its dataset\'s fields and keys without a contract or a purpose, unmasked', () => {
    const decision = given().when(
      request({ caller: publicSecurity, purpose: null, selections: select('Resident.id', 'Resident.idNumber', 'Resident.name', 'Household.address') }),
    );
    expect(decision.outcome).toBe('ALLOW');
    expect(decision.allowed.map((a) => [`${a.type}.${a.field}`, a.reason, a.mask, a.contractId])).toEqual([
      ['Resident.id', 'own data', 'NONE', null],
      ['Resident.idNumber', 'own data', 'NONE', null],
      ['Resident.name', 'own data', 'NONE', null],
      ['Household.address', 'own data', 'NONE', null],
    ]);
    expect(decision.contracts).toEqual([]);
  });

  it('owning one dataset on a type does not open another department\'s fields of the same type', () => {
    const representation = {
      code: 'enterprise.legal-representation',
      graphqlType: 'Resident',
      sharingType: 'CONDITIONAL' as const,
      providerDepartment: 'market-regulation',
      fields: [{ name: 'enterprises', classification: 'PERSONAL' as const }],
    };
    const marketRegulation = { clientId: 'mr', department: 'market-regulation', roles: ['STEWARD' as const] };
    const decision = given({
      datasets: [residents, households, permits, representation],
      subgraphs: [...SUBGRAPHS, { name: 'enterprise', department: 'market-regulation', fields: ['Resident.id', 'Resident.enterprises'] }],
    }).when(request({ caller: marketRegulation, selections: select('Resident.enterprises', 'Resident.name') }));
    expect(coordinates(decision.allowed)).toEqual(['Resident.enterprises']);
    expect(decision.denied.map((d) => [`${d.type}.${d.field}`, d.code])).toEqual([['Resident.name', 'CONTRACT_REQUIRED']]);
    expect(decision.outcome).toBe('PARTIAL');
  });

  it('a dataset over fields its provider\'s subgraphs do not resolve binds nothing: another department\'s type cannot be claimed', () => {
    // Market regulation's steward catalogues population's fields as its own, classified PUBLIC.
    const claim = {
      code: 'market.claimed-residents',
      graphqlType: 'Resident',
      sharingType: 'UNCONDITIONAL' as const,
      providerDepartment: 'market-regulation',
      fields: (['idNumber', 'name', 'birthDate'] as const).map((name) => ({ name, classification: 'PUBLIC' as const })),
    };
    const marketRegulation = { clientId: 'mr', department: 'market-regulation', roles: ['STEWARD' as const] };
    const { index, when } = given({
      datasets: [residents, households, permits, claim],
      subgraphs: [...SUBGRAPHS, { name: 'enterprise', department: 'market-regulation', fields: ['Resident.id', 'Resident.enterprises'] }],
    });
    const decision = when(request({ caller: marketRegulation, purpose: null, selections: select('Resident.idNumber', 'Resident.name') }));

    expect(decision.allowed).toEqual([]);
    expect(decision.outcome).toBe('DENY');
    expect(decision.code).toBe('PURPOSE_REQUIRED');
    expect(index.unownedBindings.map((b) => b.field)).toEqual(['Resident.idNumber', 'Resident.name', 'Resident.birthDate']);
    expect(index.types.get('Resident')?.datasetCodes).not.toContain('market.claimed-residents');
  });
});

describe('policy decision: sensitive personal information (PIPL art. 13, 28–29)', () => {
  const idNumberContract = (overrides: Partial<ContractGrant> = {}) => contract({ fields: ['idNumber', 'name'], masking: [], ...overrides });

  it('a SENSITIVE_PERSONAL field is not granted by a contract without consent or a statutory basis, and the denial says why', () => {
    const decision = given({ contracts: [idNumberContract()] }).when(request({ selections: select('Resident.idNumber', 'Resident.name') }));

    expect(coordinates(decision.allowed)).toEqual(['Resident.name']);
    expect(decision.denied).toMatchObject([{ type: 'Resident', field: 'idNumber', code: 'CONTRACT_REQUIRED' }]);
    expect(decision.denied[0].reason).toMatch(/sensitive personal information.*consent.*statutory basis.*PIPL art\. 13 and 28–29/);
  });

  it.each<[string, Partial<ContractGrant>]>([
    ['requires the subject\'s consent', { consentRequired: true }],
    ['had a statutory basis found at compliance review', { statutoryBasis: true }],
  ])('a contract that %s grants it', (_case, overrides) => {
    const decision = given({ contracts: [idNumberContract(overrides)] }).when(request({ selections: select('Resident.idNumber') }));

    expect(decision.allowed).toMatchObject([{ field: 'idNumber', reason: 'contract', contractId: 'c-1' }]);
  });
});

describe('policy decision: masks that other grants undo', () => {
  it('an ID number under MASK is withheld from a department that reads the birth date in clear, even under another purpose', () => {
    const masked = contract({ id: 'c-1', fields: ['idNumber', 'name'], masking: [{ field: 'idNumber', rule: 'MASK' }], statutoryBasis: true });
    const birthDates = contract({ id: 'c-2', purpose: 'ELDERLY_ALLOWANCE', fields: ['birthDate'], masking: [], consentRequired: true });
    const decision = given({ contracts: [masked, birthDates] }).when(request({ selections: select('Resident.idNumber', 'Resident.name') }));

    expect(coordinates(decision.allowed)).toEqual(['Resident.name']);
    expect(decision.denied).toMatchObject([{ type: 'Resident', field: 'idNumber', code: 'CONTRACT_REQUIRED' }]);
    expect(decision.denied[0].reason).toMatch(/Resident\.birthDate in clear.*rebuilds it/);
  });

  it('without the birth date, or with a contract no longer in force, the masked ID number is served', () => {
    const masked = contract({ id: 'c-1', fields: ['idNumber'], masking: [{ field: 'idNumber', rule: 'MASK' }], statutoryBasis: true });
    const ended = contract({ id: 'c-2', fields: ['birthDate'], masking: [], validTo: '2026-12-01T00:00:00.000Z' });
    const decision = given({ contracts: [masked, ended] }).when(request({ selections: select('Resident.idNumber') }));

    expect(decision.allowed).toMatchObject([{ field: 'idNumber', mask: 'MASK' }]);
  });
});

describe('policy decision: technical fields reveal the key', () => {
  const withStreamId: typeof residents = { ...residents, fields: [...residents.fields, { name: 'id', classification: 'INTERNAL' }, { name: 'streamId', classification: 'INTERNAL' }] };
  const registry = [{ name: 'population', department: 'public-security', fields: withStreamId.fields.map((f) => `Resident.${f.name}`) }];

  it('streamId is denied when the key it is made of is not granted', () => {
    const decision = given({ datasets: [withStreamId], subgraphs: registry, contracts: [contract({ fields: ['name', 'streamId'], masking: [] })] }).when(
      request({ selections: select('Resident.streamId', 'Resident.name') }),
    );

    expect(coordinates(decision.allowed)).toEqual(['Resident.name']);
    expect(decision.denied).toMatchObject([{ field: 'streamId', code: 'CONTRACT_REQUIRED' }]);
    expect(decision.denied[0].reason).toMatch(/reveals the row's key Resident\.id/);
  });

  it('streamId is masked at least as the key is', () => {
    const decision = given({
      datasets: [withStreamId],
      subgraphs: registry,
      contracts: [contract({ fields: ['id', 'streamId'], masking: [{ field: 'id', rule: 'HASH' }] })],
    }).when(request({ selections: select('Resident.streamId', 'Resident.id') }));

    expect(decision.allowed).toMatchObject([{ field: 'streamId', mask: 'HASH' }, { field: 'id', mask: 'HASH' }]);
  });
});

describe('policy decision: lookups read the field they compare', () => {
  const byIdNumber = { via: 'Query.residentByIdNumber(idNumber)', reads: { type: 'Resident', field: 'idNumber' }, owner: 'public-security' };

  it('a lookup by a field the caller may not read is denied, naming the argument', () => {
    const decision = given({ contracts: [contract()] }).when(request({ selections: select('Resident.name'), lookups: [byIdNumber] }));

    expect(decision.denied).toMatchObject([{ type: 'Resident', field: 'idNumber', code: 'CONTRACT_REQUIRED', via: 'Query.residentByIdNumber(idNumber)' }]);
    expect(decision.reason).toBe('no contract grants Query.residentByIdNumber(idNumber)');
  });

  it('a lookup granted by a contract of the answering department is allowed and cites it; without a purpose it is refused first', () => {
    const grants = contract({ fields: ['idNumber', 'name'], masking: [{ field: 'idNumber', rule: 'MASK' }], statutoryBasis: true });
    const decision = given({ contracts: [grants] }).when(request({ selections: select('Resident.name'), lookups: [byIdNumber] }));
    expect(decision.lookups).toEqual([{ via: byIdNumber.via, field: 'Resident.idNumber', contractId: 'c-1', consentRequired: false }]);
    expect(decision.contracts).toEqual([{ id: 'c-1', version: 4 }]);

    const withoutPurpose = given({ contracts: [grants] }).when(request({ purpose: null, selections: select('Resident.name'), lookups: [byIdNumber] }));
    expect(withoutPurpose.code).toBe('PURPOSE_REQUIRED');
  });

  it('the answering department looks its own rows up; a grant from another department does not open them', () => {
    const own = given().when(request({ caller: { clientId: 'ps', department: 'public-security', roles: [] }, selections: [], lookups: [byIdNumber] }));
    expect(own.lookups).toMatchObject([{ contractId: null }]);

    const elsewhere = given({ contracts: [contract({ fields: ['idNumber'], masking: [], statutoryBasis: true })] }).when(
      request({ selections: [], lookups: [{ ...byIdNumber, owner: 'market-regulation' }] }),
    );
    expect(elsewhere.denied).toMatchObject([{ via: byIdNumber.via, code: 'CONTRACT_REQUIRED' }]);
  });

  it('an argument that declares nothing it reads is refused, as is one no registered department answers', () => {
    const decision = given({ contracts: [contract()] }).when(
      request({
        selections: select('Resident.name'),
        lookups: [
          { via: 'Query.residents(nickname)', reads: null, owner: 'public-security' },
          { via: 'Query.permit(number)', reads: { type: 'Permit', field: 'id' }, owner: null },
        ],
      }),
    );
    expect(decision.denied.map((d) => d.via)).toEqual(['Query.residents(nickname)', 'Query.permit(number)']);
    expect(decision.denied[0].reason).toMatch(/declares no field it reads/);
  });
});
