import type { MaskRule } from '@shuzhi/governance-events';
import { contractKey, type IndexedContract, type PolicyIndex, type TypeBinding } from './policy-snapshot.index.js';

export interface PolicyCaller {
  clientId: string;
  department: string;
  roles: readonly string[];
}

/** One selected field of the operation, by the GraphQL type it is selected on. */
export interface FieldSelection {
  type: string;
  field: string;
  /**
   * The field's response path: response keys (alias, else field name) joined by `.`, without
   * list indices, e.g. `resident.household.address`. Root fields need it: see `decide`.
   */
  path?: string;
}

/** One row of the subgraphs' answer that belongs to a data subject, with the fields it carries. */
export interface SubjectRow {
  type: string;
  subjectId: string;
  fields: readonly string[];
}

/**
 * Everything a decision depends on besides the snapshot. Time comes in `at`: the gateway passes
 * the instant of the request, the audit service the instant of the recorded access, and both get
 * the same answer from the same snapshot.
 */
export interface PolicyRequest {
  caller: PolicyCaller;
  /** The declared purpose code; null or blank when none was given. */
  purpose: string | null;
  /** ISO 8601 instant with offset. */
  at: string;
  /** Types served by the governance and audit subgraphs: guarded by roles there, not by contracts. */
  platformTypes: readonly string[];
  /**
   * `Type.field` coordinates those subgraphs serve on the shared root types, which belong to
   * every subgraph and so cannot be listed as platform types (`Query.consentReceiptPublicKey`).
   */
  platformFields?: readonly string[];
  selections: readonly FieldSelection[];
  /** Filled for the consent phase, once the subgraphs have answered. */
  subjects?: readonly SubjectRow[];
}

export type DenialCode = 'CONTRACT_REQUIRED' | 'PURPOSE_REQUIRED';

/** A field served under a contract: its own grant (`contract`) or the key rule (`entity key`). */
export interface GrantedField {
  type: string;
  field: string;
  reason: 'contract' | 'entity key';
  mask: MaskRule;
  contractId: string;
  contractVersion: number;
  datasetCode: string;
  consentRequired: boolean;
}

/** A field this decision lets through without a contract, and why. */
export interface UngovernedField {
  type: string;
  field: string;
  /**
   * `platform type`: guarded by roles in the governance and audit subgraphs; `meta field`:
   * `__typename` of a root type; `entry point`: a root field whose data is decided field by
   * field on the types beneath it; `own data`: the caller's department provides the dataset,
   * and sharing contracts govern other departments' reads, not the owner's.
   */
  reason: 'platform type' | 'meta field' | 'entry point' | 'own data';
  mask: 'NONE';
  contractId: null;
  contractVersion: null;
  datasetCode: null;
  consentRequired: false;
}

export type AllowedField = GrantedField | UngovernedField;

export interface DeniedField {
  type: string;
  field: string;
  code: DenialCode;
  reason: string;
}

export interface ContractCitation {
  id: string;
  version: number;
}

/**
 * One answer per selected `Type.field`, in the order the operation first selects them.
 * `outcome` is ALLOW when nothing is denied, PARTIAL when something is denied but some data
 * field (contract-granted or platform) is allowed, DENY otherwise; `code` and `reason` then say
 * what the caller must fix first (a purpose before contracts).
 */
export interface PolicyDecision {
  allowed: AllowedField[];
  denied: DeniedField[];
  /** Every contract the allowed fields rest on, ordered by id. */
  contracts: ContractCitation[];
  outcome: 'ALLOW' | 'PARTIAL' | 'DENY';
  code?: DenialCode;
  reason?: string;
}

// The federated supergraph names its root types this way whatever the subgraphs call theirs.
const ROOT_TYPES: ReadonlySet<string> = new Set(['Query', 'Mutation', 'Subscription']);
const KEY_FIELDS: ReadonlySet<string> = new Set(['id', '__typename']);
const MASK_STRENGTH: Readonly<Record<MaskRule, number>> = { NONE: 0, MASK: 1, HASH: 2, REDACT: 3 };

/** Epoch milliseconds of the request's instant; a request without a real time cannot be decided. */
export const instantOf = (request: PolicyRequest): number => {
  const at = Date.parse(request.at);
  if (Number.isNaN(at)) throw new RangeError(`a policy request needs an ISO 8601 instant, got "${request.at}"`);
  return at;
};

export const purposeOf = (request: PolicyRequest): string | null => request.purpose?.trim() || null;

