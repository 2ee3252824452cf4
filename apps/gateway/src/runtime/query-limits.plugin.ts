import { GraphQLError, Kind, parse, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { gatewayError } from './api-errors.js';

export interface QueryLimits {
  /** Lexical tokens in the document; enforced while parsing, so a huge document is never built. */
  maxTokens: number;
  /** Nesting of selections, fragments followed. */
  maxDepth: number;
  /** Aliased fields in the whole document. */
  maxAliases: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxTokens: 5_000, maxDepth: 15, maxAliases: 30 };

const tooComplex = (reason: string) => gatewayError('QUERY_TOO_COMPLEX', reason, { http: { status: 400 } });

/**
 * Checks a document's size and shape as it is parsed, before validation: validation's
 * overlapping-fields rule is quadratic in the fields of a selection, so a document with
 * thousands of aliases must be refused before it gets there.
 */
export const useQueryLimits = (limits: QueryLimits): GatewayPlugin => ({
  onParse({ setParseFn }) {
    setParseFn((source, options) => {
      const document = parseWithin(source, options, limits.maxTokens);
      refuseBeyondLimits(document, limits);
      return document;
    });
  },
});

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
