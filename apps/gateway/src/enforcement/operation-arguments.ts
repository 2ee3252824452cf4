import {
  getArgumentValues,
  getNamedType,
  getNullableType,
  getVariableValues,
  isInputObjectType,
  isListType,
  Kind,
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
  /** The value, coerced as execution will (the variables', their defaults' and the schema's defaults applied). */
  value: unknown;
  /** The field node it is given on, so that a refused lookup can be left out of the operation. */
  node: FieldNode;
}

type Walkable = Pick<OperationDefinitionNode, 'selectionSet'>;

/** The operation's variables cannot be coerced: execution would refuse them too. */
export class VariablesRefused extends Error {}

/**
 * Every argument with a value (neither absent nor null) that the operation gives a field, fields
 * of input objects one by one: `enterprises(filter: { legalRepresentativeId: $id })` gives
 * `filter.legalRepresentativeId`. Values are coerced exactly as execution will coerce them, so a
 * variable's default (`query ($n: String = "...")`) or an argument's schema default is seen as
 * the subgraph will receive it. Fragments are followed; the document has passed validation.
 */
export const argumentUses = (
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  document: DocumentNode,
  rawVariables: Readonly<Record<string, unknown>>,
  topology: Pick<SupergraphTopology, 'argumentReads' | 'inputFieldReads'>,
): ArgumentUse[] => {
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables);
  if (coerced.errors) throw new VariablesRefused(coerced.errors.map((e) => e.message).join('; '));
  const variables = coerced.coerced;
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
        const values = getArgumentValues(definition, selection, variables);
        for (const argumentDefinition of definition.args) {
          const declared = topology.argumentReads.get(coordinate)?.get(argumentDefinition.name);
          const value = values[argumentDefinition.name];
          for (const [argumentPath, reads, given] of readsOf(argumentDefinition.name, argumentDefinition.type, value, declared, topology)) {
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

/** What an access record keeps of one argument's value: enough to name the subject looked up. */
const MAX_RECORDED_VALUE = 256;
// NUL is the one control character jsonb refuses; matching it is the point.
// eslint-disable-next-line no-control-regex
const LONE_SURROGATE_OR_NUL = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * An argument's value as the access record keeps it: the caller's text, made storable (jsonb
 * refuses NUL and unpaired surrogates, and one record it refuses would fail its whole group
 * commit) and cut to MAX_RECORDED_VALUE characters, whole characters only.
 */
export const recordedValue = (value: unknown): string => {
  const text = (typeof value === 'string' ? value : (JSON.stringify(value) ?? '')).replace(LONE_SURROGATE_OR_NUL, '\uFFFD');
  const characters = Array.from(text);
  return characters.length > MAX_RECORDED_VALUE ? `${characters.slice(0, MAX_RECORDED_VALUE).join('')}…` : text;
};