const ungoverned = (type: string, field: string, reason: UngovernedField['reason']): UngovernedField => ({
  type,
  field,
  reason,
  mask: 'NONE',
  contractId: null,
  contractVersion: null,
  datasetCode: null,
  consentRequired: false,
});

const granted = (type: string, field: string, reason: GrantedField['reason'], contract: IndexedContract, mask: MaskRule): GrantedField => ({
  type,
  field,
  reason,
  mask,
  contractId: contract.id,
  contractVersion: contract.version,
  datasetCode: contract.datasetCode,
  consentRequired: contract.consentRequired,
});

const compareIds = (a: IndexedContract, b: IndexedContract) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

type Verdict = { allowed: AllowedField } | { denied: DeniedField };

/**
 * Which selected fields the caller may read, under which contracts and masks.
 *
 * A field a dataset binds needs a contract that is ACTIVE, of the caller's department, for that
 * dataset, naming the field, for the declared purpose, with `validFrom <= at < validTo`. Of
 * several such contracts the least masking one serves the field (NONE, MASK, HASH, REDACT), then
 * one without a consent requirement, then the smallest id, so a replay picks the same one.
 *
 * Key rule. `id` and `__typename` of a dataset-bound type, unless a dataset lists them as data
 * (then they are governed like any field), are allowed only when the caller holds a usable
 * contract granting some field of that type, and they are served under that contract. A
 * subgraph join and a per-subject consent check need the key, but the gateway adds keys to its
 * own subgraph fetches; what the caller selects is another matter: `resident(id: X) { id }`
 * or `{ __typename }` answers "does X exist", and a list of ids enumerates the register. So a
 * key reveals a row only to a caller who may already read something of that row, and it carries
 * that contract's consent requirement and quota. It is attributed to a contract this decision
 * already cites when it can (no extra quota, no extra contract in the record), else to one
 * without a consent requirement, else the smallest id.
 *
 * Root fields (`Query.resident`) are entry points: allowed when the operation selects fields
 * beneath them, since what they return is decided on those fields. A root field with nothing
 * beneath it (or without a `path` to tell) returns a value itself and, unless it is a platform
 * field or bound by a dataset, is denied like any unbound field. `__typename` of a root type
 * reveals nothing and is allowed.
 *
 * Any other field of a type that is not a platform type and that no dataset binds is denied:
 * fail closed, so a type a department adds later is governed from its first request.
 */
