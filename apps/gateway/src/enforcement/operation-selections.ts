import {
  getNamedType,
  getNullableType,
  isListType,
  isNonNullType,
  print,
  isCompositeType,
  isObjectType,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { DIVISION_CODE_FIELD } from '@shuzhi/governance-events';
import type { FieldSelection } from '@shuzhi/policy';

/** One response key of a selection set: the field it selects and what is selected beneath it. */
export interface SelectedField {
  type: string;
  field: string;
  /** The field is non-null, and (for a list) so are its items: a null there makes its parent null. */
  nonNull: boolean;
  itemsNonNull: boolean;
  children?: SelectionTree;
}

/** A selection set as the result will have it: response keys merged across fragments. */
export interface SelectionTree {
  /** The type the selection set is on (the abstract type for an interface or union). */
  type: string;
  fields: Map<string, SelectedField>;
}

export interface OperationSelections {
  /** Every selected field with its response path, for the policy decision. */
  selections: FieldSelection[];
  /** The same, shaped like the result, for masking and consent. */
  tree: SelectionTree;
}

/** The operation that will run (by name, or the only one), as graphql-js picks it. */
export const operationOf = (document: DocumentNode, operationName: string | undefined): OperationDefinitionNode | undefined => {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  return operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
};

/**
 * Every field the operation selects, by the type it is selected on, fragments expanded. The
 * document has passed validation, so every field exists on its parent type and fragments
 * do not cycle.
 */
export const readSelections = (schema: GraphQLSchema, operation: OperationDefinitionNode, document: DocumentNode): OperationSelections => {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const selections: FieldSelection[] = [];
  const root = schema.getRootType(operation.operation);
  if (!root) throw new Error(`the schema has no ${operation.operation} type`);
  const tree: SelectionTree = { type: root.name, fields: new Map() };

  const walk = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType, node: SelectionTree, prefix: string) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const field = selection.name.value;
        const key = selection.alias?.value ?? field;
        const path = prefix ? `${prefix}.${key}` : key;
        selections.push({ type: parent.name, field, path });
        const definition = 'getFields' in parent ? parent.getFields()[field] : undefined;
        let selected = node.fields.get(key);
        if (!selected) node.fields.set(key, (selected = { type: parent.name, field, ...nullabilityOf(definition?.type) }));
        if (!selection.selectionSet || field.startsWith('__')) continue;
        const child = definition ? getNamedType(definition.type) : undefined;
        if (!child || !isCompositeType(child)) continue;
        selected.children ??= { type: child.name, fields: new Map() };
        walk(selection.selectionSet, child, selected.children, path);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        walk(selection.selectionSet, condition && isCompositeType(condition) ? condition : parent, node, prefix);
      } else {
        const fragment = fragments.get(selection.name.value);
        const condition = fragment && schema.getType(fragment.typeCondition.name.value);
        if (fragment && condition && isCompositeType(condition)) walk(fragment.selectionSet, condition, node, prefix);
      }
    }
  };
  walk(operation.selectionSet, root, tree, '');
  return { selections, tree };
};

const nullabilityOf = (type: GraphQLOutputType | undefined): Pick<SelectedField, 'nonNull' | 'itemsNonNull'> => {
  if (!type) return { nonNull: false, itemsNonNull: false };
  const nullable = getNullableType(type);
  return { nonNull: isNonNullType(type), itemsNonNull: isListType(nullable) && isNonNullType(nullable.ofType) };
};

/**
 * The response name under which the gateway asks for each row's key for itself. Its own name,
 * not the key's: a caller's `id` may be denied and left out, skipped (`@skip`), aliased or
 * masked, and the gateway must still know whose row it serves.
 */
export const KEY_ALIAS = '_shuzhiKey';

/**
 * The response name under which the gateway asks, for itself, where a row lies (its type's
 * `divisionCode`) when a contract it is read under is scoped to a division.
 */
export const DIVISION_ALIAS = '_shuzhiDivision';

const RESERVED = [KEY_ALIAS, DIVISION_ALIAS];

