import type { KeyObject } from 'node:crypto';
import { createGatewayRuntime, type GatewayRuntime } from '@graphql-hive/gateway-runtime';
import httpTransport from '@graphql-mesh/transport-http';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';
import { maskError } from 'graphql-yoga';
import { graphqlUrlOf, type SubgraphEndpoints } from '../composition/subgraph-endpoints.js';
import type { SupergraphSource } from '../composition/supergraph-source.js';
import { useUpstreamLatency } from '../observability/upstream-latency.plugin.js';
import { isUpstreamFailure } from './api-errors.js';
import { useApiErrors } from './api-errors.plugin.js';
import { useCallerContextSigning } from './caller-context.plugin.js';
import type { GatewayContextAdditions } from './gateway-request.js';
import { useOperationPolicies, type OperationPolicy } from './operation-policy.js';
import { useQueryLimits, type QueryLimits } from './query-limits.plugin.js';

export interface ShuzhiRuntimeOptions {
  supergraph: SupergraphSource;
  /** Where each subgraph is reached, whatever URL the supergraph was composed with. */
  subgraphs: SubgraphEndpoints;
  /** How often a recomposing supergraph is recomposed (on the next request after it elapses). */
  recomposeIntervalMs: number;
  signingKey: KeyObject;
  policies: readonly OperationPolicy[];
  limits: QueryLimits;
  upstreamTimeoutMs: number;
}

export type ShuzhiGatewayRuntime = GatewayRuntime<GatewayContextAdditions>;

/** The Hive Gateway runtime over the composed supergraph, with Shuzhi's plugins. */
export const createShuzhiRuntime = (options: ShuzhiRuntimeOptions): ShuzhiGatewayRuntime =>
  createGatewayRuntime<GatewayContextAdditions>({
    ...(options.supergraph.recomposes
      ? { supergraph: () => options.supergraph.refresh(), pollingInterval: options.recomposeIntervalMs }
      : { supergraph: options.supergraph.sdl }),
    // Operations in flight when the supergraph changes finish on the one they started with.
    gracefulSchemaReload: { drainTimeout: options.upstreamTimeoutMs },
    transportEntries: Object.fromEntries(
      Object.entries(options.subgraphs).map(([name, baseUrl]) => [
        name,
        // The HTTP executor merges identical subgraph requests in flight, keyed by URL and body
        // only: the signed caller context is added later (onFetch), so two callers' requests
        // would share one answer, and a role check in a subgraph would be answered for the wrong
        // caller. Nothing is shared between callers.
        // Subscriptions too go as POST (GraphQL over SSE): the signed caller context covers the body.
        { location: graphqlUrlOf(baseUrl), options: { deduplicateInflightRequests: false, method: 'POST' } },
      ]),
    ),
    // Given here rather than resolved by name at the first call, which fails inside bundles
    // and jest's module system alike.
    transports: { http: httpTransport },
    // Plans with Hive Router's query planner (Rust, native addon) and runs the plan with its own
    // executor, instead of the default stitching runtime: half the gateway's CPU per request in
    // bench:gateway. patches/@graphql-hive+router-runtime+*.patch keeps `data` in a result whose
    // every fetch failed, and bubbles a null in a non-null position up to its nearest nullable
    // parent, as graphql-js does (null-propagation.spec.ts).
    unifiedGraphHandler,
    // A change feed's stream lasts as long as its caller reads; a timeout would cut every one.
    upstreamTimeout: ({ executionRequest }) => (executionRequest?.operationType === 'subscription' ? undefined : options.upstreamTimeoutMs),
    // A subgraph's failure names the subgraph (the API errors say which service failed, and
    // drop the rest of what the runtime attaches); it is not masked as an unexpected error.
    subgraphErrors: { subgraphNameProp: 'serviceName' },
    maskedErrors: { maskError: (error, message, isDev) => (isUpstreamFailure(error) ? error : maskError(error, message, isDev)) },
    landingPage: false,
    graphiql: false,
    logging: 'error',
    plugins: () => [
      useQueryLimits(options.limits),
      useCallerContextSigning(options.signingKey, options.subgraphs),
      useUpstreamLatency(),
      useOperationPolicies(options.policies),
      useApiErrors(),
    ],
  });
