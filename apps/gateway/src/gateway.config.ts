import type { ClientConfig } from 'pg';
import type { DataSource } from 'typeorm';
import type { EventStore } from '@shuzhi/event-store';
import type { SigningKeyPair } from '@shuzhi/signing';
import type { SubgraphEndpoints } from './composition/subgraph-endpoints.js';
import type { SupergraphSource } from './composition/supergraph-source.js';
import type { FeedRegistry } from './enforcement/feed-registry.js';
import type { OperationPolicy } from './runtime/operation-policy.js';
import type { QueryLimits } from './runtime/query-limits.plugin.js';

/** Everything the gateway is given from outside; tests build their own. */
export interface GatewayConfig {
  store: EventStore;
  /** The gateway's read model (its clients), in the `gateway` schema. */
  dataSource: DataSource;
  /** How to open the LISTEN connection for the clients projection's notifications. */
  connection: ClientConfig;
  /** Signs the caller context of every subgraph request. */
  gatewayKeys: SigningKeyPair;
  subgraphs: SubgraphEndpoints;
  supergraph: SupergraphSource;
  recomposeIntervalMs: number;
  policies: readonly OperationPolicy[];
  limits: QueryLimits;
  /** The largest request body accepted, in bytes. */
  maxBodyBytes: number;
  /** The policy snapshot's following of the log, when the gateway enforces: /health reports it. */
  policy?: { following(): Promise<boolean>; behindMs(): number };
  /** The change feeds open, when the gateway enforces: a revoked key ends its feeds, and a stop ends them all. */
  feeds?: FeedRegistry;
  upstreamTimeoutMs: number;
  /**
   * Closes what was opened for the gateway outside Nest (contract enforcement, the DataSource),
   * once the clients projection has stopped. Nest's application object is a proxy whose `close`
   * cannot be wrapped, so this runs from a shutdown hook.
   */
  release: () => Promise<void>;
}

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

/** NOTIFY channel of the clients projection: each committed batch wakes the key cache. */
export const CLIENTS_CHANNEL = 'gateway_clients';
