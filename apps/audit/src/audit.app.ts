import type { KeyObject } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { PostgresEventStore } from '@shuzhi/event-store';
import { systemClock, type Clock } from '@shuzhi/shared-kernel';
import type { SigningKeyPair } from '@shuzhi/signing';
import { createSubgraphApp } from '@shuzhi/subgraph';
import { AUDIT_PROJECTIONS } from './access/audit-projections.js';
import type { AuditConfig } from './audit.config.js';
import { AuditModule } from './audit.module.js';

export interface AuditAppOptions {
  databaseUrl: string;
  store: PostgresEventStore;
  gatewayPublicKey: KeyObject;
  sealKey: SigningKeyPair;
  /** Block size and interval of the sealer; `false`: no sealer in this process. */
  sealing?: AuditConfig['sealing'];
  /** Real time unless a test drives it. */
  clock?: Clock;
  logger?: Array<'error' | 'warn' | 'log'>;
}

/** The audit subgraph as a Nest application (not yet listening). */
export const createAuditApp = (options: AuditAppOptions): Promise<INestApplication> =>
  createSubgraphApp({
    databaseUrl: options.databaseUrl,
    schema: 'audit',
    entities: AUDIT_PROJECTIONS.map((p) => p.entity),
    logger: options.logger,
    module: (dataSource) =>
      AuditModule.forRoot({
        store: options.store,
        dataSource,
        clock: options.clock ?? systemClock,
        gatewayPublicKey: options.gatewayPublicKey,
        sealKey: options.sealKey,
        sealing: options.sealing ?? {},
      }),
  });
