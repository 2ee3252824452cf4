import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ProjectionRunner } from '@shuzhi/event-store';
import { waitUntil } from '@shuzhi/shared-kernel';
import { SUBSIDY_CONFIG, type SubsidyConfig } from '../subsidy.config.js';
import { SUBSIDY_PROJECTIONS } from './subsidy.projections.js';

/** Runs the subsidy read models; the service answers once their tables exist. */
@Injectable()
export class SubsidyReadModels implements OnModuleInit, OnApplicationShutdown {
  readonly runners: ProjectionRunner<never>[];

  constructor(@Inject(SUBSIDY_CONFIG) private readonly config: SubsidyConfig) {
    this.runners = SUBSIDY_PROJECTIONS.map(
      (projection) =>
        new ProjectionRunner(config.store, config.dataSource, projection as never, {
          onError: (error) => console.error(`projection ${projection.name}:`, error),
        }),
    );
  }

  async onModuleInit(): Promise<void> {
    await this.config.dataSource.query('create schema if not exists subsidy');
    for (const runner of this.runners) runner.start();
    // The leader creates the tables on its first lead; a standby finds them made.
    await waitUntil(
      async () => {
        const [{ missing }] = await this.config.dataSource.query(
          `select count(*)::int as missing from unnest($1::text[]) t where to_regclass('subsidy.' || t) is null`,
          [this.runners.map((r) => this.config.dataSource.getMetadata(r.projection.entity).tableName)],
        );
        return missing === 0;
      },
      { timeoutMs: 60_000, what: 'subsidy read models' },
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.runners.map((runner) => runner.stop()));
  }
}
