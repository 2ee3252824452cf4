import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { ApiErrorCode } from '@shuzhi/subgraph';

// A record rather than a list, so that a code added to API.md's union fails to compile here
// until the gateway knows it. Type-only import: the subgraph lib's runtime is Apollo's.
const API_CODES: Record<ApiErrorCode, true> = {
  UNAUTHENTICATED: true,
  FORBIDDEN: true,
  PURPOSE_REQUIRED: true,
  CONTRACT_REQUIRED: true,
  CONSENT_REQUIRED: true,
  QUOTA_EXCEEDED: true,
  VALIDATION_FAILED: true,
  NOT_FOUND: true,
  INVALID_TRANSITION: true,
  CONCURRENCY_CONFLICT: true,
  INCOMPATIBLE_SCHEMA: true,
  QUERY_TOO_COMPLEX: true,
  INTERNAL: true,
};

export const isApiErrorCode = (code: unknown): code is ApiErrorCode => typeof code === 'string' && Object.hasOwn(API_CODES, code);

export type { ApiErrorCode };

/** An error with an API.md code and its reason in plain words, as clients see it. */
export const gatewayError = (code: ApiErrorCode, reason: string, details: Record<string, unknown> = {}): GraphQLError =>
  new GraphQLError(reason, { extensions: { code, reason, ...details } });

/** Codes of the GraphQL tooling (Apollo, Yoga, graphql-tools) for requests it could not take. */
const REQUEST_CODES = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'BAD_REQUEST']);

/** Codes the Hive runtime gives failures between the gateway and a subgraph. */
const UPSTREAM_CODES: Record<string, string> = {
  GATEWAY_TIMEOUT: 'a service behind the gateway did not answer in time',
  DOWNSTREAM_SERVICE_ERROR: 'a service behind the gateway failed',
  SCHEMA_RELOAD: 'the graph was reloaded during the request; send it again',
  SUBREQUEST_HTTP_ERROR: 'a service behind the gateway could not be reached',
};

type ErrorLike = GraphQLError | GraphQLFormattedError;

/** A failure between the gateway and a subgraph, as the runtime reports it. */
export const isUpstreamFailure = (error: unknown): error is GraphQLError =>
  error instanceof GraphQLError && typeof error.extensions?.code === 'string' && Object.hasOwn(UPSTREAM_CODES, error.extensions.code);

/**
 * The error as a client may see it: every error carries an API.md code. Codes from the
 * subgraphs pass through; the tooling's request errors become VALIDATION_FAILED; anything else
 * is INTERNAL and says nothing of its insides (`log` gets the original).
 */
export const toApiError = (error: ErrorLike, log: (error: ErrorLike) => void = logHidden): GraphQLFormattedError => {
  const base = { message: error.message, locations: error.locations, path: error.path };
  // The runtime attaches the subgraph request and response (URL, body, headers) to upstream
  // errors: topology and possibly personal data, never the client's to see.
  const { code, stacktrace: _stack, request: _request, response: _response, serviceName, ...details } = error.extensions ?? {};
  if (isApiErrorCode(code)) {
    return { ...base, extensions: { code, reason: error.message, ...details } };
  }
  if (typeof code === 'string' && REQUEST_CODES.has(code)) {
    return { ...base, extensions: { ...httpOf(details), code: 'VALIDATION_FAILED', reason: error.message } };
  }
  if (typeof code === 'string' && Object.hasOwn(UPSTREAM_CODES, code)) {
    log(error);
    const reason = typeof serviceName === 'string' ? `${UPSTREAM_CODES[code]} (the ${serviceName} service)` : UPSTREAM_CODES[code];
    return { ...base, message: reason, extensions: { ...httpOf(details), code: 'INTERNAL', reason } };
  }
  // graphql-js reports syntax, validation and variable coercion errors without a code; they are
  // the ones that belong to no field (no path): the request itself was refused.
  if (code === undefined && error.path === undefined) {
    return { ...base, extensions: { ...httpOf(details), code: 'VALIDATION_FAILED', reason: error.message } };
  }
  log(error);
  return { ...base, message: 'internal error', extensions: { code: 'INTERNAL', reason: 'internal error' } };
};

// What the operator needs to find the failure, and not the request it carried (the runtime puts
// the subgraph request, variables and all, into the error's extensions).
const logHidden = (error: ErrorLike): void => {
  const { code, serviceName } = error.extensions ?? {};
  console.error(`gateway: hidden from the client: ${error.message}`, { code, serviceName, path: error.path });
};

// Yoga reads the HTTP status of a refusal from `extensions.http` (and never sends it on).
const httpOf = (details: Record<string, unknown>) => (details.http === undefined ? {} : { http: details.http });
