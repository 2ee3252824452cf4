import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { handleCommand } from '@shuzhi/event-store';
import { enterpriseDecider, enterpriseStreamId, type EnterpriseCommand } from '../domain/enterprise.decider.js';
import { ENTERPRISE_CONFIG, type EnterpriseConfig } from '../enterprise.config.js';
import { metadataOf, type CommandOrigin } from './command-origin.js';
import type { DistributiveOmit } from '@shuzhi/shared-kernel';

/** A change that needs nothing but the enterprise's own stream: suspend, reactivate, deregister, employees. */
export type EnterpriseChange = Extract<
  EnterpriseCommand,
  { type: 'SuspendEnterprise' | 'ReactivateEnterprise' | 'DeregisterEnterprise' | 'UpdateEnterpriseEmployees' }
>;


export class ChangeEnterprise {
  constructor(
    readonly origin: CommandOrigin,
    readonly creditCode: string,
    readonly change: DistributiveOmit<EnterpriseChange, 'actor' | 'now'>,
  ) {}
}

@CommandHandler(ChangeEnterprise)
export class ChangeEnterpriseHandler implements ICommandHandler<ChangeEnterprise> {
  constructor(@Inject(ENTERPRISE_CONFIG) private readonly config: EnterpriseConfig) {}

  execute({ origin, creditCode, change }: ChangeEnterprise) {
    const command = { ...change, actor: origin.actor, now: this.config.clock.now().toISOString() } as EnterpriseChange;
    return handleCommand(this.config.store, enterpriseStreamId(creditCode), enterpriseDecider, command, {
      metadata: metadataOf(origin),
    });
  }
}
