import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import type { EventStore } from '@shuzhi/event-store';
import { systemClock } from '@shuzhi/shared-kernel';
import type { SigningKeyPair } from '@shuzhi/signing';
import type { KeyObject } from 'node:crypto';
import { GovernanceModule } from './governance.module.js';
import { GOVERNANCE_PROJECTIONS } from './projections/governance-projections.js';

export interface GovernanceAppOptions {
  databaseUrl: string;
  store: EventStore;
  gatewayPublicKey: KeyObject;
  receiptKeys: SigningKeyPair;
  schedulerIntervalMs?: number;
}

/** The governance subgraph as a Nest application (not yet listening). */
export const createGovernanceApp = async (options: GovernanceAppOptions): Promise<INestApplication> => {
  const dataSource = await new DataSource({
    type: 'postgres',
    url: options.databaseUrl,
    schema: 'governance',
    entities: GOVERNANCE_PROJECTIONS.map((p) => p.entity as never),
  }).initialize();
  const app = await NestFactory.create(
    GovernanceModule.forRoot({
      store: options.store,
      dataSource,
      clock: systemClock,
      gatewayPublicKey: options.gatewayPublicKey,
      receiptKeys: options.receiptKeys,
      schedulerIntervalMs: options.schedulerIntervalMs ?? 60_000,
    }),
    // The raw body is what the gateway's signature covers.
    { rawBody: true, logger: ['error', 'warn'] },
  );
  app.enableShutdownHooks();
  const close = app.close.bind(app);
  app.close = async () => {
    await close();
    await dataSource.destroy();
  };
  return app;
};
