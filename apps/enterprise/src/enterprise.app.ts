import type { KeyObject } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { EventStore } from '@shuzhi/event-store';
import { systemClock, type Clock } from '@shuzhi/shared-kernel';
import { createSubgraphApp } from '@shuzhi/subgraph';
import { EnterpriseModule } from './enterprise.module.js';
import { ENTERPRISE_PROJECTIONS } from './projections/enterprise-projections.js';

export interface EnterpriseAppOptions {
  databaseUrl: string;
  store: EventStore;
  gatewayPublicKey: KeyObject;
  /** Real time unless a test drives it. */
  clock?: Clock;
  /** Nest's log levels (default errors and warnings). */
  logger?: Array<'error' | 'warn' | 'log'>;
}

/** The enterprise subgraph as a Nest application (not yet listening). */
export const createEnterpriseApp = (options: EnterpriseAppOptions): Promise<INestApplication> =>
  createSubgraphApp({
    databaseUrl: options.databaseUrl,
    schema: 'enterprise',
    entities: ENTERPRISE_PROJECTIONS.map((p) => p.entity),
    logger: options.logger,
    module: (dataSource) =>
      EnterpriseModule.forRoot({
        store: options.store,
        dataSource,
        clock: options.clock ?? systemClock,
        gatewayPublicKey: options.gatewayPublicKey,
      }),
  });
