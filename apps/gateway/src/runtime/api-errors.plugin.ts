import { GraphQLError, type ExecutionResult } from 'graphql';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { toApiError } from './api-errors.js';

/**
 * The last look at every result before it is serialised: each error gets its API.md code,
 * whichever layer produced it (the request parser, graphql-js, the query planner, a subgraph).
 */
export const useApiErrors = (): GatewayPlugin => ({
  onResultProcess({ result, setResult }) {
    if (Array.isArray(result)) setResult(result.map(withApiErrors));
    else if (!(Symbol.asyncIterator in result)) setResult(withApiErrors(result));
  },
});

const withApiErrors = (result: ExecutionResult): ExecutionResult =>
  result.errors ? { ...result, errors: result.errors.map(asGraphQLError) } : result;

// Rebuilt as a GraphQLError, not left a plain object: Yoga takes the HTTP status from
// `extensions.http` of GraphQLErrors and strips it from what it writes.
const asGraphQLError = (error: GraphQLError): GraphQLError => {
  const formatted = toApiError(error);
  const rebuilt = new GraphQLError(formatted.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: formatted.extensions,
  });
  // Errors the runtime made from a subgraph's answer carry locations without a source to derive them from.
  return rebuilt.locations || !error.locations ? rebuilt : Object.assign(rebuilt, { locations: error.locations });
};
