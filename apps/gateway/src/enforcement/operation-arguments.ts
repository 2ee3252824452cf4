import {
  getNamedType,
  getNullableType,
  isInputObjectType,
  isListType,
  Kind,
  valueFromAST,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { ArgumentRead, SupergraphTopology } from '@shuzhi/policy';

/** One argument the operation gives a field, with the value it was given and what it reads. */
export interface ArgumentUse {
  /** The field's response path, list indices left out (`a.resident`). */
  path: string;
  /** `Query.resident` */
  coordinate: string;
  /** `id`, or `filter.legalRepresentativeId` for a field of an input object. */
  argument: string;
  /** As the subgraph declares it: a field, `none`, or null when it declares nothing. */
  reads: ArgumentRead | null;
  /** The value, coerced (variables and defaults applied). */
  value: unknown;
  /** The field node it is given on, so that a refused lookup can be left out of the operation. */
  node: FieldNode;
}

type Walkable = Pick<OperationDefinitionNode, 'selectionSet'>;

/**
 * Every argument with a value (neither absent nor null) that the operation gives a field, fields
 * of input objects one by one: `enterprises(filter: { legalRepresentativeId: $id })` gives
 * `filter.legalRepresentativeId`. Fragments are followed; the document has passed validation.
 */
export const argumentUses = (
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  document: DocumentNode,
  variables: Readonly<Record<string, unknown>>,
  topology: Pick<SupergraphTopology, 'argumentReads' | 'inputFieldReads'>,
): ArgumentUse[] => {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const uses: ArgumentUse[] = [];
  const walk = (node: Walkable | { selectionSet: SelectionSetNode }, parent: GraphQLCompositeType, prefix: string, seen: Set<string>) => {
    for (const selection of node.selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        const key = selection.alias?.value ?? name;
        const path = prefix ? `${prefix}.${key}` : key;
        const definition = 'getFields' in parent ? parent.getFields()[name] : undefined;
        if (!definition) continue;
        const coordinate = `${parent.name}.${name}`;
        for (const argument of selection.arguments ?? []) {
          const argumentDefinition = definition.args.find((a) => a.name === argument.name.value);
          if (!argumentDefinition) continue;
          const value = valueFromAST(argument.value, argumentDefinition.type, variables as Record<string, unknown>);
          const declared = topology.argumentReads.get(coordinate)?.get(argument.name.value);
          for (const [argumentPath, reads, given] of readsOf(argument.name.value, argumentDefinition.type, value, declared, topology)) {
            uses.push({ path, coordinate, argument: argumentPath, reads, value: given, node: selection });
          }
        }
        const child = getNamedType(definition.type);
        if (selection.selectionSet && 'getFields' in child) walk({ selectionSet: selection.selectionSet }, child as GraphQLCompositeType, path, seen);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        walk(selection, (condition && 'getFields' in condition ? condition : parent) as GraphQLCompositeType, prefix, seen);
      } else {
        const fragment = fragments.get(selection.name.value);
        const condition = fragment && schema.getType(fragment.typeCondition.name.value);
        if (fragment && condition && 'getFields' in condition && !seen.has(fragment.name.value)) {
          walk(fragment, condition as GraphQLCompositeType, prefix, new Set([...seen, fragment.name.value]));
        }
      }
    }
  };
  const root = schema.getRootType(operation.operation);
  if (root) walk(operation, root, '', new Set());
  return uses;
};

/**
 * What one argument's value reads: the argument's own declaration for a scalar (or a list of
 * scalars), each given field's declaration for an input object (nested ones followed).
 */
const readsOf = (
  path: string,
  type: GraphQLInputType,
  value: unknown,
  declared: ArgumentRead | undefined,
  topology: Pick<SupergraphTopology, 'inputFieldReads'>,
): Array<[string, ArgumentRead | null, unknown]> => {
  if (value === undefined || value === null) return [];
  const named = getNamedType(type);
  if (!isInputObjectType(named)) return [[path, declared ?? null, value]];
  const objects = isListType(getNullableType(type)) && Array.isArray(value) ? value : [value];
  const out: Array<[string, ArgumentRead | null, unknown]> = [];
  for (const object of objects) {
    if (object === null || typeof object !== 'object') continue;
    for (const [field, given] of Object.entries(object as Record<string, unknown>)) {
      const definition = named.getFields()[field];
      if (!definition) continue;
      const fieldDeclared = topology.inputFieldReads.get(`${named.name}.${field}`);
      out.push(...readsOf(`${path}.${field}`, definition.type, given, fieldDeclared, topology));
    }
  }
  return out;
};
