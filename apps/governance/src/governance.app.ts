import type { KeyObject } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { EventStore } from '@shuzhi/event-store';
import { systemClock } from '@shuzhi/shared-kernel';
import type { SigningKeyPair } from '@shuzhi/signing';
import { createSubgraphApp } from '@shuzhi/subgraph';
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
export const createGovernanceApp = (options: GovernanceAppOptions): Promise<INestApplication> =>
  createSubgraphApp({
    databaseUrl: options.databaseUrl,
    schema: 'governance',
    entities: GOVERNANCE_PROJECTIONS.map((p) => p.entity),
    module: (dataSource) =>
      GovernanceModule.forRoot({
        store: options.store,
        dataSource,
        clock: systemClock,
        gatewayPublicKey: options.gatewayPublicKey,
        receiptKeys: options.receiptKeys,
        schedulerIntervalMs: options.schedulerIntervalMs ?? 60_000,
      }),
  });