export const decide = (request: PolicyRequest, index: PolicyIndex): PolicyDecision => {
  const at = instantOf(request);
  const purpose = purposeOf(request);
  const department = request.caller.department;
  const platformTypes = new Set(request.platformTypes);
  const platformFields = new Set(request.platformFields ?? []);

  const usableByDataset = new Map<string, readonly IndexedContract[]>();
  const usable = (datasetCode: string): readonly IndexedContract[] => {
    let list = usableByDataset.get(datasetCode);
    if (!list) {
      list = (index.contracts.get(contractKey(department, datasetCode)) ?? []).filter(
        (c) => c.purpose === purpose && c.validFrom <= at && at < c.validTo,
      );
      usableByDataset.set(datasetCode, list);
    }
    return list;
  };

  let parentPaths: Set<string> | undefined;
  const hasFieldsBeneath = (path: string | undefined): boolean => {
    if (path === undefined) return false;
    if (!parentPaths) {
      parentPaths = new Set();
      for (const s of request.selections) {
        const dot = s.path?.lastIndexOf('.') ?? -1;
        if (dot > 0) parentPaths.add(s.path!.slice(0, dot));
      }
    }
    return parentPaths.has(path);
  };

  const purposeRequired = (type: string, field: string): Verdict => ({
    denied: { type, field, code: 'PURPOSE_REQUIRED', reason: `a declared purpose (X-Purpose) is required to read ${type}.${field}` },
  });

  const cited = new Map<string, IndexedContract>();
  const verdicts: Array<Verdict | undefined> = [];
  const keys: Array<{ slot: number; type: string; field: string; binding: TypeBinding }> = [];
  const seen = new Set<string>();

  for (const { type, field, path } of request.selections) {
    const coordinate = `${type}.${field}`;
    if (seen.has(coordinate)) continue;
    seen.add(coordinate);

    if (platformTypes.has(type) || platformFields.has(coordinate)) {
      verdicts.push({ allowed: ungoverned(type, field, 'platform type') });
      continue;
    }
    const binding = index.types.get(type);
    const datasetCodes = binding?.datasetsOfField.get(field);
    // The provider reads its own dataset's fields (and the type's keys) as its own records.
    const ownsField = datasetCodes?.some((code) => index.providers.get(code) === department);
    const ownsType = binding?.datasetCodes.some((code) => index.providers.get(code) === department);
    if (ownsField || (ownsType && KEY_FIELDS.has(field) && !datasetCodes)) {
      verdicts.push({ allowed: ungoverned(type, field, 'own data') });
      continue;
    }
    if (datasetCodes) {
      if (!purpose) {
        verdicts.push(purposeRequired(type, field));
        continue;
      }
      let best: IndexedContract | undefined;
      let bestMask: MaskRule = 'REDACT';
      for (const code of datasetCodes) {
        for (const contract of usable(code)) {
          if (!contract.fields.has(field)) continue;
          const mask = contract.masks.get(field) ?? 'NONE';
          const better =
            !best ||
            MASK_STRENGTH[mask] < MASK_STRENGTH[bestMask] ||
            (mask === bestMask &&
              (Number(contract.consentRequired) - Number(best.consentRequired) || compareIds(contract, best)) < 0);
          if (better) {
            best = contract;
            bestMask = mask;
          }
        }
      }
      if (best) {
        cited.set(best.id, best);
        verdicts.push({ allowed: granted(type, field, 'contract', best, bestMask) });
      } else {
        const reason =
          `no ACTIVE contract of ${department} grants ${coordinate} (dataset ${datasetCodes.join(', ')}) ` +
          `for purpose ${purpose} at ${request.at}`;
        verdicts.push({ denied: { type, field, code: 'CONTRACT_REQUIRED', reason } });
      }
      continue;
    }
    if (binding && KEY_FIELDS.has(field)) {
      if (!purpose) {
        verdicts.push(purposeRequired(type, field));
        continue;
      }
      keys.push({ slot: verdicts.length, type, field, binding });
      verdicts.push(undefined);
      continue;
    }
    if (ROOT_TYPES.has(type) && field === '__typename') {
      verdicts.push({ allowed: ungoverned(type, field, 'meta field') });
      continue;
    }
    if (ROOT_TYPES.has(type) && hasFieldsBeneath(path)) {
      verdicts.push({ allowed: ungoverned(type, field, 'entry point') });
      continue;
    }
    verdicts.push({ denied: { type, field, code: 'CONTRACT_REQUIRED', reason: `no dataset binds ${coordinate}` } });
  }

  // Keys last: their contract is preferably one the data fields already cite.
  for (const { slot, type, field, binding } of keys) {
    let best: IndexedContract | undefined;
    for (const code of binding.datasetCodes) {
      for (const contract of usable(code)) {
        const better =
          !best ||
          (Number(cited.has(best.id)) - Number(cited.has(contract.id)) ||
            Number(contract.consentRequired) - Number(best.consentRequired) ||
            compareIds(contract, best)) < 0;
        if (better) best = contract;
      }
    }
    if (best) {
      cited.set(best.id, best);
      verdicts[slot] = { allowed: granted(type, field, 'entity key', best, 'NONE') };
    } else {
      const reason =
        `${type}.${field} identifies a row: it needs an ACTIVE contract of ${department} granting some field of ` +
        `${type} for purpose ${purpose} at ${request.at}`;
      verdicts[slot] = { denied: { type, field, code: 'CONTRACT_REQUIRED', reason } };
    }
  }

  const allowed: AllowedField[] = [];
  const denied: DeniedField[] = [];
  for (const verdict of verdicts) {
    if (verdict && 'allowed' in verdict) allowed.push(verdict.allowed);
    else if (verdict) denied.push(verdict.denied);
  }
  const contracts = [...cited.values()].sort(compareIds).map(({ id, version }) => ({ id, version }));
  if (denied.length === 0) return { allowed, denied, contracts, outcome: 'ALLOW' };

  const servesData = allowed.some((a) => a.reason === 'contract' || a.reason === 'platform type' || a.reason === 'own data');
  const withoutPurpose = denied.filter((d) => d.code === 'PURPOSE_REQUIRED');
  const coordinates = (fields: DeniedField[]) => fields.map((d) => `${d.type}.${d.field}`).join(', ');
  return {
    allowed,
    denied,
    contracts,
    outcome: servesData ? 'PARTIAL' : 'DENY',
    ...(withoutPurpose.length > 0
      ? { code: 'PURPOSE_REQUIRED', reason: `a declared purpose (X-Purpose) is required to read ${coordinates(withoutPurpose)}` }
      : { code: 'CONTRACT_REQUIRED', reason: `no contract grants ${coordinates(denied)}` }),
  };
};
