import type { ClientConfig } from 'pg';
import type { DataSource } from 'typeorm';
import type { EventStore } from '@shuzhi/event-store';
import type { HashKey } from '@shuzhi/policy';
import type { SupergraphSource } from '../composition/supergraph-source.js';
import { AccessRecorder } from './access-recorder.js';
import { ContractEnforcement } from './contract-enforcement.policy.js';
import { DailyQuotaLedger } from './daily-quota.js';
import { loadFieldHashKey } from './field-hash-key.js';
import { GatewayPolicySnapshot } from './gateway-policy-snapshot.js';
import { withAccessRecordMetrics } from '../observability/access-record-metrics.js';

export interface EnforcementOptions {
  /** The HASH mask's key; SHUZHI_FIELD_HASH_KEY or `.data/keys/field-hash.key` when absent. */
  hashKey?: HashKey;
  /** How often the policy snapshot reads the log whatever NOTIFY says (`POLICY_POLL_MS` by default). */
  policyPollMs?: number;
}

export interface RunningEnforcement {
  policy: ContractEnforcement;
  snapshot: GatewayPolicySnapshot;
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
  const policy = new ContractEnforcement(
    snapshot,
    deps.supergraph,
    new AccessRecorder(withAccessRecordMetrics(deps.store)),
    new DailyQuotaLedger(deps.dataSource),
    hashKey,
  );
  return { policy, snapshot, stop: () => snapshot.stop() };
};
