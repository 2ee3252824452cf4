import type { KeyObject } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { EventStore } from '@shuzhi/event-store';
import type { Clock } from '@shuzhi/shared-kernel';
import type { SharedData } from './gateway-client/shared-data.js';

/** Everything the subsidy service is given from outside; tests build their own. */
export interface SubsidyConfig {
  store: EventStore;
  /** Read models, in the `subsidy` schema. */
  dataSource: DataSource;
  clock: Clock;
  /** Requests must carry a caller context signed with the gateway's key. */
  gatewayPublicKey: KeyObject;
  /** Population and enterprise data, read through the gateway as the bureau. */
  sharedData: SharedData;
}

export const SUBSIDY_CONFIG = Symbol('SUBSIDY_CONFIG');
