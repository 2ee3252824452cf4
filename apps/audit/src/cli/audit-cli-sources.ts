import { DataSource } from 'typeorm';
import { openDatabase, type DatabaseServer } from '@shuzhi/database';
import { PostgresEventStore, ProjectionRunner, type Checkpoint } from '@shuzhi/event-store';
import { waitUntil } from '@shuzhi/shared-kernel';
import { AUDIT_PROJECTIONS } from '../access/audit-projections.js';
import type { AuditSources } from '../audit.config.js';

/** The log and the audit's read models, as a command line run opens them: DATABASE_URL, else the embedded PostgreSQL. */
export interface AuditCliSources extends AuditSources {
  store: PostgresEventStore;
  database: DatabaseServer;
  close(): Promise<void>;
}

export const openAuditSources = async (): Promise<AuditCliSources> => {
  const database = await openDatabase();
  const store = await PostgresEventStore.connect({ connectionString: database.url });
  const dataSource = await new DataSource({
    type: 'postgres',
    url: database.url,
    schema: 'audit',
    entities: AUDIT_PROJECTIONS.map((p) => p.entity as never),
  }).initialize();
  return {
    store,
    dataSource,
    database,
    close: async () => {
      await dataSource.destroy();
      await store.close();
      await database.stop();
    },
  };
};

/**
 * Brings the audit's read models up to the head of the log before a report reads them: runs
 * their projections here, and waits on their stored checkpoints, which a running audit
 * service advances just as well if it holds the lead.
 */
export const catchUpReadModels = async (sources: AuditCliSources, timeoutMs = 600_000): Promise<void> => {
  const { rows } = await sources.store.pool.query<{ tx: string; position: string }>(
    `select transaction_id::text as tx, global_position::text as position from event_store.events
     where transaction_id < pg_snapshot_xmin(pg_current_snapshot())
     order by transaction_id desc, global_position desc limit 1`,
  );
  if (rows.length === 0) return;
  const head = `${rows[0].tx}:${rows[0].position}` as Checkpoint;
  await sources.dataSource.query('create schema if not exists audit');
  const runners = AUDIT_PROJECTIONS.map((projection) => new ProjectionRunner(sources.store, sources.dataSource, projection as never));
  for (const runner of runners) runner.start();
  try {
    await waitUntil(
      async () => {
        const stored: Array<{ checkpoint: string | null }> = await sources.dataSource.query(
          'select checkpoint from event_store.subscription_checkpoints where name = any($1)',
          [AUDIT_PROJECTIONS.map((p) => p.name)],
        );
        return (
          stored.length === AUDIT_PROJECTIONS.length &&
          stored.every((s) => s.checkpoint !== null && sources.store.compareCheckpoints(s.checkpoint as Checkpoint, head) >= 0)
        );
      },
      { timeoutMs, intervalMs: 200, what: 'the audit read models to reach the head of the log' },
    );
  } finally {
    await Promise.all(runners.map((runner) => runner.stop()));
  }
};
