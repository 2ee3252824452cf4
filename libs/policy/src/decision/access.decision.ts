import { rebuiltFields, type MaskRule, type ReadableField } from '@shuzhi/governance-events';
import { DIVISION_LEVELS, divisionLevelOf } from '@shuzhi/shared-kernel';
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
   * list indices, e.g. `resident.household.address`. Root fields need it: see `decideAccess`.
   */
  path?: string;
}

/**
 * An argument of a selected field that looks rows up or filters them (`residentByIdNumber(idNumber:)`,
 * `enterprises(filter: { legalRepresentativeId })`): it reads the field it compares, so it needs a
 * grant of that field as much as selecting it would.
 */
export interface Lookup {
  /** The argument, as `Query.residentByIdNumber(idNumber)` or `Query.enterprises(filter.legalRepresentativeId)`. */
  via: string;
  /** The field it reads, as its subgraph declares; null when undeclared: refused (fail closed). */
  reads: { type: string; field: string } | null;
  /** The department whose subgraph answers the lookup: the rows it finds are that department's data. Null: unregistered. */
  owner: string | null;
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
  /**
   * Epoch milliseconds when the data served was made, when it is one change (a change feed's): a
   * consent given after it does not cover it (`decideSubjects`). Absent for reads of what is.
   */
  changedAt?: number;
  /** Types served by the governance and audit subgraphs: guarded by roles there, not by contracts. */
  platformTypes: readonly string[];
  /**
   * `Type.field` coordinates those subgraphs serve on the shared root types, which belong to
   * every subgraph and so cannot be listed as platform types (`Query.consentReceiptPublicKey`).
   */
  platformFields?: readonly string[];
  selections: readonly FieldSelection[];
  /** The selected fields' arguments that look rows up or filter them. */
  lookups?: readonly Lookup[];
  /** Entity type → its key field (`Enterprise` → `creditCode`); `id` where absent. */
  entityKeys?: ReadonlyMap<string, string>;
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
  /**
   * Present when the contract is scoped to a division: the field is served only in rows whose
   * division lies within it (`decideDivisions`, `servesDivision`). Absent: in every row.
   */
  divisionScope?: string;
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
  /** Denied as a lookup: the argument that reads the field (see `Lookup.via`). */
  via?: string;
}

/** A lookup allowed: by the owner of the rows it finds, or under a contract granting the field it reads. */
export interface AllowedLookup {
  via: string;
  /** `Type.field` */
  field: string;
  contractId: string | null;
  consentRequired: boolean;
  /** Present when the contract it rests on is scoped: only the rows found within that division may be served. */
  divisionScope?: string;
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
  /** The lookups allowed, in the order given; denied ones are in `denied` with their `via`. */
  lookups: AllowedLookup[];
  /** Every contract the allowed fields and lookups rest on, ordered by id. */
  contracts: ContractCitation[];
  outcome: 'ALLOW' | 'PARTIAL' | 'DENY';
  code?: DenialCode;
  reason?: string;
}

// The federated supergraph names its root types this way whatever the subgraphs call theirs.
const ROOT_TYPES: ReadonlySet<string> = new Set(['Query', 'Mutation', 'Subscription']);
/**
 * Fields every aggregate exposes that are made of its key (`streamId` is `<kind>-<key>`) or tell
 * of its row (`version`): governed as the key they reveal, on top of any grant of their own.
 */
const TECHNICAL_FIELDS: ReadonlySet<string> = new Set(['streamId', 'version']);
const MASK_STRENGTH: Readonly<Record<MaskRule, number>> = { NONE: 0, MASK: 1, HASH: 2, REDACT: 3 };
const LAW = 'PIPL art. 13 and 28–29';

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
  ...(contract.divisionScope !== null ? { divisionScope: contract.divisionScope } : {}),
});

/** 0 for a contract of the whole area, then 1 (a province) to 5 (a community): the wider serves more rows. */
const narrowness = (contract: IndexedContract): number =>
  contract.divisionScope === null ? 0 : 1 + DIVISION_LEVELS.indexOf(divisionLevelOf(contract.divisionScope) ?? 'COMMUNITY');

const compareIds = (a: IndexedContract, b: IndexedContract) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

const stronger = (a: MaskRule, b: MaskRule): MaskRule => (MASK_STRENGTH[a] >= MASK_STRENGTH[b] ? a : b);

type Verdict = { allowed: AllowedField } | { denied: DeniedField };

