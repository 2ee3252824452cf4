import type { KeyObject } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { EventStore } from '@shuzhi/event-store';
import type { Clock } from '@shuzhi/shared-kernel';

/** Everything the population service is given from outside; tests build their own. */
export interface PopulationConfig {
  store: EventStore;
  /** Read models, in the `population` schema. */
  dataSource: DataSource;
  clock: Clock;
  /** Requests must carry a caller context signed with the gateway's key. */
  gatewayPublicKey: KeyObject;
}

export const POPULATION_CONFIG = Symbol('POPULATION_CONFIG');
