import { liesWithinDivision } from '@shuzhi/shared-kernel';
import type { AllowedField, AllowedLookup, PolicyDecision, SubjectRow } from './access.decision.js';

/**
 * A row of the subgraphs' answer with the division it lies in: what its type's `divisionCode`
 * field answered (a resident by household, an enterprise by registered address), fetched by the
 * enforcement point for itself whether the caller selected it or not. Null: the row says none.
 */
export interface DivisionRow extends SubjectRow {
  divisionCode: string | null;
}

export interface DivisionVerdict {
  subjectId: string;
  type: string;
  verdict: 'ALLOW' | 'OUTSIDE_DIVISION';
  /** The division the row lies in, as given. */
  divisionCode: string | null;
  /** The row's fields served under a scope the row does not lie within: why it is withheld. */
  outsideFields: string[];
  /** The scopes the row's fields are served under, each once, in order: what it was held against. */
  scopes: string[];
}

/**
 * Whether a grant (an allowed field or lookup of a decision) serves a row lying in
 * `divisionCode`: a grant without a scope serves every row; a scoped one only rows whose division
 * is its scope or lies within it, the codes compared at their levels (shared-kernel's division
 * codes: a scope 330106 serves 330106001001 and 330106101001, not 330105001001; a scope
 * 330100 serves every code of the city). A row without a division code, or with one that is not
 * a division code, lies within no scope: fail closed.
 */
export const servesDivision = (grant: AllowedField | AllowedLookup, divisionCode: string | null | undefined): boolean => {
  const scope = 'divisionScope' in grant ? grant.divisionScope : undefined;
  return scope === undefined || liesWithinDivision(divisionCode, scope);
};

/**
 * The types some of whose fields the decision serves under a scoped grant: the rows of these
 * types must say where they lie (their `divisionCode`) before they are served.
 */
export const scopedTypes = (decision: PolicyDecision): ReadonlySet<string> =>
  new Set(decision.allowed.flatMap((field) => ('divisionScope' in field && field.divisionScope !== undefined ? [field.type] : [])));

/**
 * The division phase, once the subgraphs have answered, beside the consent phase: for each row,
 * whether every field it carries that the decision serves under a scoped contract is served in
 * a row of that division. A row outside the scope of any of its fields is withheld whole (null,
 * as a row without a required consent is): served in part it would still tell that it exists.
 * Fields the decision did not allow are not served and so not checked here; the rest serve any
 * row.
 */
export const decideDivisions = (decision: PolicyDecision, rows: readonly DivisionRow[]): DivisionVerdict[] => {
  // Type → field → the scope it is served under, for the scoped fields alone.
  const scoped = new Map<string, Map<string, string>>();
  for (const field of decision.allowed) {
    if (!('divisionScope' in field) || field.divisionScope === undefined) continue;
    let ofType = scoped.get(field.type);
    if (!ofType) scoped.set(field.type, (ofType = new Map()));
    ofType.set(field.field, field.divisionScope);
  }
  return rows.map(({ subjectId, type, fields, divisionCode }) => {
    const ofType = scoped.get(type);
    const outsideFields: string[] = [];
    const scopes = new Set<string>();
    for (const field of ofType ? fields : []) {
      const scope = ofType!.get(field);
      if (scope === undefined) continue;
      scopes.add(scope);
      if (!liesWithinDivision(divisionCode, scope)) outsideFields.push(field);
    }
    return {
      subjectId,
      type,
      verdict: outsideFields.length === 0 ? 'ALLOW' : 'OUTSIDE_DIVISION',
      divisionCode,
      outsideFields,
      scopes: [...scopes].sort(),
    };
  });
};
