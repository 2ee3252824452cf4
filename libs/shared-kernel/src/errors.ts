/**
 * The domain's refusals, as plain classes a decider throws. Each names the API.md error code
 * its GraphQL layer answers with; nothing here knows about GraphQL.
 */
export abstract class DomainError extends Error {
  abstract readonly code: DomainErrorCode;
  /** Extra, client-facing detail (`fields`, `contractIds`, `violations`...). */
  readonly details: Record<string, unknown>;

  constructor(message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.details = details;
  }
}

export type DomainErrorCode =
  | 'FORBIDDEN'
  | 'VALIDATION_FAILED'
  | 'NOT_FOUND'
  | 'INVALID_TRANSITION'
  | 'INCOMPATIBLE_SCHEMA';

/** The caller may not do this: wrong role, wrong department, or not theirs to decide. */
export class Forbidden extends DomainError {
  override readonly name = 'Forbidden';
  readonly code = 'FORBIDDEN';
}

/** The input is wrong in itself or against what it refers to. */
export class ValidationFailed extends DomainError {
  override readonly name = 'ValidationFailed';
  readonly code = 'VALIDATION_FAILED';
}

export class NotFound extends DomainError {
  override readonly name = 'NotFound';
  readonly code = 'NOT_FOUND';
}

/** The aggregate's state does not allow this command now. */
export class InvalidTransition extends DomainError {
  override readonly name = 'InvalidTransition';
  readonly code = 'INVALID_TRANSITION';

  constructor(from: string, command: string, why?: string) {
    super(`${command} is not allowed when the status is ${from}${why ? `: ${why}` : ''}`, { from, command });
  }
}

/** A schema version that earlier versions, or the contracts and consents using them, cannot take. */
export class IncompatibleSchema extends DomainError {
  override readonly name = 'IncompatibleSchema';
  readonly code = 'INCOMPATIBLE_SCHEMA';
}
