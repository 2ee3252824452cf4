import { generateKeyPairSync } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { keyPairFromPem } from '@shuzhi/signing';
import { SubgraphHarness, TestClock, openSubgraph, type Actor, type GraphQLAnswer } from '@shuzhi/testing';
import { createGovernanceApp } from '../src/governance.app.js';
import { GOVERNANCE_CONFIG, type GovernanceConfig } from '../src/governance.config.js';
import { GovernanceProjections } from '../src/projections/governance-projections.js';
import { DeadlineScheduler } from '../src/scheduling/deadline-scheduler.js';

export { TestClock, type Actor, type GraphQLAnswer };

/** The governance subgraph under test; its timers are ticked by hand against the test's clock. */
export class GovernanceHarness extends SubgraphHarness {
  static async start(label: string): Promise<GovernanceHarness> {
    const receipts = generateKeyPairSync('ed25519');
    const receiptKeys = keyPairFromPem(receipts.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    return new GovernanceHarness(
      await openSubgraph('governance', label, (dependencies) =>
        createGovernanceApp({ ...dependencies, receiptKeys, schedulerIntervalMs: 0, logger: ['error'] }),
      ),
    );
  }

  get dataSource(): DataSource {
    return this.app.get<GovernanceConfig>(GOVERNANCE_CONFIG).dataSource;
  }

  /** The read models have caught up with everything appended so far. */
  async settled(): Promise<void> {
    const last = await this.lastAppended();
    if (last) await this.app.get(GovernanceProjections).caughtUpTo(last);
  }

  tick() {
    return this.app.get(DeadlineScheduler).tick();
  }
}
