import type { RecordedEvent } from '@shuzhi/event-store';
import { byId, indexConsent, indexContracts, indexDatasets, type IndexedConsent, type PolicyIndex } from './decision/policy-snapshot.index.js';
import { SubjectConsents } from './decision/subject-consents.index.js';
import { policySnapshotProjection, type ContractGrant, type PolicyEntry, type PolicyEntryBody } from './policy-snapshot.projection.js';

type Kind = PolicyEntryBody['kind'];

const inKeyOrder = (rows: ReadonlyMap<string, PolicyEntry>): PolicyEntry[] =>
  [...rows.keys()].sort().map((key) => rows.get(key)!);

/** Whether a row can grant anything: a consent that is not ACTIVE never will again (only a new grant revives its stream). */
const grants = (row: PolicyEntry): boolean => row.body.kind !== 'consent' || row.body.grant.status === 'ACTIVE';

/**
 * The policy index kept current event by event, with the projection's own `evolve` (one
 * definition of what an event does to policy), instead of re-read and re-indexed whole on
 * every change. Contracts and datasets are few and are re-indexed whole when one of them
 * changes; a consent granted or withdrawn changes only its subject's entry. Consents that
 * are no longer ACTIVE are forgotten. Each `apply` answers a new immutable `PolicyIndex`,
 * so a decision in flight keeps the index it started with.
 */
export class LivePolicyIndex {
  private readonly rows: Record<Kind, Map<string, PolicyEntry>> = { contract: new Map(), consent: new Map(), dataset: new Map() };
  private current: PolicyIndex;

  /** From the projection's rows as of one checkpoint; only rows that can grant anything are kept. */
  constructor(rows: Iterable<PolicyEntry>) {
    const consents = new Map<string, IndexedConsent[]>();
    for (const row of rows) {
      if (!grants(row)) continue;
      this.rows[row.body.kind].set(row.key, row);
      if (row.body.kind === 'consent') {
        const list = consents.get(row.body.grant.subjectId);
        if (list) list.push(indexConsent(row.body.grant));
        else consents.set(row.body.grant.subjectId, [indexConsent(row.body.grant)]);
      }
    }
    for (const list of consents.values()) list.sort(byId);
    this.current = {
      ...indexDatasets(this.datasets()),
      contracts: indexContracts(this.contracts()),
      consents: SubjectConsents.of(consents),
    };
  }

  get index(): PolicyIndex {
    return this.current;
  }

  /** The contracts as the projection holds them now, whatever their status, in key order. */
  contracts(): ContractGrant[] {
    return inKeyOrder(this.rows.contract).map((row) => (row.body as Extract<PolicyEntryBody, { kind: 'contract' }>).grant);
  }

  /** Folds events past the rows' checkpoint, in log order, and answers the index after them. */
  apply(events: readonly RecordedEvent[]): PolicyIndex {
    const changed = new Set<Kind>();
    // Subject id → that subject's consents as they stand after the events so far.
    const subjects = new Map<string, IndexedConsent[]>();
    const consentsOf = (subjectId: string): IndexedConsent[] => {
      let list = subjects.get(subjectId);
      if (!list) subjects.set(subjectId, (list = [...(this.current.consents.get(subjectId) ?? [])]));
      return list;
    };
    for (const event of events) {
      for (const key of policySnapshotProjection.keysOf(event)) {
        const before = this.rows.contract.get(key) ?? this.rows.consent.get(key) ?? this.rows.dataset.get(key) ?? null;
        const after = policySnapshotProjection.evolve(before, event);
        if (before) {
          this.rows[before.body.kind].delete(key);
          changed.add(before.body.kind);
          if (before.body.kind === 'consent') {
            const { id, subjectId } = before.body.grant;
            const list = consentsOf(subjectId);
            const at = list.findIndex((c) => c.id === id);
            if (at >= 0) list.splice(at, 1);
          }
        }
        if (after && grants(after)) {
          this.rows[after.body.kind].set(key, after);
          changed.add(after.body.kind);
          if (after.body.kind === 'consent') consentsOf(after.body.grant.subjectId).push(indexConsent(after.body.grant));
        }
      }
    }
    for (const list of subjects.values()) list.sort(byId);
    this.current = {
      ...(changed.has('dataset') ? indexDatasets(this.datasets()) : { types: this.current.types, providers: this.current.providers }),
      contracts: changed.has('contract') ? indexContracts(this.contracts()) : this.current.contracts,
      consents: this.current.consents.with(subjects),
    };
    return this.current;
  }

  /** In key order, as `loadPolicySnapshot` and the audit's history give them: one index for one set of rows. */
  private datasets() {
    return inKeyOrder(this.rows.dataset).map((row) => (row.body as Extract<PolicyEntryBody, { kind: 'dataset' }>).binding);
  }
}
