import type { DataSource } from 'typeorm';
import { SubgraphHarness, TestClock, openSubgraph, type Actor, type GraphQLAnswer } from '@shuzhi/testing';
import { createPopulationApp } from '../src/population.app.js';
import { POPULATION_CONFIG, type PopulationConfig } from '../src/population.config.js';
import { PopulationProjections } from '../src/projections/population-projections.js';

export { TestClock, type Actor, type GraphQLAnswer };

/** The population subgraph under test. */
export class PopulationHarness extends SubgraphHarness {
  static async start(label: string): Promise<PopulationHarness> {
    return new PopulationHarness(await openSubgraph('population', label, (dependencies) => createPopulationApp({ ...dependencies, logger: ['error'] })));
  }

  get dataSource(): DataSource {
    return this.app.get<PopulationConfig>(POPULATION_CONFIG).dataSource;
  }

  /** The read models have caught up with everything appended so far. */
  async settled(): Promise<void> {
    const last = await this.lastAppended();
    if (last) await this.app.get(PopulationProjections).caughtUpTo(last);
  }

  /** How many events of `type` the whole log holds: what a refusal must leave unchanged. */
  async count(type?: string): Promise<number> {
    const { rows } = await this.store.pool.query<{ n: number }>(
      'select count(*)::int as n from event_store.events where $1::text is null or type = $1',
      [type ?? null],
    );
    return rows[0].n;
  }
}
