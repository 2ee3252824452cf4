import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ConcurrencyConflict, InvalidEventInput } from '@shuzhi/event-store';
import { logger } from '@shuzhi/observability';
import { DomainError } from '@shuzhi/shared-kernel';

/** The error codes of API.md: every error a client sees carries one. */
export type ApiErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'PURPOSE_REQUIRED'
  | 'CONTRACT_REQUIRED'
  | 'CONSENT_REQUIRED'
  | 'QUOTA_EXCEEDED'
  | 'VALIDATION_FAILED'
  | 'NOT_FOUND'
  | 'INVALID_TRANSITION'
  | 'CONCURRENCY_CONFLICT'
  | 'INCOMPATIBLE_SCHEMA'
  | 'QUERY_TOO_COMPLEX'
  | 'INTERNAL';

const API_CODES = new Set<string>([
  'UNAUTHENTICATED', 'FORBIDDEN', 'PURPOSE_REQUIRED', 'CONTRACT_REQUIRED', 'CONSENT_REQUIRED', 'QUOTA_EXCEEDED',
  'VALIDATION_FAILED', 'NOT_FOUND', 'INVALID_TRANSITION', 'CONCURRENCY_CONFLICT', 'INCOMPATIBLE_SCHEMA',
  'QUERY_TOO_COMPLEX', 'INTERNAL',
]);

/** Apollo's own codes for requests it could not parse, validate or coerce. */
const REQUEST_CODES = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'BAD_REQUEST']);

export const apiError = (code: ApiErrorCode, reason: string, details: Record<string, unknown> = {}) =>
  new GraphQLError(reason, { extensions: { code, reason, ...details } });

/**
 * Turns whatever a resolver threw into an error with an API.md code and a plain reason. An
 * unexpected error is INTERNAL and says nothing of its insides; it is logged instead.
 */
export const formatError = (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };
  if (original instanceof DomainError) {
    return { ...base, message: original.message, extensions: { code: original.code, reason: original.message, ...original.details } };
  }
  if (original instanceof ConcurrencyConflict) {
    const reason = 'someone else changed this at the same time; read it again and retry';
    return { ...base, message: reason, extensions: { code: 'CONCURRENCY_CONFLICT', reason, streamId: original.streamId } };
  }
  if (original instanceof InvalidEventInput) {
    return { ...base, message: original.message, extensions: { code: 'VALIDATION_FAILED', reason: original.message } };
  }
  const { code, stacktrace: _internals, ...details } = formatted.extensions ?? {};
  if (typeof code === 'string' && API_CODES.has(code)) {
    return { ...base, extensions: { code, reason: formatted.message, ...details } };
  }
  if (typeof code === 'string' && REQUEST_CODES.has(code)) {
    return { ...base, extensions: { code: 'VALIDATION_FAILED', reason: formatted.message } };
  }
  logger().error({ err: original }, 'unexpected error in a resolver');
  return { ...base, message: 'internal error', extensions: { code: 'INTERNAL', reason: 'internal error' } };
};
