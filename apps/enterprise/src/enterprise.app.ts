import type { KeyObject } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import type { EventStore } from '@shuzhi/event-store';
import { systemClock, type Clock } from '@shuzhi/shared-kernel';
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
export const createEnterpriseApp = async (options: EnterpriseAppOptions): Promise<INestApplication> => {
  const dataSource = await new DataSource({
    type: 'postgres',
    url: options.databaseUrl,
    schema: 'enterprise',
    entities: ENTERPRISE_PROJECTIONS.map((p) => p.entity as never),
  }).initialize();
  const app = await NestFactory.create(
    EnterpriseModule.forRoot({ store: options.store, dataSource, clock: options.clock ?? systemClock, gatewayPublicKey: options.gatewayPublicKey }),
    // The raw body is what the gateway's signature covers.
    { rawBody: true, logger: options.logger ?? ['error', 'warn'] },
  );
  app.enableShutdownHooks();
  const close = app.close.bind(app);
  app.close = async () => {
    await close();
    await dataSource.destroy();
  };
  return app;
};
