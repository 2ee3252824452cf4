import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { openReadModels, PostgresEventStore, type EventStore } from '@shuzhi/event-store';
import { NestLogger, observeHttp, releaseSignalsFromEmbeddedPostgres } from '@shuzhi/observability';
import type { SigningKeyPair } from '@shuzhi/signing';
import { PolicyEntry } from '@shuzhi/policy';
import { gatewayClientsProjection } from './authentication/gateway-clients.projection.js';
import type { SubgraphEndpoints } from './composition/subgraph-endpoints.js';
import { SupergraphSource } from './composition/supergraph-source.js';
import { startEnforcement, type EnforcementOptions, type RunningEnforcement } from './enforcement/enforcement.js';
import { gatewayPolicyProjection } from './enforcement/gateway-policy-snapshot.js';
import { GatewayModule } from './gateway.module.js';
import { settleCorrelationId } from './observability/correlation-id.js';
import { readModelTablesOf, watchGatewayProjections } from './observability/gateway-read-models.js';
import { observedPolicies } from './observability/observed-policies.js';
import type { OperationPolicy } from './runtime/operation-policy.js';
import { DEFAULT_QUERY_LIMITS, type QueryLimits } from './runtime/query-limits.plugin.js';

export interface GatewayAppOptions {
  databaseUrl: string;
  store: EventStore;
  gatewayKeys: SigningKeyPair;
  /** Base URLs of the subgraph services by name. */
  subgraphs: SubgraphEndpoints;
  /**
   * A supergraph composed beforehand (schemas/supergraph.graphql), served as it is. When absent
   * the gateway composes from `subgraphs` at start and recomposes every `recomposeIntervalMs`
   * (default 5 s), so a subgraph that changes its schema is served without a restart.
   */
  supergraphSdl?: string;
  recomposeIntervalMs?: number;
  /**
   * Contract and consent enforcement with access records, run before `policies`. On unless
   * told otherwise (fail closed); the HASH key then comes from SHUZHI_FIELD_HASH_KEY or
   * .data/keys. `false` only for tests of the other plugs and the plugins-off benchmark.
   */
  enforcement?: EnforcementOptions | false;
  /** Further enforcement plugs, run after contract enforcement, in order. */
  policies?: readonly OperationPolicy[];
  limits?: Partial<QueryLimits>;
  maxBodyBytes?: number;
  upstreamTimeoutMs?: number;
}

/** The gateway as a Nest application (not yet listening), its supergraph composed at start. */
/**
 * The gateway's event store. Its appends are access records, one per request or more, which only
 * the audit service reads, and not urgently: other processes hear of them at most ten times a
 * second rather than once per append, which would wake every listening process of the platform
 * a hundred times a second under load.
 */
export const connectGatewayStore = (connectionString: string): Promise<PostgresEventStore> =>
  PostgresEventStore.connect({ connectionString, notifyIntervalMs: 100 });

export const createGatewayApp = async (options: GatewayAppOptions): Promise<INestApplication> => {
  const supergraph =
    options.supergraphSdl !== undefined
      ? SupergraphSource.fixed(options.supergraphSdl)
      : await SupergraphSource.composed(options.subgraphs, options.gatewayKeys.privateKey);
  const dataSource = await openReadModels(options.databaseUrl, 'gateway', [gatewayClientsProjection.entity, PolicyEntry]);
  const connection = { connectionString: options.databaseUrl };
  let enforcement: RunningEnforcement | undefined;
  try {
    if (options.enforcement !== false) {
      enforcement = await startEnforcement(options.enforcement ?? {}, { store: options.store, dataSource, connection, supergraph });
    }
    const unwatch = enforcement ? watchGatewayProjections(options.store, dataSource, [gatewayPolicyProjection]) : undefined;
    const readModels = readModelTablesOf(dataSource, [gatewayClientsProjection.entity, ...(enforcement ? [PolicyEntry] : [])]);
    const app = await NestFactory.create(
      GatewayModule.forRoot({
        store: options.store,
        dataSource,
        connection,
        gatewayKeys: options.gatewayKeys,
        subgraphs: options.subgraphs,
        supergraph,
        recomposeIntervalMs: options.recomposeIntervalMs ?? 5_000,
        policies: observedPolicies([...(enforcement ? [enforcement.policy] : []), ...(options.policies ?? [])]),
        limits: { ...DEFAULT_QUERY_LIMITS, ...options.limits },
        maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
        policy: enforcement?.snapshot,
        feeds: enforcement?.feeds,
        upstreamTimeoutMs: options.upstreamTimeoutMs ?? 10_000,
        release: async () => {
          unwatch?.();
          await enforcement?.stop();
          await dataSource.destroy();
        },
      }, readModels),
      // The GraphQL controller reads the body itself: its limit and its errors are the gateway's.
      { bodyParser: false, logger: new NestLogger() },
    );
    // First in line: the correlation id is settled (and echoed) before the controller admits the request.
    app.use(observeHttp({ correlationIdOf: settleCorrelationId }));
    // Nest owns the signals: closing drains requests (their access records are awaited), then the hooks.
    app.enableShutdownHooks();
    releaseSignalsFromEmbeddedPostgres();
    return app;
  } catch (error) {
    await enforcement?.stop();
    await dataSource.destroy();
    throw error;
  }
};
