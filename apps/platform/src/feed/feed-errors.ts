/**
 * A command line the user must correct (an option, a field name, the cursor file): nothing is
 * asked of the gateway, and the feed exits 2 as the audit CLI does on a usage error.
 */
export class FeedUsageError extends Error {
  override readonly name = 'FeedUsageError';
}

/**
 * The gateway refused the feed with one of API.md's codes (`UNAUTHENTICATED`, `PURPOSE_REQUIRED`,
 * `CONTRACT_REQUIRED`, ...): asking again would be refused again, so the feed stops.
 */
export class FeedRefused extends Error {
  override readonly name = 'FeedRefused';

  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The gateway answered something that is not GraphQL over SSE as API.md describes it. Retrying
 * would not make it so, and guessing could print a change twice or lose one.
 */
export class FeedProtocolError extends Error {
  override readonly name = 'FeedProtocolError';
}
