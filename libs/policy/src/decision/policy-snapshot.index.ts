import type { MaskRule } from '@shuzhi/governance-events';
import type { ConsentGrant, ContractGrant, DatasetBinding, PolicySnapshot } from '../policy-snapshot.projection.js';
import { SubjectConsents } from './subject-consents.index.js';

/** An ACTIVE contract as a decision reads it: window as instants, fields and masks as lookups. */
export interface IndexedContract {
  readonly id: string;
  readonly version: number;
  readonly datasetCode: string;
  readonly purpose: string;
  /** Epoch milliseconds; a window that does not parse is NaN and so never contains any instant. */
  readonly validFrom: number;
  readonly validTo: number;
  readonly fields: ReadonlySet<string>;
  /** Only the fields the contract names a rule for; any other granted field is served as is. */
  readonly masks: ReadonlyMap<string, MaskRule>;
  readonly consentRequired: boolean;
}

/** An ACTIVE consent as the consent phase reads it. */
export interface IndexedConsent {
  readonly id: string;
  readonly consumerDepartment: string;
  readonly purpose: string;
  readonly datasetCode: string;
  readonly fields: ReadonlySet<string>;
  /** Epoch milliseconds; NaN (unparseable) never lies in the future. */
  readonly expiresAt: number;
}

/** What the catalog binds on one GraphQL type: for each bound field, the datasets that bind it. */
export interface TypeBinding {
  readonly datasetCodes: readonly string[];
  readonly datasetsOfField: ReadonlyMap<string, readonly string[]>;
}

/**
 * The policy snapshot arranged for the questions a decision asks on every request: built once
 * per snapshot change, read by any number of decisions. Only ACTIVE contracts and consents are
 * kept, since no other status grants anything; each list is ordered by id so that ties between
 * grants resolve the same way on every replay, whatever order the snapshot came in.
 */
export interface PolicyIndex {
  /** GraphQL type → what the catalog binds on it. */
  readonly types: ReadonlyMap<string, TypeBinding>;
  /** Dataset code → its provider department: a department reads its own data without a contract. */
  readonly providers: ReadonlyMap<string, string>;
  /** `contractKey(department, datasetCode)` → that department's ACTIVE contracts for the dataset. */
  readonly contracts: ReadonlyMap<string, readonly IndexedContract[]>;
  /**
   * Subject id → that subject's ACTIVE consents, ordered by id. Keyed by the id alone, not by a
   * joined key: the consent phase looks up every row, and the id string of a row carries its
   * hash already, where a joined key would be built and hashed anew each time. A subject has
   * few consents.
   */
  readonly consents: SubjectConsents;
}

// NUL cannot occur in department codes or dataset codes, so the joined key is unambiguous.
const SEPARATOR = '\u0000';

export const contractKey = (department: string, datasetCode: string): string => department + SEPARATOR + datasetCode;

export const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

const push = <T>(map: Map<string, T[]>, key: string, value: T) => {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
};

/** What the catalog binds: the index's `types` and `providers`. */
export const indexDatasets = (datasets: readonly DatasetBinding[]): Pick<PolicyIndex, 'types' | 'providers'> => {
  const datasetsByType = new Map<string, Map<string, string[]>>();
  const codesByType = new Map<string, string[]>();
  for (const binding of datasets) {
    push(codesByType, binding.graphqlType, binding.code);
    let fields = datasetsByType.get(binding.graphqlType);
    if (!fields) datasetsByType.set(binding.graphqlType, (fields = new Map()));
    for (const { name } of binding.fields) push(fields, name, binding.code);
  }
  const providers = new Map(datasets.map((binding) => [binding.code, binding.providerDepartment]));
  const types = new Map<string, TypeBinding>();
  for (const [type, datasetCodes] of codesByType) {
    types.set(type, { datasetCodes, datasetsOfField: datasetsByType.get(type)! });
  }
  return { types, providers };
};

/** The index's `contracts`: the ACTIVE ones, by consumer department and dataset. */
export const indexContracts = (grants: Iterable<ContractGrant>): PolicyIndex['contracts'] => {
  const contracts = new Map<string, IndexedContract[]>();
  for (const grant of grants) {
    if (grant.status !== 'ACTIVE') continue;
    push(contracts, contractKey(grant.consumerDepartment, grant.datasetCode), {
      id: grant.id,
      version: grant.version,
      datasetCode: grant.datasetCode,
      purpose: grant.purpose,
      validFrom: Date.parse(grant.validFrom),
      validTo: Date.parse(grant.validTo),
      fields: new Set(grant.fields),
      masks: new Map(grant.masking.map(({ field, rule }) => [field, rule])),
      consentRequired: grant.consentRequired,
    });
  }
  for (const list of contracts.values()) list.sort(byId);
  return contracts;
};

/** An ACTIVE consent as the index holds it. */
export const indexConsent = (grant: ConsentGrant): IndexedConsent => ({
  id: grant.id,
  consumerDepartment: grant.consumerDepartment,
  purpose: grant.purpose,
  datasetCode: grant.datasetCode,
  fields: new Set(grant.fields),
  expiresAt: Date.parse(grant.expiresAt),
});

export const indexSnapshot = (snapshot: PolicySnapshot): PolicyIndex => {
  const consents = new Map<string, IndexedConsent[]>();
  for (const grant of snapshot.consents) {
    if (grant.status === 'ACTIVE') push(consents, grant.subjectId, indexConsent(grant));
  }
  for (const list of consents.values()) list.sort(byId);
  return { ...indexDatasets(snapshot.datasets), contracts: indexContracts(snapshot.contracts), consents: SubjectConsents.of(consents) };
};
