import { Forbidden, IncompatibleSchema, InvalidTransition, NotFound, ValidationFailed, type CommandActor } from '@shuzhi/shared-kernel';
import type { DatasetEvent, DatasetField, DatasetMetadata } from '@shuzhi/governance-events';
import { deciderSpecification } from '@shuzhi/testing';
import { datasetDecider, type DatasetCommand, type FieldGrant } from './dataset.decider.js';

const now = '2026-11-27T02:00:00.000Z';
const steward: CommandActor = { clientId: 'ps', department: 'public-security', roles: ['STEWARD'] };
const otherSteward: CommandActor = { clientId: 'mr', department: 'market-regulation', roles: ['STEWARD'] };
const platform: CommandActor = { clientId: 'bureau', department: 'data-bureau', roles: ['PLATFORM'] };

const v1 = {
  type: 'object',
  additionalProperties: false,
  properties: { idNumber: { type: 'string' }, name: { type: 'string' }, birthDate: { type: 'string', format: 'date' } },
  required: ['idNumber'],
};
/** The registry: population's subgraph (public security's) resolves the resident's fields. */
const ownedFields = new Map([
  ['public-security', new Set(['Resident.idNumber', 'Resident.name', 'Resident.birthDate', 'Resident.gender', 'Resident.nationality'])],
  ['market-regulation', new Set(['Resident.id', 'Resident.enterprises'])],
]);
type Publish = Extract<DatasetCommand, { type: 'PublishDataset' }>;
const publish = (overrides: Partial<Publish> = {}, input: Partial<Publish['input']> = {}): Publish => ({
  type: 'PublishDataset',
  actor: steward,
  now,
  providerRegistered: true,
  ownedFields,
  input: {
    code: 'population.resident',
    name: '人口基础信息',
    summary: null,
    sharingType: 'CONDITIONAL',
    updateCycle: 'DAILY',
    graphqlType: 'Resident',
    fields: [
      { name: 'idNumber', classification: 'SENSITIVE_PERSONAL' },
      { name: 'name', classification: 'PERSONAL' },
      { name: 'birthDate', classification: 'PERSONAL' },
    ],
    schema: v1,
    ...input,
  },
  ...overrides,
});
const register = (schema: unknown, grants: FieldGrant[] = [], fields: Extract<DatasetCommand, { type: 'RegisterSchemaVersion' }>['fields'] = []): DatasetCommand => ({
  type: 'RegisterSchemaVersion',
  actor: steward,
  now,
  schema,
  fields,
  grants,
  ownedFields,
});
const by = { clientId: 'ps', department: 'public-security', role: 'STEWARD' } as const;
const v1Fields: DatasetField[] = [
  { name: 'idNumber', classification: 'SENSITIVE_PERSONAL' },
  { name: 'name', classification: 'PERSONAL' },
  { name: 'birthDate', classification: 'PERSONAL' },
];
type SchemaVersion = Extract<DatasetEvent, { type: 'SchemaVersionRegistered' }>['data'];
/** What publish() decides: the catalog entry and its first schema version. */
const datasetPublished = (compatibility: DatasetMetadata['compatibility'] = 'BACKWARD', schema: object = v1, fields = v1Fields): DatasetEvent[] => [
  {
    type: 'DatasetPublished',
    data: {
      code: 'population.resident',
      name: '人口基础信息',
      providerDepartment: 'public-security',
      summary: null,
      sharingType: 'CONDITIONAL',
      updateCycle: 'DAILY',
      graphqlType: 'Resident',
      compatibility,
      by,
      at: now,
    },
  },
  { type: 'SchemaVersionRegistered', data: { datasetCode: 'population.resident', version: 1, schema: schema as SchemaVersion['schema'], fields, by, at: now } },
];
const { given } = deciderSpecification(datasetDecider);