/** The operation uses one of the gateway's own response names. */
export class ReservedNameUsed extends Error {
  constructor(name: string) {
    super(`the response name "${name}" is the gateway's own; alias the field differently`);
  }
}

/**
 * The document with the key field, under `KEY_ALIAS`, added to every selection set on an entity
 * type in `keys`, so that the gateway can tell whose row each object is (consent, access records)
 * whatever the caller selected; and, on the types in `located`, the row's division under
 * `DIVISION_ALIAS`, so that it can tell whether a scoped contract serves the row. The additions
 * are removed from the result again.
 */
export const withKeyFields = (
  schema: GraphQLSchema,
  document: DocumentNode,
  keys: ReadonlyMap<string, string>,
  located: ReadonlySet<string> = new Set(),
): DocumentNode => {
  const typeInfo = new TypeInfo(schema);
  return visit(
    document,
    visitWithTypeInfo(typeInfo, {
      // The caller's selections only: a set is entered before the field added to it.
      SelectionSet(node) {
        for (const s of node.selections) if (s.kind === Kind.FIELD && s.alias && RESERVED.includes(s.alias.value)) throw new ReservedNameUsed(s.alias.value);
        const parent = typeInfo.getParentType();
        if (!parent || !isObjectType(parent)) return undefined;
        const key = keys.get(parent.name);
        const added: FieldNode[] = [];
        if (key) added.push({ kind: Kind.FIELD, alias: { kind: Kind.NAME, value: KEY_ALIAS }, name: { kind: Kind.NAME, value: key } });
        if (located.has(parent.name) && parent.getFields()[DIVISION_CODE_FIELD]) {
          added.push({ kind: Kind.FIELD, alias: { kind: Kind.NAME, value: DIVISION_ALIAS }, name: { kind: Kind.NAME, value: DIVISION_CODE_FIELD } });
        }
        return added.length === 0 ? undefined : { ...node, selections: [...node.selections, ...added] };
      },
    }),
  );
};

/** What an operation's text alone determines, for one schema. */
export interface OperationReading extends OperationSelections {
  definition: OperationDefinitionNode;
  /** The document printed, as the access record's operation hash covers it. */
  printed: string;
}

interface CachedReading {
  schema: GraphQLSchema;
  operationName: string | undefined;
  reading: OperationReading | undefined;
  keyed?: { keys: ReadonlyMap<string, string>; located: string; document: DocumentNode };
}

/**
 * Readings of operations, worked out once per parsed document: the runtime parses each distinct
 * operation text once and hands every request with that text the same document object, so a
 * department system asking the same query again pays for the walk, the print and the key
 * rewrite only the first time. Held weakly: documents the runtime forgets go with them.
 */
export class OperationReadings {
  private readonly cache = new WeakMap<DocumentNode, CachedReading>();

  /** The operation graphql-js will run, with its selections; undefined when there is none to run. */
  read(schema: GraphQLSchema, document: DocumentNode, operationName: string | undefined): OperationReading | undefined {
    return this.cached(schema, document, operationName).reading;
  }

  /** `withKeyFields` of the document, kept while the keys stay the same map and the same types are located. */
  withKeys(
    schema: GraphQLSchema,
    document: DocumentNode,
    operationName: string | undefined,
    keys: ReadonlyMap<string, string>,
    located: ReadonlySet<string>,
  ): DocumentNode {
    const cached = this.cached(schema, document, operationName);
    const locatedKey = [...located].sort().join(',');
    if (cached.keyed?.keys !== keys || cached.keyed.located !== locatedKey) {
      cached.keyed = { keys, located: locatedKey, document: withKeyFields(schema, document, keys, located) };
    }
    return cached.keyed.document;
  }

  private cached(schema: GraphQLSchema, document: DocumentNode, operationName: string | undefined): CachedReading {
    const hit = this.cache.get(document);
    if (hit && hit.schema === schema && hit.operationName === operationName) return hit;
    const definition = operationOf(document, operationName);
    const reading = definition && { definition, ...readSelections(schema, definition, document), printed: print(document) };
    const entry: CachedReading = { schema, operationName, reading };
    this.cache.set(document, entry);
    return entry;
  }
}
