import type { KeyObject } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { EventStore } from '@shuzhi/event-store';
import { systemClock, type Clock } from '@shuzhi/shared-kernel';
import type { SigningKeyPair } from '@shuzhi/signing';
import { createSubgraphApp } from '@shuzhi/subgraph';
import { GovernanceModule } from './governance.module.js';
import { GOVERNANCE_PROJECTIONS } from './projections/governance-projections.js';

export interface GovernanceAppOptions {
  databaseUrl: string;
  store: EventStore;
  gatewayPublicKey: KeyObject;
  receiptKeys: SigningKeyPair;
  /** Real time unless a test drives it. */
  clock?: Clock;
  /** How often the deadline and expiry timers look (ms); 0: never (tests tick them). */
  schedulerIntervalMs?: number;
  logger?: Array<'error' | 'warn' | 'log'>;
}

/** The governance subgraph as a Nest application (not yet listening). */
export const createGovernanceApp = (options: GovernanceAppOptions): Promise<INestApplication> =>
  createSubgraphApp({
    databaseUrl: options.databaseUrl,
    schema: 'governance',
    entities: GOVERNANCE_PROJECTIONS.map((p) => p.entity),
    logger: options.logger,
    module: (dataSource) =>
      GovernanceModule.forRoot({
        store: options.store,
        dataSource,
        clock: options.clock ?? systemClock,
        gatewayPublicKey: options.gatewayPublicKey,
        receiptKeys: options.receiptKeys,
        schedulerIntervalMs: options.schedulerIntervalMs ?? 60_000,
      }),
  });
