import {
  getNamedType,
  getNullableType,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  isCompositeType,
  isListType,
  Kind,
  parse,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
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
   * counts once per element it may hold — its `first`/`last`/`limit` argument, written in the
   * query or given by a variable (or the variable's default), else LIST_SIZE_ESTIMATE. A
   * shallow query that fans out list under list is refused.
   */
  maxCost: number;
}

/**
 * The cost limit lets one page of a few thousand flat rows through (an auditor's 5 000 access
 * records, id and cursor: 10 001), and refuses thirty pages of a thousand (30 030).
 */
export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxTokens: 5_000, maxDepth: 15, maxAliases: 30, maxCost: 25_000 };

/** Elements assumed in a list whose size the operation does not state. */
export const LIST_SIZE_ESTIMATE = 10;
const SIZE_ARGUMENTS = new Set(['first', 'last', 'limit']);

const tooComplex = (reason: string) => gatewayError('QUERY_TOO_COMPLEX', reason, { http: { status: 400 } });
/**
 * The cost refusal is answered as a validation error is (it was one until the cost had to see
 * the variables): per GraphQL over HTTP, 400 to a client that accepts
 * application/graphql-response+json, 200 to one that accepts only application/json.
 */
const tooCostly = (maxCost: number) =>
  gatewayError(
    'QUERY_TOO_COMPLEX',
    `the query's estimated cost is over ${maxCost} (lists count ${LIST_SIZE_ESTIMATE} elements unless first, last or limit says)`,
    { http: { status: 400, spec: true } },
  );

/**
 * Checks a document's size and shape as it is parsed, before validation: validation's
 * overlapping-fields rule is quadratic in the fields of a selection, so a document with
 * thousands of aliases must be refused before it gets there. The cost depends on the variables
 * (`first: $n`), which validation does not see, so it is estimated as execution begins, with
 * the operation valid and its variables known, and before any policy or subgraph is asked.
 */
export const useQueryLimits = (limits: QueryLimits): GatewayPlugin => ({
  onParse({ setParseFn }) {
    setParseFn((source, options) => {
      const document = parseWithin(source, options, limits.maxTokens);
      refuseBeyondLimits(document, limits);
      return document;
    });
  },
  onExecute({ args, setResultAndStopExecution }) {
    const operation = getOperationAST(args.document, args.operationName);
    if (!operation) return;
    const cost = estimatedCost(args.schema, args.document, operation, args.variableValues ?? {}, limits.maxCost);
    if (cost > limits.maxCost) setResultAndStopExecution({ errors: [tooCostly(limits.maxCost)] });
  },
});

/**
 * The estimated cost of `operation`, counted up to just past `limit`. Sizes given by variables
 * count as their coerced values; a document is valid by now (execution runs after validation),
 * so its fragments form no cycle and each spread of a fragment costs the same, counted once.
 */
export const estimatedCost = (
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variableValues: Readonly<Record<string, unknown>>,
  limit: number,
): number => {
  const root = schema.getRootType(operation.operation);
  if (!root) return 0;
  // Values the operation cannot take are execution's to refuse; until then the sizes count as sent.
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variableValues, { maxErrors: 1 });
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const counter: CostCounter = { schema, fragments, variables: coerced.coerced ?? variableValues, fragmentCosts: new Map(), limit };
  return costOf(operation.selectionSet, root, counter);
};

interface CostCounter {
  schema: GraphQLSchema;
  fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  variables: Readonly<Record<string, unknown>>;
  fragmentCosts: Map<string, number>;
  limit: number;
}

/** The cost of a selection set on `parent`; stops counting once past the limit. */
const costOf = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType, counter: CostCounter): number => {
  let cost = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const definition = 'getFields' in parent ? parent.getFields()[selection.name.value] : undefined;
      const child = definition && getNamedType(definition.type);
      const beneath = selection.selectionSet && child && isCompositeType(child) ? costOf(selection.selectionSet, child, counter) : 0;
      cost += 1 + (definition && isListType(getNullableType(definition.type)) ? sizeOf(selection, counter.variables) : 1) * beneath;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const condition = selection.typeCondition ? counter.schema.getType(selection.typeCondition.name.value) : parent;
      cost += costOf(selection.selectionSet, condition && isCompositeType(condition) ? condition : parent, counter);
    } else {
      cost += fragmentCost(selection.name.value, counter);
    }
    if (cost > counter.limit) return cost;
  }
  return cost;
};

const fragmentCost = (name: string, counter: CostCounter): number => {
  const known = counter.fragmentCosts.get(name);
  if (known !== undefined) return known;
  // Validation refuses fragment cycles before execution; should one come by, it costs nothing.
  counter.fragmentCosts.set(name, 0);
  const fragment = counter.fragments.get(name);
  const condition = fragment && counter.schema.getType(fragment.typeCondition.name.value);
  const cost = fragment && condition && isCompositeType(condition) ? costOf(fragment.selectionSet, condition, counter) : 0;
  counter.fragmentCosts.set(name, cost);
  return cost;
};

/** A list field's size: its size argument as written or as its variable's value, else the estimate. */
const sizeOf = (field: FieldNode, variables: Readonly<Record<string, unknown>>): number => {
  const size = field.arguments?.find((argument) => SIZE_ARGUMENTS.has(argument.name.value))?.value;
  const value = size?.kind === Kind.INT ? Number(size.value) : size?.kind === Kind.VARIABLE ? variables[size.name.value] : undefined;
  return typeof value === 'number' && Number.isFinite(value) ? Math.max(0, value) : LIST_SIZE_ESTIMATE;
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
