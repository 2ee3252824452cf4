import type { Role } from '@shuzhi/shared-kernel';

/** A client the gateway has authenticated by its API key. */
export interface AuthenticatedCaller {
  clientId: string;
  department: string;
  roles: Role[];
}

/**
 * One GraphQL request as the gateway admitted it: who asks, why, and the ids that tie the
 * decision, the subgraph calls and the access record together. One operation per request
 * (batching is off), so these are also per operation.
 */
export interface GatewayRequest {
  caller: AuthenticatedCaller;
  /** The declared `X-Purpose`, or null when none was given. */
  purpose: string | null;
  decisionId: string;
  correlationId: string;
  /**
   * Aborts when the caller's connection is done with the operation (its answer sent, or the caller
   * gone): a change feed still open then has nobody to serve and is closed behind it, whatever
   * the runtime did with it (a subscription answered 406 is never read).
   */
  gone?: AbortSignal;
}

/** What the gateway adds to the GraphQL context of each request. */
export interface GatewayContextAdditions {
  shuzhi: GatewayRequest;
}
