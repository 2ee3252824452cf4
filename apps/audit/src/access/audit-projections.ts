import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ProjectionRunner, type Checkpoint } from '@shuzhi/event-store';
import { waitUntil } from '@shuzhi/shared-kernel';
import { AUDIT_CONFIG, type AuditConfig } from '../audit.config.js';
import { accessRecordsProjection } from './access-record.projection.js';

export const AUDIT_PROJECTIONS = [accessRecordsProjection] as const;

/** Runs the audit's read models; the service answers once their tables exist. */
@Injectable()
export class AuditProjections implements OnModuleInit, OnApplicationShutdown {
  readonly runners: ProjectionRunner<never>[];

  constructor(@Inject(AUDIT_CONFIG) private readonly config: AuditConfig) {
    this.runners = AUDIT_PROJECTIONS.map(
      (projection) =>
        new ProjectionRunner(config.store, config.dataSource, projection as never, {
          onError: (error) => console.error(`projection ${projection.name}:`, error),
        }),
    );
  }

  async onModuleInit(): Promise<void> {
    await this.config.dataSource.query('create schema if not exists audit');
    for (const runner of this.runners) runner.start();
    // The leader creates the tables on its first lead; a standby finds them made.
    await waitUntil(() => this.tablesExist(), { timeoutMs: 60_000, what: 'audit read models' });
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.runners.map((runner) => runner.stop()));
  }

  async tablesExist(): Promise<boolean> {
    const [{ missing }]: Array<{ missing: number }> = await this.config.dataSource.query(
      `select count(*)::int as missing from unnest($1::text[]) t where to_regclass('audit.' || t) is null`,
      [this.runners.map((r) => this.config.dataSource.getMetadata(r.projection.entity).tableName)],
    );
    return missing === 0;
  }

  /** Resolves once every read model reflects the log up to `checkpoint`. */
  async caughtUpTo(checkpoint: Checkpoint, timeoutMs = 10_000): Promise<void> {
    await Promise.all(this.runners.map((runner) => runner.waitFor(checkpoint, timeoutMs)));
  }
}
