import {
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FieldNode,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';

/** The operation as it will run: denied fields left out, and whether anything is left to run. */
export interface RemovedDenied {
  document: DocumentNode;
  /** Nothing of the operation is left to run. */
  empty: boolean;
}

const emptySelections = (set: SelectionSetNode | undefined) => set !== undefined && set.selections.length === 0;

/**
 * The document without the fields the decision denied, so that a denied field never reaches a
 * subgraph (and cannot answer "is there such a row?" by being executed): every field selected on
 * a denied `Type.field` is removed, and every node in `removedNodes` (fields whose lookup was
 * refused); then whatever that leaves empty (a field whose whole selection was denied, an inline
 * fragment, a fragment and its spreads), up to the root fields, which are then refused whole.
 */
export const withoutDenied = (
  schema: GraphQLSchema,
  document: DocumentNode,
  denied: ReadonlySet<string>,
  removedNodes: ReadonlySet<FieldNode>,
): RemovedDenied => {
  // Nothing denied (every request outside partial answers): the operation as it came.
  if (denied.size === 0 && removedNodes.size === 0) return { document, empty: false };
  const typeInfo = new TypeInfo(schema);
  let current = visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field: {
        enter(node) {
          const parent = typeInfo.getParentType();
          if (removedNodes.has(node) || (parent && denied.has(`${parent.name}.${node.name.value}`))) return null;
          return undefined;
        },
        leave(node) {
          return emptySelections(node.selectionSet) ? null : undefined;
        },
      },
      InlineFragment: { leave: (node) => (emptySelections(node.selectionSet) ? null : undefined) },
    }),
  );
  // A fragment left empty is dropped with its spreads, which may empty others: until nothing changes.
  for (;;) {
    const empty = new Set(
      current.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION && emptySelections(d.selectionSet) ? [d.name.value] : [])),
    );
    if (empty.size === 0) break;
    current = visit(current, {
      FragmentDefinition: (node) => (empty.has(node.name.value) ? null : undefined),
      FragmentSpread: (node) => (empty.has(node.name.value) ? null : undefined),
      Field: { leave: (node) => (emptySelections(node.selectionSet) ? null : undefined) },
      InlineFragment: { leave: (node) => (emptySelections(node.selectionSet) ? null : undefined) },
    });
  }
  const operations = current.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  return { document: current, empty: operations.every((o) => o.selectionSet.selections.length === 0) };
};