describe('dataset decider', () => {
  it('publishes the catalog entry with its first schema version, BACKWARD by default', () => {
    const events = given([]).when(publish()).events();
    expect(events.map((e) => e.type)).toEqual(['DatasetPublished', 'SchemaVersionRegistered']);
    expect(events[0].data).toMatchObject({ code: 'population.resident', providerDepartment: 'public-security', compatibility: 'BACKWARD' });
    expect(events[1].data).toMatchObject({ version: 1, fields: expect.arrayContaining([{ name: 'idNumber', classification: 'SENSITIVE_PERSONAL' }]) });
  });

  it.each([
    ['a steward of another department', publish({ actor: otherSteward }, { providerDepartment: 'public-security' }), Forbidden],
    ['an unknown provider', publish({ providerRegistered: false }), NotFound],
    ['a malformed code', publish({}, { code: 'Population' }), ValidationFailed],
    ['an invalid JSON Schema', publish({}, { schema: { type: 'objekt' } }), ValidationFailed],
    ['a field without classification', publish({}, { fields: [{ name: 'idNumber', classification: 'PUBLIC' }] }), ValidationFailed],
    ['a classified field not in the schema', publish({}, { fields: [...publish().input.fields, { name: 'income', classification: 'SENSITIVE' }] }), ValidationFailed],
    ['a bad GraphQL type name', publish({}, { graphqlType: 'resident-type' }), ValidationFailed],
  ])('refuses publishing by or with %s', (_, command, error) => {
    expect(() => given([]).when(command).events()).toThrow(error);
  });

  it('the platform may publish for a department; a published code is taken', () => {
    expect(given([]).when(publish({ actor: platform }, { providerDepartment: 'public-security' })).events()).toHaveLength(2);
    given(datasetPublished()).when(publish()).thenThrows(InvalidTransition);
  });

  it('registers a compatible version: a new optional, classified field on a closed record', () => {
    const v2 = { ...v1, properties: { ...v1.properties, nationality: { type: 'string' } } };
    const [event] = given(datasetPublished()).when(register(v2, [], [{ name: 'nationality', classification: 'PERSONAL' }])).events();
    expect(event).toMatchObject({ type: 'SchemaVersionRegistered', data: { version: 2 } });
    expect(() => given(datasetPublished()).when(register(v2)).events()).toThrow(/missing for nationality/);
  });

  it('refuses an incompatible version, naming the violation', () => {
    const v2 = { ...v1, required: ['idNumber', 'name'] };
    given(datasetPublished()).when(register(v2)).thenThrows(IncompatibleSchema);
  });

  it('refuses removing or retyping a granted field even under NONE, naming the grants', () => {
    const open = datasetPublished('NONE');
    const v2 = { ...v1, properties: { idNumber: { type: 'string' }, name: { type: 'string' }, birthDate: { type: 'integer' } } };
    const grants: FieldGrant[] = [
      { kind: 'contract', id: 'c-1', fields: ['birthDate'] },
      { kind: 'consent', id: 'k-1', fields: ['birthDate', 'name'] },
      { kind: 'contract', id: 'c-2', fields: ['name'] },
    ];
    expect(given(open).when(register(v2, grants)).thenThrows(IncompatibleSchema).details).toMatchObject({ contractIds: ['c-1'], consentIds: ['k-1'], fields: ['Resident.birthDate'] });
    expect(given(open).when(register(v2, [{ kind: 'contract', id: 'c-2', fields: ['name'] }])).events()).toHaveLength(1);
  });

  it('only the provider\'s steward or the platform registers versions; unknown datasets are NOT_FOUND', () => {
    given(datasetPublished()).when({ ...register(v1), actor: otherSteward } as DatasetCommand).thenThrows(Forbidden);
    given([]).when(register(v1)).thenThrows(NotFound);
  });

  it('refuses with FORBIDDEN a dataset over fields no subgraph of its provider resolves: another department\'s type is not claimed', () => {
    // Market regulation's steward catalogues population's resident fields as its own, PUBLIC.
    const claim = publish(
      { actor: otherSteward },
      { code: 'market.residents', fields: ['idNumber', 'name', 'birthDate'].map((name) => ({ name, classification: 'PUBLIC' as const })) },
    );
    given([]).when(claim).thenThrows(Forbidden);
    expect(() => given([]).when(claim).events()).toThrow(/Resident.idNumber, Resident.name, Resident.birthDate are resolved by no subgraph of market-regulation/);
  });

  it('refuses a schema version whose new fields its provider\'s subgraphs do not resolve; fields of earlier versions stay bound', () => {
    const published = given(datasetPublished());
    const v2 = { ...v1, properties: { ...v1.properties, criminalRecord: { type: 'string' } } };
    expect(() => published.when(register(v2, [], [{ name: 'criminalRecord', classification: 'SENSITIVE_PERSONAL' }])).events()).toThrow(/Resident.criminalRecord is resolved by no subgraph of public-security/);
    const withGender = { ...v1, properties: { ...v1.properties, gender: { type: 'string' } } };
    expect(published.when(register(withGender, [], [{ name: 'gender', classification: 'PERSONAL', format: 'SEX' }])).events()[0].data).toMatchObject({
      fields: expect.arrayContaining([{ name: 'gender', classification: 'PERSONAL', format: 'SEX' }]),
    });
  });

  it('refuses a field format it does not know', () => {
    expect(() => given([]).when(publish({}, { fields: [{ name: 'idNumber', classification: 'SENSITIVE_PERSONAL', format: 'PASSPORT' as never }, { name: 'name', classification: 'PERSONAL' }, { name: 'birthDate', classification: 'PERSONAL' }] })).events()).toThrow(/unknown format PASSPORT/);
  });

  describe('given values beyond the input bounds', () => {
    const fieldsOf = (names: string[]) => names.map((name) => ({ name, classification: 'PERSONAL' as const }));
    it.each([
      ['a name of 201 characters', publish({}, { name: '人'.repeat(201) }), 'name must be at most 200 characters'],
      ['a name of two lines', publish({}, { name: '人口\n基础信息' }), 'name must be one line without control characters'],
      ['a summary of 4 001 characters', publish({}, { summary: '摘'.repeat(4001) }), 'summary must be at most 4000 characters'],
      ['a graphqlType of 129 characters', publish({}, { graphqlType: `R${'e'.repeat(128)}` }), 'graphqlType must be at most 128 characters'],
      ['501 classified fields', publish({}, { fields: fieldsOf(Array.from({ length: 501 }, (_, i) => `f${i}`)) }), 'fields must list at most 500 items; this one lists 501'],
      ['a field name with a newline', publish({}, { fields: fieldsOf(['idNumber', 'name\nbirthDate']) }), 'fields must be letters, digits and _ . : -, starting with a letter or digit'],
      ['a schema over 256 KiB', publish({}, { schema: { ...v1, properties: { ...v1.properties, code: { type: 'string', enum: Array.from({ length: 40_000 }, (_, i) => `c${i}`) } } } }), /a dataset schema is at most 262144 bytes of JSON/],
      ['a pattern with a lookahead', publish({}, { schema: { ...v1, properties: { ...v1.properties, name: { type: 'string', pattern: '^(?=.*[a-z])' } } } }), '/properties/name/pattern: "^(?=.*[a-z])" uses lookaround'],
    ])('refuses to publish %s, deciding nothing', (_, command, message) => {
      given([]).when(command).thenThrows(ValidationFailed);
      expect(() => given([]).when(command).events()).toThrow(message);
    });

    it('refuses a schema version with a field list over the limit, and decides nothing', () => {
      const published = given(datasetPublished());
      expect(() => published.when(register(v1, [], fieldsOf(Array.from({ length: 501 }, () => 'name')))).events()).toThrow('fields must list at most 500 items; this one lists 501');
    });

    it('decides a version adding a nested name of 29 "a"s and a "!" beside ^(a+)+$ at once: the pattern runs on RE2', () => {
      // The attack that held governance's event loop for 10 s; the name is not matched, so the
      // typed property lands in an open content model, which BACKWARD refuses.
      const withPatterns = (household: object) => ({ ...v1, properties: { ...v1.properties, household } });
      const before = withPatterns({ type: 'object', patternProperties: { '^(a+)+$': { type: 'string' } } });
      const after = withPatterns({ type: 'object', patternProperties: { '^(a+)+$': { type: 'string' } }, properties: { [`${'a'.repeat(29)}!`]: { type: 'string' } } });
      const published = given(datasetPublished('BACKWARD', before, [...v1Fields, { name: 'household', classification: 'PERSONAL' }]));
      const started = performance.now();
      published.when(register(after)).thenThrows(IncompatibleSchema);
      expect(() => published.when(register(after)).events()).toThrow(`/properties/household/properties/${'a'.repeat(29)}!: property "${'a'.repeat(29)}!" was added`);
      expect(performance.now() - started).toBeLessThan(2000);
    });
  });
});
