import type { KeyObject } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { EventStore } from '@shuzhi/event-store';
import { systemClock, type Clock } from '@shuzhi/shared-kernel';
import { createSubgraphApp } from '@shuzhi/subgraph';
import { GatewayClient, type GatewayClientConfig } from './gateway-client/gateway-client.js';
import { SharedData } from './gateway-client/shared-data.js';
import { SUBSIDY_PROJECTIONS } from './projections/subsidy.projections.js';
import { SubsidyModule } from './subsidy.module.js';

export interface SubsidyAppOptions {
  databaseUrl: string;
  store: EventStore;
  gatewayPublicKey: KeyObject;
  /** The gateway as the bureau's department system reaches it: its URL and the bureau's key. */
  gatewayClient: GatewayClientConfig;
  /** Real time unless a test drives it. */
  clock?: Clock;
  logger?: Array<'error' | 'warn' | 'log'>;
}

/** The subsidy subgraph as a Nest application (not yet listening). */
export const createSubsidyApp = (options: SubsidyAppOptions): Promise<INestApplication> =>
  createSubgraphApp({
    databaseUrl: options.databaseUrl,
    schema: 'subsidy',
    entities: SUBSIDY_PROJECTIONS.map((p) => p.entity),
    logger: options.logger,
    module: (dataSource) =>
      SubsidyModule.forRoot({
        store: options.store,
        dataSource,
        clock: options.clock ?? systemClock,
        gatewayPublicKey: options.gatewayPublicKey,
        sharedData: new SharedData(new GatewayClient(options.gatewayClient)),
      }),
  });
