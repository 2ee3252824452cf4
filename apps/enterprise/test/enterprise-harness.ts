import type { DataSource } from 'typeorm';
import { SubgraphHarness, TestClock, openSubgraph, type Actor, type GraphQLAnswer } from '@shuzhi/testing';
import { createEnterpriseApp } from '../src/enterprise.app.js';
import { ENTERPRISE_CONFIG, type EnterpriseConfig } from '../src/enterprise.config.js';
import { EnterpriseProjections } from '../src/projections/enterprise-projections.js';

export { TestClock, type Actor, type GraphQLAnswer };

/** The population service's side of the log, as this service reads it (its integration events). */
const populationActor = { department: 'public-security', client: 'ps-steward', role: 'STEWARD' };

/** The enterprise subgraph under test, with population's side of the log played by hand. */
export class EnterpriseHarness extends SubgraphHarness {
  static async start(label: string): Promise<EnterpriseHarness> {
    return new EnterpriseHarness(await openSubgraph('enterprise', label, (dependencies) => createEnterpriseApp({ ...dependencies, logger: ['error'] })));
  }

  get dataSource(): DataSource {
    return this.app.get<EnterpriseConfig>(ENTERPRISE_CONFIG).dataSource;
  }

  /** What the population service publishes when it registers a resident. */
  async residentRegistered(residentId: string, name = '张伟'): Promise<void> {
    await this.store.appendToStream(
      `resident-${residentId}`,
      [
        {
          type: 'ResidentRegistered',
          data: {
            residentId,
            idNumber: '330106199003071235',
            name,
            gender: 'MALE',
            birthDate: '1990-03-07',
            householdId: null,
            by: { clientId: 'ps-steward', department: 'public-security', role: 'STEWARD' },
            at: this.clock.now().toISOString(),
          },
        },
      ],
      { expectedVersion: 'no-stream', metadata: { actor: populationActor } },
    );
  }

  /** What the population service publishes when it records a death. */
  async residentDied(residentId: string): Promise<void> {
    await this.store.appendToStream(
      `resident-${residentId}`,
      [
        {
          type: 'ResidentDied',
          data: {
            residentId,
            dateOfDeath: '2026-11-20',
            householdId: null,
            by: { clientId: 'ps-steward', department: 'public-security', role: 'STEWARD' },
            at: this.clock.now().toISOString(),
          },
        },
      ],
      { expectedVersion: 'any', metadata: { actor: populationActor } },
    );
  }

  /** The read models have caught up with everything appended so far. */
  async settled(): Promise<void> {
    const last = await this.lastAppended();
    if (last) await this.app.get(EnterpriseProjections).caughtUpTo(last);
  }
}
