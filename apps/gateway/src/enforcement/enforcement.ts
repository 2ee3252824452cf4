import type { ClientConfig } from 'pg';
import type { DataSource } from 'typeorm';
import type { EventStore } from '@shuzhi/event-store';
import type { HashKey } from '@shuzhi/policy';
import type { SupergraphSource } from '../composition/supergraph-source.js';
import { AccessRecorder } from './access-recorder.js';
import { ContractEnforcement } from './contract-enforcement.policy.js';
import { DailyQuotaLedger } from './daily-quota.js';
import { FeedRegistry } from './feed-registry.js';
import { loadFieldHashKey } from './field-hash-key.js';
import { GatewayPolicySnapshot } from './gateway-policy-snapshot.js';
import { withAccessRecordMetrics } from '../observability/access-record-metrics.js';

export interface EnforcementOptions {
  /** The HASH mask's key; SHUZHI_FIELD_HASH_KEY or `.data/keys/field-hash.key` when absent. */
  hashKey?: HashKey;
  /** How often the policy snapshot reads the log whatever NOTIFY says (`POLICY_POLL_MS` by default). */
  policyPollMs?: number;
  /** Changes that may wait for a slow caller of a change feed before it is cut (`FEED_BUFFER` by default). */
  feedBufferSize?: number;
  /** Change feeds one client may have open on a gateway (`FEEDS_PER_CLIENT` by default). */
  maxFeedsPerClient?: number;
}

/** A department system follows a few feeds (an entity type each, a purpose each), not hundreds. */
export const FEEDS_PER_CLIENT = 20;

/**
 * A change feed's buffer: enough for a burst (a batch registration of a street's residents) to
 * wait while a caller is briefly slow, little enough that a thousand feeds hold a few MB each.
 */
export const FEED_BUFFER = 1_000;

export interface RunningEnforcement {
  policy: ContractEnforcement;
  snapshot: GatewayPolicySnapshot;
  feeds: FeedRegistry;
  stop(): Promise<void>;
}

/** Starts the policy snapshot (projection and cache) and answers the policy that reads it. */
export const startEnforcement = async (
  options: EnforcementOptions,
  deps: { store: EventStore; dataSource: DataSource; connection: ClientConfig; supergraph: SupergraphSource },
): Promise<RunningEnforcement> => {
  const hashKey = options.hashKey ?? (await loadFieldHashKey());
  await DailyQuotaLedger.prepare(deps.connection);
  const snapshot = new GatewayPolicySnapshot(deps.store, deps.dataSource, deps.connection, options.policyPollMs);
  await snapshot.start();
  const feeds = new FeedRegistry();
  const policy = new ContractEnforcement(
    snapshot,
    deps.supergraph,
    new AccessRecorder(withAccessRecordMetrics(deps.store)),
    new DailyQuotaLedger(deps.dataSource),
    hashKey,
    { store: deps.store, registry: feeds, bufferSize: options.feedBufferSize ?? FEED_BUFFER, maxPerClient: options.maxFeedsPerClient ?? FEEDS_PER_CLIENT },
  );
  const unwatch = snapshot.onPolicyChanged(() => void feeds.policyChanged());
  return {
    policy,
    snapshot,
    feeds,
    stop: async () => {
      unwatch();
      await snapshot.stop();
    },
  };
};
