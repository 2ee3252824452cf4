import type { Classification, FieldFormat, MaskRule } from '@shuzhi/governance-events';
import type { ConsentGrant, ContractGrant, DatasetBinding, PolicySnapshot, SubgraphOwnership } from '../policy-snapshot.projection.js';

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
  /** Found at compliance review: the law lets its sensitive personal fields be shared without consent. */
  readonly statutoryBasis: boolean;
  /** The division it serves rows of; null: every row. */
  readonly divisionScope: string | null;
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
  /**
   * Epoch milliseconds: data made before it (a change a feed serves from an old cursor) is history
   * this consent does not cover. 0 when the grant's time is not known.
   */
  readonly grantedAt: number;
}

/** What the catalog binds on one GraphQL type: for each bound field, the datasets that bind it. */
export interface TypeBinding {
  readonly datasetCodes: readonly string[];
  readonly datasetsOfField: ReadonlyMap<string, readonly string[]>;
}

/** A field as the catalog describes it. */
export interface CataloguedField {
  readonly classification: Classification;
  readonly format?: FieldFormat;
}

/** A dataset's binding of a field that no subgraph of its provider resolves: ignored by every decision. */
export interface UnownedBinding {
  readonly datasetCode: string;
  readonly providerDepartment: string;
  /** `Type.field` */
  readonly field: string;
}

/** A subgraph of the registry as decisions read it. */
export interface IndexedSubgraph {
  readonly department: string;
  readonly fields: ReadonlySet<string>;
}

/**
 * The policy snapshot arranged for the questions a decision asks on every request: built once
 * per snapshot change, read by any number of decisions. Only ACTIVE contracts and consents are
 * kept, since no other status grants anything; each list is ordered by id so that ties between
 * grants resolve the same way on every replay, whatever order the snapshot came in.
 */
export interface PolicyIndex {
  /**
   * GraphQL type → what the catalog binds on it, of fields the provider owns: a dataset binds a
   * field only when a subgraph of its provider's resolves it (the registry says which), so a
   * department cannot claim another's type by publishing a dataset over it.
   */
  readonly types: ReadonlyMap<string, TypeBinding>;
  /** Dataset code → its provider department: a department reads its own data without a contract. */
  readonly providers: ReadonlyMap<string, string>;
  /** Dataset code → its catalogued fields (classification, format), owned or not. */
  readonly datasetFields: ReadonlyMap<string, ReadonlyMap<string, CataloguedField>>;
  /** Bindings of fields their provider does not own, left out of `types`; reported where the index is held. */
  readonly unownedBindings: readonly UnownedBinding[];
  /** The subgraph registry: name → the department that owns it and the fields it resolves. */
  readonly subgraphs: ReadonlyMap<string, IndexedSubgraph>;
  /** Registered purpose codes: any other `X-Purpose` is refused before it is stored. */
  readonly purposes: ReadonlySet<string>;
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

/** The registry as decisions read it. */
export const indexSubgraphs = (subgraphs: readonly SubgraphOwnership[]): PolicyIndex['subgraphs'] =>
  new Map(subgraphs.map((s) => [s.name, { department: s.department, fields: new Set(s.fields) }]));

type CatalogIndex = Pick<PolicyIndex, 'types' | 'providers' | 'datasetFields' | 'unownedBindings'>;

/**
 * What the catalog binds, as far as the registry backs it: the index's `types`, `providers`,
 * `datasetFields` and `unownedBindings`. A field is bound only where a subgraph owned by the
 * dataset's provider resolves it; a dataset none of whose fields is owned binds nothing, not even
 * its type's keys.
 */
export const indexDatasets = (datasets: readonly DatasetBinding[], subgraphs: PolicyIndex['subgraphs']): CatalogIndex => {
  const owned = new Map<string, Set<string>>();
  for (const { department, fields } of subgraphs.values()) {
    let set = owned.get(department);
    if (!set) owned.set(department, (set = new Set()));
    for (const field of fields) set.add(field);
  }
  const datasetsByType = new Map<string, Map<string, string[]>>();
  const codesByType = new Map<string, string[]>();
  const unownedBindings: UnownedBinding[] = [];
  for (const binding of datasets) {
    const ownedByProvider = owned.get(binding.providerDepartment);
    const fields = binding.fields.filter(({ name }) => {
      const field = `${binding.graphqlType}.${name}`;
      if (ownedByProvider?.has(field)) return true;
      unownedBindings.push({ datasetCode: binding.code, providerDepartment: binding.providerDepartment, field });
      return false;
    });
    if (fields.length === 0) continue;
    push(codesByType, binding.graphqlType, binding.code);
    let byField = datasetsByType.get(binding.graphqlType);
    if (!byField) datasetsByType.set(binding.graphqlType, (byField = new Map()));
    for (const { name } of fields) push(byField, name, binding.code);
  }
  const providers = new Map(datasets.map((binding) => [binding.code, binding.providerDepartment]));
  const datasetFields = new Map(
    datasets.map((binding) => [
      binding.code,
      new Map(binding.fields.map(({ name, classification, format }) => [name, format ? { classification, format } : { classification }])),
    ]),
  );
  const types = new Map<string, TypeBinding>();
  for (const [type, datasetCodes] of codesByType) {
    types.set(type, { datasetCodes, datasetsOfField: datasetsByType.get(type)! });
  }
  return { types, providers, datasetFields, unownedBindings };
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
      statutoryBasis: grant.statutoryBasis,
      divisionScope: grant.divisionScope ?? null,
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
  fields: fieldSetOf(grant.fields),
  expiresAt: Date.parse(grant.expiresAt),
  grantedAt: grant.grantedAt === undefined ? 0 : Date.parse(grant.grantedAt) || 0,
});

