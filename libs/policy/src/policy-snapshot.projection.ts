import { Column, Entity, PrimaryColumn, type EntityManager } from 'typeorm';
import type { Projection, RecordedEvent } from '@shuzhi/event-store';
import {
  CONSENT_EVENT_TYPES,
  CONTRACT_EVENT_TYPES,
  DATASET_EVENT_TYPES,
  PURPOSE_EVENT_TYPES,
  SUBGRAPH_EVENT_TYPES,
  contractStatusAfter,
  type Classification,
  type ConsentEvent,
  type ContractEvent,
  type ContractStatus,
  type DatasetEvent,
  type FieldFormat,
  type MaskRule,
  type PurposeRegistered,
  type SharingType,
  type SubgraphEvent,
} from '@shuzhi/governance-events';

/** A sharing contract as the policy decision needs it, with the version a decision cites. */
export interface ContractGrant {
  id: string;
  version: number;
  status: string;
  datasetCode: string;
  consumerDepartment: string;
  providerDepartment: string;
  fields: string[];
  purpose: string;
  validFrom: string;
  validTo: string;
  dailyQuota: number | null;
  masking: Array<{ field: string; rule: MaskRule }>;
  consentRequired: boolean;
  /** The data bureau found a statutory basis for its sensitive personal fields at compliance review (or in its 回流 grant). */
  statutoryBasis: boolean;
  /**
   * The division it is scoped to (GB/T 2260, shared-kernel's division codes): only rows lying
   * within it are served. Absent: the whole platform's area.
   */
  divisionScope?: string;
}

export interface ConsentGrant {
  id: string;
  version: number;
  status: string;
  subjectId: string;
  consumerDepartment: string;
  purpose: string;
  datasetCode: string;
  fields: string[];
  expiresAt: string;
  /** When the subject gave it; absent in rows written before it was kept (then it covers any time). */
  grantedAt?: string;
}

/** Which GraphQL type a dataset governs, and its fields' classification. */
export interface DatasetBinding {
  code: string;
  graphqlType: string;
  sharingType: SharingType;
  providerDepartment: string;
  fields: Array<{ name: string; classification: Classification; format?: FieldFormat }>;
}

/** A subgraph of the registry: the department that owns it and the `Type.field`s it resolves. */
export interface SubgraphOwnership {
  name: string;
  department: string;
  fields: string[];
}

export type PolicyEntryBody =
  | { kind: 'contract'; grant: ContractGrant }
  | { kind: 'consent'; grant: ConsentGrant }
  | { kind: 'dataset'; binding: DatasetBinding }
  | { kind: 'subgraph'; subgraph: SubgraphOwnership }
  | { kind: 'purpose'; code: string };

/**
 * One row per contract, consent, dataset, subgraph and purpose: everything a decision reads, as
 * of a checkpoint.
 */
@Entity('policy_entries')
export class PolicyEntry {
  @PrimaryColumn({ type: 'text' }) key!: string;
  @Column({ type: 'text' }) kind!: PolicyEntryBody['kind'];
  @Column({ type: 'jsonb' }) body!: PolicyEntryBody;
}

const KINDS = ['contract', 'consent', 'dataset', 'subgraph', 'purpose'] as const;

const keyOf = (event: RecordedEvent): string | undefined => {
  for (const kind of KINDS) {
    if (event.streamId.startsWith(`${kind}-`)) return `${kind}:${event.streamId.slice(kind.length + 1)}`;
  }
  return undefined;
};

const evolveContract = (row: PolicyEntry | null, recorded: RecordedEvent, key: string): PolicyEntry | null => {
  const event = recorded as unknown as ContractEvent;
  // A request begins a contract, and so does the data bureau's 回流 grant, in force at once.
  if (event.type === 'ContractSubmitted' || event.type === 'ReturnFlowContractGranted') {
    const { terms } = event.data;
    const grant: ContractGrant = {
      id: terms.contractId,
      version: recorded.streamVersion,
      status: contractStatusAfter(event, 'SUBMITTED'),
      datasetCode: terms.datasetCode,
      consumerDepartment: terms.consumerDepartment,
      providerDepartment: terms.providerDepartment,
      fields: terms.fields,
      purpose: terms.purpose,
      validFrom: terms.validFrom,
      validTo: terms.validTo,
      dailyQuota: terms.dailyQuota,
      masking: terms.masking,
      consentRequired: terms.consentRequired,
      statutoryBasis: event.type === 'ReturnFlowContractGranted' && event.data.statutoryBasis === true,
      ...(terms.divisionScope ? { divisionScope: terms.divisionScope } : {}),
    };
    return { key, kind: 'contract', body: { kind: 'contract', grant } };
  }
  if (!row || row.body.kind !== 'contract') return row;
  const status = contractStatusAfter(event, row.body.grant.status as ContractStatus);
  const statutoryBasis = event.type === 'ComplianceReviewPassed' ? event.data.statutoryBasis === true : row.body.grant.statutoryBasis;
  return { ...row, body: { kind: 'contract', grant: { ...row.body.grant, status, statutoryBasis, version: recorded.streamVersion } } };
};

const evolveConsent = (row: PolicyEntry | null, recorded: RecordedEvent, key: string): PolicyEntry | null => {
  const event = recorded as unknown as ConsentEvent;
  if (event.type === 'ConsentGranted') {
    const { terms } = event.data;
    const grant: ConsentGrant = {
      id: terms.consentId,
      version: recorded.streamVersion,
      status: 'ACTIVE',
      subjectId: terms.subjectId,
      consumerDepartment: terms.consumerDepartment,
      purpose: terms.purpose,
      datasetCode: terms.datasetCode,
      fields: terms.fields,
      expiresAt: terms.expiresAt,
      grantedAt: event.data.at,
    };
    return { key, kind: 'consent', body: { kind: 'consent', grant } };
  }
  if (!row || row.body.kind !== 'consent') return row;
  const status = event.type === 'ConsentWithdrawn' ? 'WITHDRAWN' : 'EXPIRED';
  return { ...row, body: { kind: 'consent', grant: { ...row.body.grant, status, version: recorded.streamVersion } } };
};

