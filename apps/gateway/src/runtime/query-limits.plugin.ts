import {
  getNamedType,
  getNullableType,
  GraphQLError,
  isCompositeType,
  isListType,
  Kind,
  parse,
  type ASTVisitor,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { gatewayError } from './api-errors.js';

export interface QueryLimits {
  /** Lexical tokens in the document; enforced while parsing, so a huge document is never built. */
  maxTokens: number;
  /** Nesting of selections, fragments followed. */
  maxDepth: number;
  /** Aliased fields in the whole document. */
  maxAliases: number;
  /**
   * Estimated cost of an operation: each field costs 1, and what is selected beneath a list
   * counts once per element it may hold — its `first`/`last`/`limit` argument when given as a
   * literal, else LIST_SIZE_ESTIMATE. A shallow query that fans out list under list is refused.
   */
  maxCost: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxTokens: 5_000, maxDepth: 15, maxAliases: 30, maxCost: 10_000 };

/** Elements assumed in a list whose size the operation does not state. */
export const LIST_SIZE_ESTIMATE = 10;
const SIZE_ARGUMENTS = new Set(['first', 'last', 'limit']);

const tooComplex = (reason: string) => gatewayError('QUERY_TOO_COMPLEX', reason, { http: { status: 400 } });

/**
 * Checks a document's size and shape as it is parsed, before validation: validation's
 * overlapping-fields rule is quadratic in the fields of a selection, so a document with
 * thousands of aliases must be refused before it gets there. The cost needs the schema's list
 * types, so it is a validation rule.
 */
export const useQueryLimits = (limits: QueryLimits): GatewayPlugin => ({
  onParse({ setParseFn }) {
    setParseFn((source, options) => {
      const document = parseWithin(source, options, limits.maxTokens);
      refuseBeyondLimits(document, limits);
      return document;
    });
  },
  onValidate({ addValidationRule }) {
    addValidationRule(costLimit(limits.maxCost));
  },
});

/** A validation rule refusing each operation whose estimated cost passes `maxCost`. */
export const costLimit =
  (maxCost: number) =>
  (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(operation) {
      const root = context.getSchema().getRootType(operation.operation);
      if (!root) return;
      const cost = costOf(operation.selectionSet, root, context, new Set(), maxCost);
      if (cost > maxCost) context.reportError(tooComplex(`the query's estimated cost is over ${maxCost} (lists count ${LIST_SIZE_ESTIMATE} elements unless first, last or limit says)`));
    },
  });

/** The cost of a selection set on `parent`; stops counting once past `limit`. Fragments on the path are not followed again. */
const costOf = (
  selectionSet: SelectionSetNode,
  parent: GraphQLCompositeType,
  context: ValidationContext,
  path: Set<string>,
  limit: number,
): number => {
  let cost = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const definition = 'getFields' in parent ? parent.getFields()[selection.name.value] : undefined;
      const child = definition && getNamedType(definition.type);
      const beneath =
        selection.selectionSet && child && isCompositeType(child) ? costOf(selection.selectionSet, child, context, path, limit) : 0;
      cost += 1 + (definition && isListType(getNullableType(definition.type)) ? sizeOf(selection) : 1) * beneath;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const condition = selection.typeCondition ? context.getSchema().getType(selection.typeCondition.name.value) : parent;
      cost += costOf(selection.selectionSet, condition && isCompositeType(condition) ? condition : parent, context, path, limit);
    } else {
      const fragment = context.getFragment(selection.name.value);
      const condition = fragment && context.getSchema().getType(fragment.typeCondition.name.value);
      if (fragment && condition && isCompositeType(condition) && !path.has(fragment.name.value)) {
        path.add(fragment.name.value);
        cost += costOf(fragment.selectionSet, condition, context, path, limit);
        path.delete(fragment.name.value);
      }
    }
    if (cost > limit) return cost;
  }
  return cost;
};

const sizeOf = (field: FieldNode): number => {
  const size = field.arguments?.find((argument) => SIZE_ARGUMENTS.has(argument.name.value))?.value;
  return size?.kind === Kind.INT ? Math.max(0, Number(size.value)) : LIST_SIZE_ESTIMATE;
};

const parseWithin = (source: Parameters<typeof parse>[0], options: Parameters<typeof parse>[1], maxTokens: number): DocumentNode => {
  try {
    return parse(source, { ...options, maxTokens });
  } catch (error) {
    // graphql-js says so only in words, misspelt in 16.x: "Document contains more that N tokens".
    if (error instanceof GraphQLError && /contains more tha[nt] \d+ tokens/.test(error.message)) {
      throw tooComplex(`the query has more than ${maxTokens} tokens`);
    }
    throw error;
  }
};

export const refuseBeyondLimits = (document: DocumentNode, limits: QueryLimits): void => {
  const aliases = countAliases(document);
  if (aliases > limits.maxAliases) throw tooComplex(`the query has ${aliases} aliases; at most ${limits.maxAliases} are allowed`);
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    if (depthOf(definition.selectionSet, fragments, new Set(), limits.maxDepth) > limits.maxDepth) {
      throw tooComplex(`the query nests deeper than ${limits.maxDepth} levels`);
    }
  }
};

const countAliases = (document: DocumentNode): number => {
  let count = 0;
  const visit = (selectionSet: SelectionSetNode | undefined) => {
    for (const selection of selectionSet?.selections ?? []) {
      if (selection.kind === Kind.FIELD && selection.alias) count++;
      if (selection.kind !== Kind.FRAGMENT_SPREAD) visit(selection.selectionSet);
    }
  };
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION || definition.kind === Kind.FRAGMENT_DEFINITION) visit(definition.selectionSet);
  }
  return count;
};

/**
 * The depth of a selection set, fragments followed. It stops as soon as `limit` is passed, and
 * a fragment already on the path is not followed again: cycles are validation's to report,
 * and this runs before validation.
 */
const depthOf = (
  selectionSet: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  path: Set<string>,
  limit: number,
): number => {
  let deepest = 0;
  for (const selection of selectionSet.selections) {
    let depth = 0;
    if (selection.kind === Kind.FIELD) {
      depth = selection.selectionSet ? 1 + depthOf(selection.selectionSet, fragments, path, limit - 1) : 1;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      depth = depthOf(selection.selectionSet, fragments, path, limit);
    } else {
      const name = selection.name.value;
      const fragment = fragments.get(name);
      if (fragment && !path.has(name)) {
        path.add(name);
        depth = depthOf(fragment.selectionSet, fragments, path, limit);
        path.delete(name);
      }
    }
    deepest = Math.max(deepest, depth);
    if (deepest > limit) return deepest;
  }
  return deepest;
};