/**
 * Which selected fields the caller may read, under which contracts and masks.
 *
 * A field a dataset binds needs a contract that is ACTIVE, of the caller's department, for that
 * dataset, naming the field, for the declared purpose, with `validFrom <= at < validTo`. Of
 * several such contracts the least masking one serves the field (NONE, MASK, HASH, REDACT), then
 * the widest in area (one of the whole area, then a province's ... a community's: a scoped
 * contract serves only the rows of its division), then one without a consent requirement, then
 * the smallest id, so a replay picks the same one. A
 * field the catalog classifies SENSITIVE_PERSONAL is granted only by a contract that requires
 * the subject's consent or whose compliance review found a statutory basis (PIPL art. 13, 28–29).
 *
 * Bindings count only where the registry backs them (`PolicyIndex.types`): a field belongs to the
 * department whose subgraph resolves it, and that department reads it as its own data.
 *
 * Key rule. The type's key and `__typename` of a dataset-bound type, unless a dataset lists them
 * as data (then they are governed like any field), are allowed only when the caller holds a
 * usable contract granting some field of that type, and they are served under that contract. A
 * subgraph join and a per-subject consent check need the key, but the gateway adds keys to its
 * own subgraph fetches; what the caller selects is another matter: `resident(id: X) { id }`
 * or `{ __typename }` answers "does X exist", and a list of ids enumerates the register. So a
 * key reveals a row only to a caller who may already read something of that row, and it carries
 * that contract's consent requirement, quota and division scope. It is attributed to a contract
 * this decision already cites when it can (no extra quota, no extra contract in the record), else
 * to the widest in area, else to one without a consent requirement, else the smallest id. Technical fields (`streamId`, made of the
 * key, and `version`) need what the key needs as well, and are masked at least as the key is.
 *
 * Masks know what values are made of (`rebuiltFields`): a masked field that the department can
 * rebuild from what it reads in clear under any of its contracts in force (an ID number under
 * MASK beside the birth date) is withheld, whatever the purpose it is asked for.
 *
 * Division scopes are not decided here: an allowed field or lookup under a scoped contract says
 * its `divisionScope`, and the rows the subgraphs answer are held against it row by row
 * (`decideDivisions`), as consent is (`decideSubjects`).
 *
 * Lookups (arguments that find rows by a field) read that field: they need a grant of it from the
 * department whose subgraph answers them, as selecting it would, or to be that department.
 * An argument without a declaration of what it reads is refused.
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
export const decideAccess = (request: PolicyRequest, index: PolicyIndex): PolicyDecision => {
  const at = instantOf(request);
  const purpose = purposeOf(request);
  const department = request.caller.department;
  const platformTypes = new Set(request.platformTypes);
  const platformFields = new Set(request.platformFields ?? []);
  const keyOf = (type: string) => request.entityKeys?.get(type) ?? 'id';
  const isKey = (type: string, field: string) => field === '__typename' || field === keyOf(type);
  const owns = (code: string) => index.providers.get(code) === department;

  /** Whether `contract` may grant `field` of dataset `code`: sensitive personal data needs consent or the law. */
  const mayGrant = (contract: IndexedContract, code: string, field: string) =>
    contract.fields.has(field) &&
    (index.datasetFields.get(code)?.get(field)?.classification !== 'SENSITIVE_PERSONAL' || contract.consentRequired || contract.statutoryBasis);
  const isSensitive = (codes: readonly string[], field: string) =>
    codes.some((code) => index.datasetFields.get(code)?.get(field)?.classification === 'SENSITIVE_PERSONAL');

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

  /** The least masking usable contract granting `field` among `codes`, as the rule above orders them. */
  const bestGrant = (codes: readonly string[], field: string): { contract: IndexedContract; mask: MaskRule } | undefined => {
    let best: IndexedContract | undefined;
    let bestMask: MaskRule = 'REDACT';
    for (const code of codes) {
      for (const contract of usable(code)) {
        if (!mayGrant(contract, code, field)) continue;
        const mask = contract.masks.get(field) ?? 'NONE';
        const better =
          !best ||
          MASK_STRENGTH[mask] < MASK_STRENGTH[bestMask] ||
          (mask === bestMask &&
            (narrowness(contract) - narrowness(best) || Number(contract.consentRequired) - Number(best.consentRequired) || compareIds(contract, best)) < 0);
        if (better) {
          best = contract;
          bestMask = mask;
        }
      }
    }
    return best && { contract: best, mask: bestMask };
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

  const purposeRequired = (type: string, field: string, via?: string): Verdict => ({
    denied: { type, field, code: 'PURPOSE_REQUIRED', reason: `a declared purpose (X-Purpose) is required to read ${type}.${field}`, ...(via ? { via } : {}) },
  });
  const noContract = (type: string, field: string, codes: readonly string[]): Verdict => ({
    denied: {
      type,
      field,
      code: 'CONTRACT_REQUIRED',
      reason: isSensitive(codes, field)
        ? `${type}.${field} is sensitive personal information: it is shared only under a contract that requires the subject's ` +
          `consent, or whose compliance review found a statutory basis (${LAW}); no such ACTIVE contract of ${department} grants it ` +
          `for purpose ${purpose} at ${request.at}`
        : `no ACTIVE contract of ${department} grants ${type}.${field} (dataset ${codes.join(', ')}) for purpose ${purpose} at ${request.at}`,
    },
  });

  const cited = new Map<string, IndexedContract>();
  const verdicts: Array<Verdict | undefined> = [];
  const keys: Array<{ slot: number; type: string; field: string; binding: TypeBinding }> = [];
  const technical: Array<{ slot: number; type: string; field: string }> = [];
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
    const ownsField = datasetCodes?.some(owns);
    const ownsType = binding?.datasetCodes.some(owns);
    if (ownsField || (ownsType && !datasetCodes && (isKey(type, field) || TECHNICAL_FIELDS.has(field)))) {
      verdicts.push({ allowed: ungoverned(type, field, 'own data') });
      continue;
    }
    if (binding && TECHNICAL_FIELDS.has(field)) technical.push({ slot: verdicts.length, type, field });
    if (datasetCodes) {
      if (!purpose) {
        verdicts.push(purposeRequired(type, field));
        continue;
      }
      const best = bestGrant(datasetCodes, field);
      if (best) {
        cited.set(best.contract.id, best.contract);
        verdicts.push({ allowed: granted(type, field, 'contract', best.contract, best.mask) });
      } else {
        verdicts.push(noContract(type, field, datasetCodes));
      }
      continue;
    }
    if (binding && (isKey(type, field) || TECHNICAL_FIELDS.has(field))) {
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

  /** A usable contract granting some field of the type, preferably one already cited: what a key is served under. */
  const keyGrant = (binding: TypeBinding, providers?: (code: string) => boolean): IndexedContract | undefined => {
    let best: IndexedContract | undefined;
    for (const code of binding.datasetCodes) {
      if (providers && !providers(code)) continue;
      for (const contract of usable(code)) {
        const better =
          !best ||
          (Number(cited.has(best.id)) - Number(cited.has(contract.id)) ||
            narrowness(contract) - narrowness(best) ||
            Number(contract.consentRequired) - Number(best.consentRequired) ||
            compareIds(contract, best)) < 0;
        if (better) best = contract;
      }
    }
    return best;
  };

  // Keys last: their contract is preferably one the data fields already cite.
  for (const { slot, type, field, binding } of keys) {
    const best = keyGrant(binding);
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

  // Technical fields reveal the key: no more than the key itself may be read.
  for (const { slot, type, field } of technical) {
    const verdict = verdicts[slot];
    if (!verdict || !('allowed' in verdict) || verdict.allowed.reason === 'own data') continue;
    const key = keyOf(type);
    const keyVerdict = verdictOfKey(type, key);
    if (!keyVerdict) {
      verdicts[slot] = {
        denied: { type, field, code: 'CONTRACT_REQUIRED', reason: `${type}.${field} reveals the row's key ${type}.${key}, which no contract of ${department} grants for purpose ${purpose}` },
      };
    } else if (MASK_STRENGTH[keyVerdict.mask] > MASK_STRENGTH[verdict.allowed.mask]) {
      verdicts[slot] = { allowed: { ...(verdict.allowed as GrantedField), mask: stronger(keyVerdict.mask, verdict.allowed.mask) } };
    }
  }
  function verdictOfKey(type: string, key: string): { mask: MaskRule } | undefined {
    const binding = index.types.get(type)!;
    const codes = binding.datasetsOfField.get(key);
    if (codes) return codes.some(owns) ? { mask: 'NONE' } : bestGrant(codes, key);
    return keyGrant(binding) ? { mask: 'NONE' } : undefined;
  }

  // Masks that the department's other grants undo.
  const rebuiltByType = new Map<string, Map<string, string[]>>();
  for (let slot = 0; slot < verdicts.length; slot++) {
    const verdict = verdicts[slot];
    if (!verdict || !('allowed' in verdict) || verdict.allowed.mask === 'NONE' || verdict.allowed.reason !== 'contract') continue;
    const { type, field } = verdict.allowed;
    let rebuilt = rebuiltByType.get(type);
    if (!rebuilt) rebuiltByType.set(type, (rebuilt = rebuiltOf(type)));
    const from = rebuilt.get(field);
    if (from) {
      verdicts[slot] = {
        denied: {
          type,
          field,
          code: 'CONTRACT_REQUIRED',
          reason:
            `${type}.${field} is masked, but ${department} reads ${from.map((f) => `${type}.${f}`).join(' and ')} in clear under its contracts ` +
            'in force, which rebuilds it: the masked value is withheld',
        },
      };
    }
  }
  /** Field → the fields it is rebuilt from, of what the department can read of the type under all its contracts in force. */
  function rebuiltOf(type: string): Map<string, string[]> {
    const binding = index.types.get(type);
    const readable: ReadableField[] = [];
    for (const [field, codes] of binding?.datasetsOfField ?? []) {
      const format = codes.map((code) => index.datasetFields.get(code)?.get(field)?.format).find((f) => f !== undefined);
      if (codes.some(owns)) {
        readable.push({ name: field, format, mask: 'NONE' });
        continue;
      }
      let mask: MaskRule | undefined;
      for (const code of codes) {
        for (const contract of index.contracts.get(contractKey(department, code)) ?? []) {
          if (contract.validFrom > at || at >= contract.validTo || !mayGrant(contract, code, field)) continue;
          const rule = contract.masks.get(field) ?? 'NONE';
          if (mask === undefined || MASK_STRENGTH[rule] < MASK_STRENGTH[mask]) mask = rule;
        }
      }
      if (mask !== undefined) readable.push({ name: field, format, mask });
    }
    return new Map(rebuiltFields(readable).map((r) => [r.field, r.from]));
  }

  // Lookups: the field each reads, granted by the department that answers it.
  const lookups: AllowedLookup[] = [];
  const deniedLookups: DeniedField[] = [];
  for (const lookup of request.lookups ?? []) {
    const [rootType, rest] = [lookup.via.slice(0, lookup.via.indexOf('.')), lookup.via.slice(lookup.via.indexOf('.') + 1)];
    if (!lookup.reads) {
      deniedLookups.push({
        type: rootType,
        field: rest.slice(0, rest.indexOf('(')),
        code: 'CONTRACT_REQUIRED',
        via: lookup.via,
        reason: `${lookup.via} declares no field it reads, so no grant can allow it (refused, fail closed)`,
      });
      continue;
    }
    const { type, field } = lookup.reads;
    const coordinate = `${type}.${field}`;
    if (lookup.owner !== null && lookup.owner === department) {
      lookups.push({ via: lookup.via, field: coordinate, contractId: null, consentRequired: false });
      continue;
    }
    if (lookup.owner === null) {
      deniedLookups.push({ type, field, code: 'CONTRACT_REQUIRED', via: lookup.via, reason: `no registered department answers ${lookup.via}` });
      continue;
    }
    if (!purpose) {
      deniedLookups.push((purposeRequired(type, field, lookup.via) as { denied: DeniedField }).denied);
      continue;
    }
    const owner = lookup.owner;
    const ofOwner = (code: string) => index.providers.get(code) === owner;
    const binding = index.types.get(type);
    const codes = binding?.datasetsOfField.get(field)?.filter(ofOwner);
    const contract = codes?.length
      ? bestGrant(codes, field)?.contract
      : binding && isKey(type, field)
        ? keyGrant(binding, ofOwner)
        : undefined;
    if (contract) {
      cited.set(contract.id, contract);
      lookups.push({
        via: lookup.via,
        field: coordinate,
        contractId: contract.id,
        consentRequired: contract.consentRequired,
        ...(contract.divisionScope !== null ? { divisionScope: contract.divisionScope } : {}),
      });
    } else {
      deniedLookups.push({
        type,
        field,
        code: 'CONTRACT_REQUIRED',
        via: lookup.via,
        reason: `${lookup.via} looks rows up by ${coordinate}: it needs an ACTIVE contract of ${department} with ${owner} granting ${coordinate} for purpose ${purpose} at ${request.at}`,
      });
    }
  }

  const allowed: AllowedField[] = [];
  const denied: DeniedField[] = [];
  for (const verdict of verdicts) {
    if (verdict && 'allowed' in verdict) allowed.push(verdict.allowed);
    else if (verdict) denied.push(verdict.denied);
  }
  denied.push(...deniedLookups);
  const contracts = [...cited.values()].sort(compareIds).map(({ id, version }) => ({ id, version }));
  if (denied.length === 0) return { allowed, denied, lookups, contracts, outcome: 'ALLOW' };

  const servesData = allowed.some((a) => a.reason === 'contract' || a.reason === 'platform type' || a.reason === 'own data');
  const withoutPurpose = denied.filter((d) => d.code === 'PURPOSE_REQUIRED');
  const coordinates = (fields: DeniedField[]) => [...new Set(fields.map((d) => d.via ?? `${d.type}.${d.field}`))].join(', ');
  return {
    allowed,
    denied,
    lookups,
    contracts,
    outcome: servesData ? 'PARTIAL' : 'DENY',
    ...(withoutPurpose.length > 0
      ? { code: 'PURPOSE_REQUIRED', reason: `a declared purpose (X-Purpose) is required to read ${coordinates(withoutPurpose)}` }
      : { code: 'CONTRACT_REQUIRED', reason: `no contract grants ${coordinates(denied)}` }),
  };
};
