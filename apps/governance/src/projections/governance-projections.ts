import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ProjectionRunner, type Checkpoint } from '@shuzhi/event-store';
import { waitUntil } from '@shuzhi/shared-kernel';
import { GOVERNANCE_CONFIG, type GovernanceConfig } from '../governance.config.js';
import { consentsProjection } from './consent.projection.js';
import { contractsProjection } from './contract.projection.js';
import { datasetsProjection } from './dataset.projection.js';
import { clientsProjection, departmentsProjection, purposesProjection, subgraphsProjection } from './registry.projections.js';

export const GOVERNANCE_PROJECTIONS = [
  departmentsProjection,
  purposesProjection,
  clientsProjection,
  subgraphsProjection,
  datasetsProjection,
  contractsProjection,
  consentsProjection,
] as const;

/** Runs governance's read models; the service answers once their tables exist. */
@Injectable()
export class GovernanceProjections implements OnModuleInit, OnApplicationShutdown {
  readonly runners: ProjectionRunner<never>[];

  constructor(@Inject(GOVERNANCE_CONFIG) private readonly config: GovernanceConfig) {
    this.runners = GOVERNANCE_PROJECTIONS.map(
      (projection) =>
        new ProjectionRunner(config.store, config.dataSource, projection as never, {
          onError: (error) => console.error(`projection ${projection.name}:`, error),
        }),
    );
  }

  async onModuleInit(): Promise<void> {
    await this.config.dataSource.query('create schema if not exists governance');
    for (const runner of this.runners) runner.start();
    // The leader creates the tables on its first lead; a standby finds them made.
    await waitUntil(
      async () => {
        const [{ missing }] = await this.config.dataSource.query(
          `select count(*)::int as missing from unnest($1::text[]) t where to_regclass('governance.' || t) is null`,
          [this.runners.map((r) => this.config.dataSource.getMetadata(r.projection.entity).tableName)],
        );
        return missing === 0;
      },
      { timeoutMs: 60_000, what: 'governance read models' },
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.runners.map((runner) => runner.stop()));
  }

  /** Resolves once every read model reflects the log up to `checkpoint` (read-your-writes). */
  async caughtUpTo(checkpoint: Checkpoint, timeoutMs = 10_000): Promise<void> {
    await Promise.all(this.runners.map((runner) => runner.waitFor(checkpoint, timeoutMs)));
  }
}
