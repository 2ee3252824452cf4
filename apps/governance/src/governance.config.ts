import type { KeyObject } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { EventStore } from '@shuzhi/event-store';
import type { Clock } from '@shuzhi/shared-kernel';
import type { SigningKeyPair } from '@shuzhi/signing';

/** Everything the governance service is given from outside; tests build their own. */
export interface GovernanceConfig {
  store: EventStore;
  /** Read models, in the `governance` schema. */
  dataSource: DataSource;
  clock: Clock;
  /** Requests must carry a caller context signed with the gateway's key. */
  gatewayPublicKey: KeyObject;
  /** Signs consent receipts; its public half is published for offline verification. */
  receiptKeys: SigningKeyPair;
  /** How often the deadline and expiry timers look (ms); 0 disables them (tests tick by hand). */
  schedulerIntervalMs: number;
}

export const GOVERNANCE_CONFIG = Symbol('GOVERNANCE_CONFIG');
