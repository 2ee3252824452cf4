import type { KeyObject } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { EventStore } from '@shuzhi/event-store';
import { systemClock, type Clock } from '@shuzhi/shared-kernel';
import { createSubgraphApp } from '@shuzhi/subgraph';
import { PopulationModule } from './population.module.js';
import { POPULATION_PROJECTIONS } from './projections/population-projections.js';

export interface PopulationAppOptions {
  databaseUrl: string;
  store: EventStore;
  gatewayPublicKey: KeyObject;
  /** Real time unless a test drives it. */
  clock?: Clock;
  logger?: Array<'error' | 'warn' | 'log'>;
}

/** The population subgraph as a Nest application (not yet listening). */
export const createPopulationApp = (options: PopulationAppOptions): Promise<INestApplication> =>
  createSubgraphApp({
    databaseUrl: options.databaseUrl,
    schema: 'population',
    entities: POPULATION_PROJECTIONS.map((p) => p.entity),
    logger: options.logger,
    module: (dataSource) =>
      PopulationModule.forRoot({
        store: options.store,
        dataSource,
        clock: options.clock ?? systemClock,
        gatewayPublicKey: options.gatewayPublicKey,
      }),
  });
