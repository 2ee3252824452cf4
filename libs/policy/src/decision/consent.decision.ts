import { instantOf, purposeOf, type GrantedField, type PolicyDecision, type PolicyRequest } from './access.decision.js';
import type { IndexedConsent, PolicyIndex } from './policy-snapshot.index.js';

export interface SubjectVerdict {
  subjectId: string;
  type: string;
  verdict: 'ALLOW' | 'CONSENT_REQUIRED';
  /** The consents the row is served under, ordered by id. */
  consentIds: string[];
  /** The row's fields whose contract requires consent that this subject has not given. */
  missingFields: string[];
}

/**
 * The second phase, once the subgraphs have answered: for each subject's row, whether every
 * field it carries that rests on a consent-requiring contract has the subject's consent. That is
 * an ACTIVE consent of this subject, for the caller's department, the declared purpose and the
 * contract's dataset, naming the field, with `at < expiresAt` and, for data made at a known
 * instant (`request.changedAt`, a change a feed serves), given by then: a consent does not reach
 * back to the subject's history before it. A key field (the type's key,
 * `__typename`), whether a dataset lists it as data or not, served under such a contract needs a
 * consent for that dataset, department and purpose naming any field: the subject agreed that this department may see their row, and the key shows no
 * more than that. Fields the decision did not allow are not served and so not checked here.
 */
export const decideSubjects = (decision: PolicyDecision, request: PolicyRequest, index: PolicyIndex): SubjectVerdict[] => {
  const subjects = request.subjects ?? [];
  const needingConsent = new Map<string, Map<string, GrantedField>>();
  for (const field of decision.allowed) {
    if (!field.consentRequired) continue;
    let ofType = needingConsent.get(field.type);
    if (!ofType) needingConsent.set(field.type, (ofType = new Map()));
    ofType.set(field.field, field);
  }
  if (needingConsent.size === 0) {
    return subjects.map(({ subjectId, type }) => ({ subjectId, type, verdict: 'ALLOW', consentIds: [], missingFields: [] }));
  }

  const at = instantOf(request);
  const purpose = purposeOf(request);
  const department = request.caller.department;
  // The consents that may cover a row's fields of one dataset, found once per row and dataset
  // (a row's fields almost always share one), then asked only whether they name each field.
  const inForce = (consents: readonly IndexedConsent[], datasetCode: string): IndexedConsent[] =>
    consents.filter(
      (c) =>
        c.consumerDepartment === department &&
        c.purpose === purpose &&
        c.datasetCode === datasetCode &&
        at < c.expiresAt &&
        (request.changedAt === undefined || c.grantedAt <= request.changedAt),
    );
  return subjects.map(({ subjectId, type, fields }) => {
    const consentIds: string[] = [];
    const missingFields: string[] = [];
    const grants = needingConsent.get(type);
    const ofSubject = grants ? (index.consents.get(subjectId) ?? []) : [];
    let datasetCode: string | undefined;
    let candidates: IndexedConsent[] = [];
    for (const field of grants ? fields : []) {
      const grant = grants!.get(field);
      if (!grant) continue;
      if (grant.datasetCode !== datasetCode) {
        datasetCode = grant.datasetCode;
        candidates = inForce(ofSubject, datasetCode);
      }
      // The row's key shows no more than that the department may see the row: a catalogued key
      // (a dataset listing `id` as data) is no different.
      const isKey = grant.reason === 'entity key' || field === (request.entityKeys?.get(type) ?? 'id');
      const consent = isKey ? candidates[0] : candidates.find((c) => c.fields.has(field));
      if (!consent) missingFields.push(field);
      else if (!consentIds.includes(consent.id)) consentIds.push(consent.id);
    }
    return {
      subjectId,
      type,
      verdict: missingFields.length === 0 ? 'ALLOW' : 'CONSENT_REQUIRED',
      consentIds: consentIds.sort(),
      missingFields,
    };
  });
};
