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
}

/** What the gateway adds to the GraphQL context of each request. */
export interface GatewayContextAdditions {
  shuzhi: GatewayRequest;
}
