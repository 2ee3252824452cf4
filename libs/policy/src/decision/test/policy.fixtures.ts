import type { ConsentGrant, ContractGrant, DatasetBinding, PolicySnapshot, SubgraphOwnership } from '../../policy-snapshot.projection.js';
import { decideAccess, type FieldSelection, type PolicyCaller, type PolicyRequest } from '../access.decision.js';
import { decideSubjects } from '../consent.decision.js';
import { indexSnapshot } from '../policy-snapshot.index.js';

export const at = '2026-12-10T02:00:00.000Z';
export const purpose = 'SUBSIDY_ELIGIBILITY';
export const hr: PolicyCaller = { clientId: 'hr-subsidy-system', department: 'human-resources', roles: ['CONSUMER'] };

export const residents: DatasetBinding = {
  code: 'population.resident',
  graphqlType: 'Resident',
  sharingType: 'CONDITIONAL',
  providerDepartment: 'public-security',
  fields: [
    { name: 'idNumber', classification: 'SENSITIVE_PERSONAL', format: 'ID_NUMBER' },
    { name: 'name', classification: 'PERSONAL' },
    { name: 'gender', classification: 'PERSONAL', format: 'SEX' },
    { name: 'birthDate', classification: 'PERSONAL', format: 'BIRTH_DATE' },
  ],
};
export const households: DatasetBinding = {
  code: 'population.household',
  graphqlType: 'Household',
  sharingType: 'CONDITIONAL',
  providerDepartment: 'public-security',
  fields: [{ name: 'address', classification: 'PERSONAL' }],
};
/** A dataset whose steward classified the key itself as data. */
export const permits: DatasetBinding = {
  code: 'transport.permit',
  graphqlType: 'Permit',
  sharingType: 'CONDITIONAL',
  providerDepartment: 'transport',
  fields: [
    { name: 'id', classification: 'PERSONAL' },
    { name: 'holder', classification: 'PERSONAL' },
  ],
};

export const contract = (overrides: Partial<ContractGrant> = {}): ContractGrant => ({
  id: 'c-1',
  version: 4,
  status: 'ACTIVE',
  datasetCode: 'population.resident',
  consumerDepartment: 'human-resources',
  providerDepartment: 'public-security',
  fields: ['name', 'birthDate'],
  purpose,
  validFrom: '2026-11-30T16:00:00.000Z',
  validTo: '2027-11-30T16:00:00.000Z',
  dailyQuota: 1000,
  masking: [{ field: 'name', rule: 'MASK' }],
  consentRequired: false,
  statutoryBasis: false,
  ...overrides,
});

export const consent = (overrides: Partial<ConsentGrant> = {}): ConsentGrant => ({
  id: 'k-1',
  version: 1,
  status: 'ACTIVE',
  subjectId: 'r-1',
  consumerDepartment: 'human-resources',
  purpose,
  datasetCode: 'population.resident',
  fields: ['name', 'birthDate'],
  expiresAt: '2027-06-01T00:00:00.000Z',
  ...overrides,
});

/** `select('Resident.name', 'Resident.id')`: selections by coordinate, without paths. */
export const select = (...coordinates: string[]): FieldSelection[] =>
  coordinates.map((coordinate) => {
    const [type, field] = coordinate.split('.');
    return { type, field };
  });

export const request = (overrides: Partial<PolicyRequest> = {}): PolicyRequest => ({
  caller: hr,
  purpose,
  at,
  platformTypes: ['SharingContract', 'Consent', 'Dataset', 'Department', 'AccessRecord'],
  selections: [],
  ...overrides,
});

/** A subgraph of `department` resolving every field (and the key) of these datasets. */
export const subgraphOf = (name: string, department: string, ...datasets: DatasetBinding[]): SubgraphOwnership => ({
  name,
  department,
  fields: datasets.flatMap((d) => [`${d.graphqlType}.id`, ...d.fields.map((f) => `${d.graphqlType}.${f.name}`)]),
});

/** The registry behind the fixtures' catalog: each provider's subgraph resolves its datasets' fields. */
export const SUBGRAPHS: SubgraphOwnership[] = [
  subgraphOf('population', 'public-security', residents, households),
  subgraphOf('transport', 'transport', permits),
];

/** given: the snapshot (the catalog and its registry are always there); when: a request; then: the decision(s). */
export const given = (snapshot: Partial<PolicySnapshot> = {}) => {
  const index = indexSnapshot({ contracts: [], consents: [], datasets: [residents, households, permits], subgraphs: SUBGRAPHS, purposes: [purpose], ...snapshot });
  return {
    index,
    when: (req: PolicyRequest) => decideAccess(req, index),
    whenSubjects: (req: PolicyRequest) => decideSubjects(decideAccess(req, index), req, index),
  };
};

export const coordinates = (fields: ReadonlyArray<{ type: string; field: string }>) => fields.map((f) => `${f.type}.${f.field}`);
