import type { RecordedEvent } from '@shuzhi/event-store';
import {
  SubjectConsents,
  byId,
  indexConsent,
  indexContracts,
  indexDatasets,
  indexSubgraphs,
  type IndexedConsent,
  type PolicyIndex,
} from './decision/policy-snapshot.index.js';
import {
  entriesInKeyOrder,
  policySnapshotProjection,
  type ConsentGrant,
  type ContractGrant,
  type DatasetBinding,
  type PolicyEntry,
  type SubgraphOwnership,
} from './policy-snapshot.projection.js';

/**
 * An ACTIVE consent between events: its entry in the index and what else `evolve` is given of
 * it. Not the whole row: at a million consents, the rows would hold a gigabyte more.
 */
interface HeldConsent {
  subjectId: string;
  version: number;
  consent: IndexedConsent;
}

const held = (grant: ConsentGrant): HeldConsent => ({ subjectId: grant.subjectId, version: grant.version, consent: indexConsent(grant) });

/** The row `evolve` is given for a held consent: the grant as the index has it, all that a decision reads of it. */
const consentRow = (key: string, { subjectId, version, consent }: HeldConsent): PolicyEntry => ({
  key,
  kind: 'consent',
  body: {
    kind: 'consent',
    grant: {
      id: consent.id,
      version,
      status: 'ACTIVE',
      subjectId,
      consumerDepartment: consent.consumerDepartment,
      purpose: consent.purpose,
      datasetCode: consent.datasetCode,
      fields: [...consent.fields],
      // An expiry that did not parse stays one that does not parse.
      expiresAt: Number.isNaN(consent.expiresAt) ? '' : new Date(consent.expiresAt).toISOString(),
      ...(consent.grantedAt > 0 ? { grantedAt: new Date(consent.grantedAt).toISOString() } : {}),
    },
  },
});

/**
 * The policy index kept current event by event, with the projection's own `evolve` (one
 * definition of what an event does to policy), instead of re-read and re-indexed whole on
 * every change. Contracts, datasets, subgraphs and purposes are few and are re-indexed whole when
 * one of them changes (a subgraph's fields change which bindings hold); a consent granted or
 * withdrawn changes only its subject's entry. A consent that is
 * no longer ACTIVE is forgotten: it never grants again (only a new grant revives its stream).
 * Each `apply` answers a new immutable `PolicyIndex`, so a decision in flight keeps the index
 * it started with.
 */
export class LivePolicyIndex {
  private readonly contractRows = new Map<string, PolicyEntry>();
  private readonly datasetRows = new Map<string, PolicyEntry>();
  private readonly subgraphRows = new Map<string, PolicyEntry>();
  private readonly purposeRows = new Map<string, PolicyEntry>();
  private readonly consents = new Map<string, HeldConsent>();
  private current: PolicyIndex;

  /** From the projection's rows as of one checkpoint. */
  constructor(rows: Iterable<PolicyEntry>) {
    for (const row of rows) this.keep(row);
    const subgraphs = indexSubgraphs(this.subgraphs());
    this.current = {
      ...indexDatasets(this.datasets(), subgraphs),
      subgraphs,
      purposes: this.purposes(),
      contracts: indexContracts(this.contracts()),
      consents: SubjectConsents.of(this.consents.values()),
    };
  }

  get index(): PolicyIndex {
    return this.current;
  }

  /** The contracts as the projection holds them now, whatever their status, in key order. */
  contracts(): ContractGrant[] {
    return entriesInKeyOrder(this.contractRows).flatMap(({ body }) => (body.kind === 'contract' ? [body.grant] : []));
  }

