import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { In, LessThan, LessThanOrEqual } from 'typeorm';
import { SYSTEM } from '@shuzhi/shared-kernel';
import { DecideConsent } from '../commands/consent.commands.js';
import type { CommandOrigin } from '../commands/command-metadata.js';
import { DecideSharingContract } from '../commands/sharing-contract.commands.js';
import { GOVERNANCE_CONFIG, type GovernanceConfig } from '../governance.config.js';
import { ConsentRow } from '../projections/consent.projection.js';
import { ContractRow } from '../projections/contract.projection.js';

const OPEN_STATUSES = ['SUBMITTED', 'COMPLIANCE_REVIEW', 'PROVIDER_REVIEW', 'ACTIVE', 'SUSPENDED'];

export interface TickResult {
  expiredContracts: string[];
  overdueReviews: string[];
  expiredConsents: string[];
}

/**
 * Lets time act without anyone: contracts expire at validTo, consents at expiresAt, reviews go
 * overdue after their deadline. It finds candidates in the read models and sends the commands;
 * the deciders decide (a repeated or early command decides nothing), so replicas may all tick.
 */
@Injectable()
export class DeadlineScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<TickResult> | undefined;

  constructor(
    @Inject(GOVERNANCE_CONFIG) private readonly config: GovernanceConfig,
    private readonly commands: CommandBus,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.schedulerIntervalMs > 0) {
      this.timer = setInterval(() => void this.tick().catch((error) => console.error('deadline scheduler:', error)), this.config.schedulerIntervalMs);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => {});
  }

  /** One pass over everything due at the clock's now. */
  tick(): Promise<TickResult> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<TickResult> {
    const now = this.config.clock.now();
    const manager = this.config.dataSource.manager;
    const origin: CommandOrigin = { actor: SYSTEM, correlationId: `scheduler-${now.toISOString()}` };
    const result: TickResult = { expiredContracts: [], overdueReviews: [], expiredConsents: [] };

    const ending = await manager.findBy(ContractRow, { status: In(OPEN_STATUSES), validTo: LessThanOrEqual(now) });
    for (const { id } of ending) {
      const done = await this.commands.execute(new DecideSharingContract(origin, id, { type: 'ExpireContract' }));
      if (done.events.length > 0) result.expiredContracts.push(id);
    }
    const late = await manager.findBy(ContractRow, { reviewOverdue: false, reviewDeadline: LessThan(now) });
    for (const { id } of late) {
      const done = await this.commands.execute(new DecideSharingContract(origin, id, { type: 'MarkReviewOverdue' }));
      if (done.events.length > 0) result.overdueReviews.push(id);
    }
    const lapsed = await manager.findBy(ConsentRow, { status: 'ACTIVE', expiresAt: LessThanOrEqual(now) });
    for (const { id } of lapsed) {
      const done = await this.commands.execute(new DecideConsent(origin, id, { type: 'ExpireConsent' }));
      if (done.events.length > 0) result.expiredConsents.push(id);
    }
    return result;
  }
}
