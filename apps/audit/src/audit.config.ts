import type { KeyObject } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { EventStore, PostgresEventStore } from '@shuzhi/event-store';
import type { Clock } from '@shuzhi/shared-kernel';
import type { SigningKeyPair } from '@shuzhi/signing';
import type { AuditSealerOptions } from './sealing/index.js';

/** What the audit's questions are answered from: the log, and the audit's own read models. */
export interface AuditSources {
  store: EventStore;
  /** Read models, in the `audit` schema. */
  dataSource: DataSource;
}

/** Everything the audit service is given from outside; tests and the CLI build their own. */
export interface AuditConfig extends AuditSources {
  /** The chain is read and sealed in PostgreSQL itself. */
  store: PostgresEventStore;
  clock: Clock;
  /** Signs the seals; its public half verifies them. */
  sealKey: SigningKeyPair;
  /** How blocks are cut; `false` runs no sealer here (another replica or process seals). */
  sealing: Omit<AuditSealerOptions, 'clock' | 'onError'> | false;
  /** Requests must carry a caller context signed with the gateway's key. */
  gatewayPublicKey: KeyObject;
}

export const AUDIT_CONFIG = Symbol('AUDIT_CONFIG');