  /**
   * Folds events past the rows' checkpoint, in log order, and answers the index after them.
   * Every event is evolved before anything is changed: an event that `keysOf` or `evolve`
   * throws on leaves the index as it was.
   */
  apply(events: readonly RecordedEvent[]): PolicyIndex {
    // Key → its row after the events so far (null: evolve deleted it).
    const staged = new Map<string, PolicyEntry | null>();
    for (const event of events) {
      for (const key of policySnapshotProjection.keysOf(event)) {
        staged.set(key, policySnapshotProjection.evolve(staged.has(key) ? (staged.get(key) ?? null) : this.rowOf(key), event));
      }
    }

    let contractsChanged = false;
    let datasetsChanged = false;
    let subgraphsChanged = false;
    let purposesChanged = false;
    // Subject id → that subject's consents as they stand after the events.
    const subjects = new Map<string, IndexedConsent[]>();
    const consentsOf = (subjectId: string): IndexedConsent[] => {
      let list = subjects.get(subjectId);
      if (!list) subjects.set(subjectId, (list = [...(this.current.consents.get(subjectId) ?? [])]));
      return list;
    };
    for (const [key, after] of staged) {
      const consent = this.consents.get(key);
      if (consent) {
        this.consents.delete(key);
        const list = consentsOf(consent.subjectId);
        const at = list.findIndex((c) => c.id === consent.consent.id);
        if (at >= 0) list.splice(at, 1);
      }
      if (this.contractRows.delete(key) || after?.body.kind === 'contract') contractsChanged = true;
      if (this.datasetRows.delete(key) || after?.body.kind === 'dataset') datasetsChanged = true;
      if (this.subgraphRows.delete(key) || after?.body.kind === 'subgraph') subgraphsChanged = true;
      if (this.purposeRows.delete(key) || after?.body.kind === 'purpose') purposesChanged = true;
      const kept = after ? this.keep(after) : undefined;
      if (kept) consentsOf(kept.subjectId).push(kept.consent);
    }
    for (const list of subjects.values()) list.sort(byId);
    const subgraphs = subgraphsChanged ? indexSubgraphs(this.subgraphs()) : this.current.subgraphs;
    this.current = {
      ...(datasetsChanged || subgraphsChanged ? indexDatasets(this.datasets(), subgraphs) : this.current),
      subgraphs,
      purposes: purposesChanged ? this.purposes() : this.current.purposes,
      contracts: contractsChanged ? indexContracts(this.contracts()) : this.current.contracts,
      consents: this.current.consents.with(subjects),
    };
    return this.current;
  }

  /** The row `evolve` is given for a key: as held, or rebuilt from the consent's index entry. */
  private rowOf(key: string): PolicyEntry | null {
    const consent = this.consents.get(key);
    return consent
      ? consentRow(key, consent)
      : (this.contractRows.get(key) ?? this.datasetRows.get(key) ?? this.subgraphRows.get(key) ?? this.purposeRows.get(key) ?? null);
  }

  /** Holds a row that can grant anything; answers the consent when it was one. */
  private keep(row: PolicyEntry): HeldConsent | undefined {
    const { body } = row;
    if (body.kind === 'contract') this.contractRows.set(row.key, row);
    else if (body.kind === 'dataset') this.datasetRows.set(row.key, row);
    else if (body.kind === 'subgraph') this.subgraphRows.set(row.key, row);
    else if (body.kind === 'purpose') this.purposeRows.set(row.key, row);
    else if (body.grant.status === 'ACTIVE') {
      const consent = held(body.grant);
      this.consents.set(row.key, consent);
      return consent;
    }
    return undefined;
  }

  /** In key order, as the audit's history sorts them: one index for one set of rows. */
  private datasets(): DatasetBinding[] {
    return entriesInKeyOrder(this.datasetRows).flatMap(({ body }) => (body.kind === 'dataset' ? [body.binding] : []));
  }

  private subgraphs(): SubgraphOwnership[] {
    return entriesInKeyOrder(this.subgraphRows).flatMap(({ body }) => (body.kind === 'subgraph' ? [body.subgraph] : []));
  }

  private purposes(): ReadonlySet<string> {
    return new Set([...this.purposeRows.values()].flatMap(({ body }) => (body.kind === 'purpose' ? [body.code] : [])));
  }
}