// Millions of consents name a few field lists between them: each list's set is held once
// (a fifth of the index's memory). Never mutated, so sharing it changes nothing. It only grows,
// by one set per distinct list, and lists come from the catalog's fields.
const fieldSets = new Map<string, ReadonlySet<string>>();
const fieldSetOf = (fields: readonly string[]): ReadonlySet<string> => {
  const key = fields.join(SEPARATOR);
  let set = fieldSets.get(key);
  if (!set) fieldSets.set(key, (set = new Set(fields)));
  return set;
};

// Enough that a shard of a city's consents (a million subjects: about a thousand each) copies
// in a fraction of a millisecond, few enough that a small snapshot costs nothing.
const SHARDS = 1024;

const EMPTY: ReadonlyMap<string, readonly IndexedConsent[]> = new Map();

/**
 * FNV-1a over the id's last 8 UTF-16 code units, where ids vary (a UUID's random tail, a
 * sequence, an ID number's birth date, serial and check digit): every consent-phase row looks
 * one up, and the whole id would cost a 50-row decision about 20 µs more.
 */
const shardOf = (subjectId: string): number => {
  let hash = 0x811c9dc5;
  for (let i = Math.max(0, subjectId.length - 8); i < subjectId.length; i++) hash = Math.imul(hash ^ subjectId.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % SHARDS;
};

/**
 * Subject id → that subject's ACTIVE consents, ordered by id, immutable and sharded: `with`
 * answers a copy in which only the shards of the subjects it changes are copied, the rest
 * shared. A decision keeps reading the version it started with, and a consent granted or
 * withdrawn costs its subject's shard, not a copy (or a reload) of every consent in the city.
 */
export class SubjectConsents {
  private constructor(private readonly shards: ReadonlyArray<ReadonlyMap<string, readonly IndexedConsent[]>>) {}

  /** From each ACTIVE consent with its subject, in any order. */
  static of(consents: Iterable<{ subjectId: string; consent: IndexedConsent }>): SubjectConsents {
    const shards: Array<Map<string, IndexedConsent[]>> = [];
    for (const { subjectId, consent } of consents) {
      push((shards[shardOf(subjectId)] ??= new Map()), subjectId, consent);
    }
    for (const shard of shards) for (const list of shard?.values() ?? []) list.sort(byId);
    return new SubjectConsents(Array.from({ length: SHARDS }, (_, i) => shards[i] ?? EMPTY));
  }

  get(subjectId: string): readonly IndexedConsent[] | undefined {
    return this.shards[shardOf(subjectId)].get(subjectId);
  }

  /** A copy with these subjects' consents replaced; an empty list removes the subject. */
  with(changes: ReadonlyMap<string, readonly IndexedConsent[]>): SubjectConsents {
    if (changes.size === 0) return this;
    const shards = [...this.shards];
    const copied = new Set<number>();
    for (const [subjectId, consents] of changes) {
      const i = shardOf(subjectId);
      if (!copied.has(i)) {
        shards[i] = new Map(shards[i]);
        copied.add(i);
      }
      const shard = shards[i] as Map<string, readonly IndexedConsent[]>;
      if (consents.length > 0) shard.set(subjectId, consents);
      else shard.delete(subjectId);
    }
    return new SubjectConsents(shards);
  }
}

export const indexSnapshot = (snapshot: PolicySnapshot): PolicyIndex => {
  const subgraphs = indexSubgraphs(snapshot.subgraphs);
  return {
    ...indexDatasets(snapshot.datasets, subgraphs),
    subgraphs,
    purposes: new Set(snapshot.purposes),
    contracts: indexContracts(snapshot.contracts),
    consents: SubjectConsents.of(
      snapshot.consents.filter((grant) => grant.status === 'ACTIVE').map((grant) => ({ subjectId: grant.subjectId, consent: indexConsent(grant) })),
    ),
  };
};
