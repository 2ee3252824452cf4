/**
 * The policy decision: pure functions of a request and an indexed snapshot, run by the gateway
 * on every request and by the audit service over history.
 */
export {
  decideAccess,
  type AllowedField,
  type AllowedLookup,
  type ContractCitation,
  type DeniedField,
  type DenialCode,
  type FieldSelection,
  type GrantedField,
  type Lookup,
  type PolicyCaller,
  type PolicyDecision,
  type PolicyRequest,
  type SubjectRow,
  type UngovernedField,
} from './access.decision.js';
export { decideSubjects, type SubjectVerdict } from './consent.decision.js';
export { decideDivisions, scopedTypes, servesDivision, type DivisionRow, type DivisionVerdict } from './division.decision.js';
export { applyMask, type HashKey } from './field.masking.js';
export { indexSnapshot, type PolicyIndex } from './policy-snapshot.index.js';
