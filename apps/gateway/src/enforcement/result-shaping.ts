import { GraphQLError } from 'graphql';
import { liesWithinDivision } from '@shuzhi/shared-kernel';
import { applyMask, type DivisionRow, type DivisionVerdict, type HashKey, type PolicyDecision, type SubjectRow, type SubjectVerdict } from '@shuzhi/policy';
import { DIVISION_ALIAS, KEY_ALIAS, type SelectedField, type SelectionTree } from './operation-selections.js';

type Path = Array<string | number>;
type Json = Record<string, unknown>;

/** What the shaping did, for the access record. */
export interface ShapedResult {
  data: Json | null | undefined;
  errors: GraphQLError[];
  masked: Map<string, string>;
  subjects: Array<{ type: string; id: string }>;
  withheld: Array<{ type: string; id: string; missingFields: string[] }>;
  /**
   * Contract id → the rows served under it: distinct subject rows (by type and key; a row
   * without its key counts alone) that carry at least one field the contract grants.
   */
  rowsByContract: Map<string, number>;
}

export interface ShapingRules {
  decision: PolicyDecision;
  /** Entity type → its key field, for the types the catalog binds. */
  keys: ReadonlyMap<string, string>;
  hashKey: HashKey;
  /** The consent phase: a verdict per row that carries a consent-requiring field. */
  decideRows: (rows: SubjectRow[]) => SubjectVerdict[];
  /** The division phase: a verdict per row of a type served under a contract scoped to a division. */
  decideDivisions?: (rows: DivisionRow[]) => DivisionVerdict[];
  /**
   * Root fields (response keys) that look a row up under a contract requiring consent: found
   * nothing, they answer as a withheld row does, so that "no such subject" and "no consent"
   * cannot be told apart.
   */
  consentLookups?: readonly string[];
  /**
   * Root fields that look a row up under a contract scoped to a division, with its scope: the row
   * found is served only within it, and found nothing, they answer as a row outside it does.
   */
  scopedLookups?: ReadonlyArray<{ key: string; scope: string }>;
}

/** The same words for a withheld row and for a consent-bound lookup that found nothing. */
const WITHHELD = 'no row is served here without its subject\'s consent to this use';
/** The same words for a row outside a contract's division and for a scoped lookup that found nothing. */
const OUTSIDE = 'no row is served here outside the division the contract is scoped to';

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

type Visit = (object: Json, node: SelectionTree, path: Path) => void;

/** Calls `visit` for every object of the result at a node of the tree, with its path. */
const eachObject = (value: unknown, node: SelectionTree, path: Path, visit: Visit): void => {
  if (Array.isArray(value)) {
    value.forEach((item, index) => eachObject(item, node, [...path, index], visit));
  } else if (isObject(value)) {
    visit(value, node, path);
  }
};

const descend = (object: Json, node: SelectionTree, path: Path, visit: Visit) => {
  for (const [key, selected] of node.fields) {
    if (selected.children && key in object) eachObject(object[key], selected.children, [...path, key], visit);
  }
};

/**
 * The result as the caller may see it, in three steps over the data (denied fields are not in it:
 * they were left out of the operation):
 * 0. divisions: a row of a type served under a contract scoped to a division, lying outside the
 *    scope of a field it carries (`decideDivisions`), is not served: an item of a list is left
 *    out of it (a scoped reader's list is its division's rows; a null item would count the
 *    others), a row on its own becomes null with CONTRACT_REQUIRED on its path. A scoped lookup
 *    that found nothing answers alike, so "no such subject" and "elsewhere" cannot be told apart.
 * 1. consent: each subject's object whose fields rest on a consent-requiring contract is
 *    served only when `decideRows` allows it; otherwise it becomes null with CONSENT_REQUIRED
 *    on its path (an object without its key cannot be checked and is withheld too). The error
 *    names the path and the fields, never the subject: the caller may not know who it was.
 * 2. each served field gets its contract's mask, and the keys the gateway added are removed.
 */