const evolveDataset = (row: PolicyEntry | null, recorded: RecordedEvent, key: string): PolicyEntry | null => {
  const event = recorded as unknown as DatasetEvent;
  if (event.type === 'DatasetPublished') {
    const { code, graphqlType, sharingType, providerDepartment } = event.data;
    return { key, kind: 'dataset', body: { kind: 'dataset', binding: { code, graphqlType, sharingType, providerDepartment, fields: [] } } };
  }
  if (!row || row.body.kind !== 'dataset') return row;
  return { ...row, body: { kind: 'dataset', binding: { ...row.body.binding, fields: event.data.fields } } };
};

const evolveSubgraph = (row: PolicyEntry | null, recorded: RecordedEvent, key: string): PolicyEntry | null => {
  const event = recorded as unknown as SubgraphEvent;
  if (event.type === 'SubgraphRegistered') {
    const { name, departmentCode, fields } = event.data;
    return { key, kind: 'subgraph', body: { kind: 'subgraph', subgraph: { name, department: departmentCode, fields } } };
  }
  if (!row || row.body.kind !== 'subgraph') return row;
  return { ...row, body: { kind: 'subgraph', subgraph: { ...row.body.subgraph, fields: event.data.fields } } };
};

const evolvePurpose = (recorded: RecordedEvent, key: string): PolicyEntry => ({
  key,
  kind: 'purpose',
  body: { kind: 'purpose', code: (recorded as unknown as PurposeRegistered).data.code },
});

/**
 * The policy snapshot: contracts, consents, catalog bindings, the subgraph registry and the
 * registered purposes, projected from governance's
 * published events by whoever enforces or replays policy (the gateway, the audit service),
 * each in its own schema. The gateway and the audit history also fold the same events in memory
 * with this `evolve` (`LivePolicyIndex`).
 */
export const policySnapshotProjection: Projection<PolicyEntry> = {
  name: 'policy-snapshot',
  // 2: contracts carry their statutory basis; subgraphs and purposes are rows too.
  // 3: contracts carry their division scope, and the data bureau's 回流 grants are contracts.
  version: 3,
  entity: PolicyEntry,
  // Only governance's events: the log's other traffic (access records above all, one per read)
  // must not wake the projection, nor each gateway's fold of the same events.
  types: [...CONTRACT_EVENT_TYPES, ...CONSENT_EVENT_TYPES, ...DATASET_EVENT_TYPES, ...SUBGRAPH_EVENT_TYPES, ...PURPOSE_EVENT_TYPES],
  keysOf: (event) => {
    const key = keyOf(event);
    return key ? [key] : [];
  },
  evolve: (row, event) => {
    const key = keyOf(event)!;
    if (key.startsWith('contract:')) return evolveContract(row, event, key);
    if (key.startsWith('consent:')) return evolveConsent(row, event, key);
    if (key.startsWith('dataset:')) return evolveDataset(row, event, key);
    if (key.startsWith('subgraph:')) return evolveSubgraph(row, event, key);
    return evolvePurpose(event, key);
  },
};

export interface PolicySnapshot {
  contracts: ContractGrant[];
  consents: ConsentGrant[];
  datasets: DatasetBinding[];
  subgraphs: SubgraphOwnership[];
  purposes: string[];
}

/** Folds one event into rows keyed as the projection's table: what its runner does to the table. */
export const foldPolicyEvent = (rows: Map<string, PolicyEntry>, event: RecordedEvent): void => {
  for (const key of policySnapshotProjection.keysOf(event)) {
    const row = policySnapshotProjection.evolve(rows.get(key) ?? null, event);
    if (row) rows.set(key, row);
    else rows.delete(key);
  }
};

/** Rows keyed as the table, in its key order (of code points): one snapshot, one index, for one set of rows. */
export const entriesInKeyOrder = (rows: ReadonlyMap<string, PolicyEntry>): PolicyEntry[] => [...rows.keys()].sort().map((key) => rows.get(key)!);

/** The snapshot these rows make, in key order as the table holds them. */
export const snapshotOfEntries = (rows: ReadonlyMap<string, PolicyEntry>): PolicySnapshot => {
  const snapshot: PolicySnapshot = { contracts: [], consents: [], datasets: [], subgraphs: [], purposes: [] };
  for (const { body } of entriesInKeyOrder(rows)) {
    if (body.kind === 'contract') snapshot.contracts.push(body.grant);
    else if (body.kind === 'consent') snapshot.consents.push(body.grant);
    else if (body.kind === 'dataset') snapshot.datasets.push(body.binding);
    else if (body.kind === 'subgraph') snapshot.subgraphs.push(body.subgraph);
    else snapshot.purposes.push(body.code);
  }
  return snapshot;
};

/**
 * The rows that can grant anything, as the table holds them now: every contract, dataset,
 * subgraph and purpose, and the ACTIVE consents (withdrawn and expired ones pile up over the years and grant nothing).
 */
export const loadGrantingEntries = (manager: EntityManager): Promise<PolicyEntry[]> =>
  manager
    .createQueryBuilder(PolicyEntry, 'entry')
    .where(`entry.kind <> 'consent' or entry.body -> 'grant' ->> 'status' = 'ACTIVE'`)
    .getMany();
