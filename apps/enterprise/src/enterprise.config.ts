import type { KeyObject } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { EventStore } from '@shuzhi/event-store';
import type { Clock } from '@shuzhi/shared-kernel';

/** Everything the enterprise service is given from outside; tests build their own. */
export interface EnterpriseConfig {
  store: EventStore;
  /** Read models, in the `enterprise` schema. */
  dataSource: DataSource;
  clock: Clock;
  /** Requests must carry a caller context signed with the gateway's key. */
  gatewayPublicKey: KeyObject;
}

export const ENTERPRISE_CONFIG = Symbol('ENTERPRISE_CONFIG');