export const shapeResult = (data: Json | null | undefined, tree: SelectionTree, rules: ShapingRules): ShapedResult => {
  const shaped: ShapedResult = { data, errors: [], masked: new Map(), subjects: [], withheld: [], rowsByContract: new Map() };
  if (!isObject(data)) return shaped;
  const allowed = new Map(rules.decision.allowed.map((a) => [`${a.type}.${a.field}`, a]));
  const consentTypes = new Set(rules.decision.allowed.filter((a) => a.consentRequired).map((a) => a.type));

  // A withheld row in a non-null position nulls its parent instead, up to the nearest nullable
  // position (GraphQL's null propagation); the error keeps the row's own path.
  const withhold = (path: Path) => {
    let at = path;
    while (at.length > 0 && !nullableAt(tree, at)) at = at.slice(0, -1);
    if (at.length === 0) return void (shaped.data = null);
    const holder = at.slice(0, -1).reduce<unknown>((value, segment) => (value as Json | null)?.[segment as string], shaped.data);
    if (holder !== null && typeof holder === 'object') (holder as Json)[at[at.length - 1] as string] = null;
  };
  const rowFields = (node: SelectionTree) => [...node.fields.values()].filter((s) => s.type === node.type && allowed.has(`${s.type}.${s.field}`)).map((s) => s.field);

  // 0. divisions
  const scopedTypes = new Set(rules.decision.allowed.flatMap((a) => ('divisionScope' in a && a.divisionScope !== undefined ? [a.type] : [])));
  const lookupScopes = new Map((rules.scopedLookups ?? []).map(({ key, scope }) => [key, scope]));
  const consentLookups = new Set(rules.consentLookups ?? []);
  if (rules.decideDivisions && (scopedTypes.size > 0 || lookupScopes.size > 0)) {
    const located: Array<{ row: DivisionRow; object: Json; path: Path; lookupScope?: string }> = [];
    const locate = (object: Json, node: SelectionTree, path: Path) => {
      // A row a scoped lookup found is held to the lookup's scope whatever contract serves its
      // fields: the lookup is what found it.
      const found = path.length === 1 || (path.length === 2 && typeof path[1] === 'number');
      const lookupScope = found ? lookupScopes.get(String(path[0])) : undefined;
      if (scopedTypes.has(node.type) || lookupScope !== undefined) {
        const id = object[KEY_ALIAS];
        const division = object[DIVISION_ALIAS];
        const row = { type: node.type, subjectId: String(id ?? ''), fields: rowFields(node), divisionCode: typeof division === 'string' ? division : null };
        located.push({ row, object, path, lookupScope });
      }
      descend(object, node, path, locate);
    };
    descend(data, tree, [], locate);
    const dropped = new Set<Json>();
    rules.decideDivisions(located.map((l) => l.row)).forEach((verdict, i) => {
      const { row, object, path, lookupScope } = located[i];
      const foundElsewhere = lookupScope !== undefined && !liesWithinDivision(row.divisionCode, lookupScope);
      if (verdict.verdict === 'ALLOW' && !foundElsewhere) return;
      const fields = [...new Set([...verdict.outsideFields, ...(foundElsewhere ? row.fields : [])])];
      shaped.withheld.push({ type: verdict.type, id: verdict.subjectId, missingFields: fields });
      if (typeof path[path.length - 1] === 'number') return void dropped.add(object);
      withhold(path);
      // A lookup's own row answers as the lookup that found nobody does (below; step 1 when it
      // is bound by consent as well), so that elsewhere, without consent and nobody cannot be told apart.
      if (path.length === 1 && (lookupScopes.has(String(path[0])) || consentLookups.has(String(path[0])))) return;
      shaped.errors.push(outsideError(path, fields.map((f) => `${verdict.type}.${f}`)));
    });
    if (dropped.size > 0) withoutItems(shaped.data, dropped);
    for (const key of lookupScopes.keys()) {
      if (consentLookups.has(key)) continue;
      const selected = tree.fields.get(key);
      if (!isObject(shaped.data) || shaped.data[key] !== null || !selected?.children) continue;
      if (shaped.errors.some((e) => e.path?.length === 1 && e.path[0] === key)) continue;
      const fields = [...selected.children.fields.values()].filter((f) => f.type === selected.children!.type && allowed.has(`${f.type}.${f.field}`)).map((f) => `${f.type}.${f.field}`);
      shaped.errors.push(outsideError([key], [...new Set(fields)]));
    }
  }

  // 1. consent
  const rows: Array<{ row: SubjectRow; path: Path }> = [];
  const unkeyed: Array<{ type: string; path: Path }> = [];
  const collect = (object: Json, node: SelectionTree, path: Path) => {
    if (consentTypes.has(node.type)) {
      const id = rules.keys.has(node.type) ? object[KEY_ALIAS] : undefined;
      const fields = rowFields(node);
      if (typeof id === 'string' || typeof id === 'number') rows.push({ row: { type: node.type, subjectId: String(id), fields }, path });
      else unkeyed.push({ type: node.type, path });
    }
    descend(object, node, path, collect);
  };
  if (isObject(shaped.data)) descend(shaped.data, tree, [], collect);
  const verdicts = rows.length > 0 ? rules.decideRows(rows.map((r) => r.row)) : [];
  verdicts.forEach((verdict, i) => {
    if (verdict.verdict === 'ALLOW') return;
    const { path } = rows[i];
    withhold(path);
    shaped.withheld.push({ type: verdict.type, id: verdict.subjectId, missingFields: verdict.missingFields });
    // A lookup's own row answers as the lookup that found nobody does (below), whatever consents it lacked.
    if (path.length === 1 && consentLookups.has(String(path[0]))) return;
    shaped.errors.push(
      new GraphQLError(WITHHELD, {
        path,
        extensions: { code: 'CONSENT_REQUIRED', reason: WITHHELD, fields: verdict.missingFields.map((f) => `${verdict.type}.${f}`) },
      }),
    );
  });
  for (const key of rules.consentLookups ?? []) {
    const selected = tree.fields.get(key);
    const withheld = shaped.errors.some((e) => e.path?.length === 1 && e.path[0] === key);
    if (!isObject(shaped.data) || shaped.data[key] !== null || !selected?.children || withheld) continue;
    const fields = [...selected.children.fields.values()].filter((f) => allowed.get(`${f.type}.${f.field}`)?.consentRequired).map((f) => `${f.type}.${f.field}`);
    shaped.errors.push(new GraphQLError(WITHHELD, { path: [key], extensions: { code: 'CONSENT_REQUIRED', reason: WITHHELD, fields: [...new Set(fields)] } }));
  }
  for (const { type, path } of unkeyed) {
    withhold(path);
    shaped.errors.push(
      new GraphQLError(`a ${type} without its key cannot be checked for consent`, {
        path,
        extensions: { code: 'CONSENT_REQUIRED', reason: 'the row could not be tied to a data subject' },
      }),
    );
  }

  // 2. masks, added keys
  const rowsUnder = new Map<string, Set<string>>();
  let unkeyedRows = 0;
  const finish = (object: Json, node: SelectionTree, path: Path) => {
    const id = rules.keys.has(node.type) ? object[KEY_ALIAS] : undefined;
    const keyed = typeof id === 'string' || typeof id === 'number';
    if (keyed) shaped.subjects.push({ type: node.type, id: String(id) });
    delete object[KEY_ALIAS];
    delete object[DIVISION_ALIAS];
    let row: string | undefined;
    for (const [key, selected] of node.fields) {
      if (!(key in object)) continue;
      const coordinate = `${selected.type}.${selected.field}`;
      const contractId = allowed.get(coordinate)?.contractId ?? null;
      if (contractId !== null) {
        row ??= keyed ? `${node.type}\u0000${String(id)}` : `\u0001${unkeyedRows++}`;
        const rows = rowsUnder.get(contractId) ?? new Set<string>();
        rows.add(row);
        rowsUnder.set(contractId, rows);
      }
      const mask = allowed.get(coordinate)?.mask ?? 'NONE';
      if (mask !== 'NONE') {
        object[key] = applyMask(mask, object[key], rules.hashKey);
        shaped.masked.set(coordinate, mask);
        continue;
      }
      if (selected.children) eachObject(object[key], selected.children, [...path, key], finish);
    }
  };
  if (isObject(shaped.data)) finish(shaped.data, tree, []);
  for (const [contractId, rows] of rowsUnder) shaped.rowsByContract.set(contractId, rows.size);
  return shaped;
};

const outsideError = (path: Path, fields: string[]) =>
  new GraphQLError(OUTSIDE, { path, extensions: { code: 'CONTRACT_REQUIRED', reason: OUTSIDE, fields } });

/** `value` with the objects in `dropped` taken out of every list that holds them, wherever it is. */
const withoutItems = (value: unknown, dropped: ReadonlySet<Json>): void => {
  if (Array.isArray(value)) {
    for (let i = value.length - 1; i >= 0; i--) {
      if (dropped.has(value[i] as Json)) value.splice(i, 1);
      else withoutItems(value[i], dropped);
    }
  } else if (isObject(value)) {
    for (const child of Object.values(value)) withoutItems(child, dropped);
  }
};

/** Whether the result may hold null at `path`: a nullable field, or an item of a list of nullable items. */
const nullableAt = (tree: SelectionTree, path: Path): boolean => {
  let node: SelectionTree | undefined = tree;
  let field: SelectedField | undefined;
  for (const segment of path) {
    if (typeof segment === 'number') continue;
    field = node?.fields.get(segment);
    node = field?.children;
  }
  if (!field) return true;
  return typeof path[path.length - 1] === 'number' ? !field.itemsNonNull : !field.nonNull;
};
