import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { handleCommand } from '@shuzhi/event-store';
import {
  contractDecider,
  contractStreamId,
  type ContractCommand,
  type ReturnFlowGrantInput,
  type SubmitContractInput,
} from '../domain/sharing-contract/contract.decider.js';
import { GOVERNANCE_CONFIG, type GovernanceConfig } from '../governance.config.js';
import { metadataOf, primaryRole, type CommandOrigin, type DistributiveOmit } from './command-metadata.js';
import { GovernanceFacts } from './governance-facts.js';

export class SubmitSharingContract {
  constructor(readonly origin: CommandOrigin, readonly input: SubmitContractInput) {}
}

@CommandHandler(SubmitSharingContract)
export class SubmitSharingContractHandler implements ICommandHandler<SubmitSharingContract> {
  constructor(
    @Inject(GOVERNANCE_CONFIG) private readonly config: GovernanceConfig,
    private readonly facts: GovernanceFacts,
  ) {}

  async execute({ origin, input }: SubmitSharingContract) {
    const contractId = randomUUID();
    const command: ContractCommand = {
      type: 'SubmitContract',
      contractId,
      actor: origin.actor,
      now: this.config.clock.now().toISOString(),
      input,
      dataset: await this.facts.datasetView(input.datasetCode),
      purposeRegistered: await this.facts.purposeRegistered(input.purpose),
      consumerDivision: (await this.facts.department(origin.actor.department))?.divisionCode ?? null,
      rowsPlaced: await this.facts.rowsPlaced(input.datasetCode),
    };
    return handleCommand(this.config.store, contractStreamId(contractId), contractDecider, command, {
      metadata: metadataOf(origin, primaryRole(origin.actor)),
    });
  }
}

export class GrantReturnFlowContract {
  constructor(readonly origin: CommandOrigin, readonly input: ReturnFlowGrantInput) {}
}

@CommandHandler(GrantReturnFlowContract)
export class GrantReturnFlowContractHandler implements ICommandHandler<GrantReturnFlowContract> {
  constructor(
    @Inject(GOVERNANCE_CONFIG) private readonly config: GovernanceConfig,
    private readonly facts: GovernanceFacts,
  ) {}

  async execute({ origin, input }: GrantReturnFlowContract) {
    const contractId = randomUUID();
    const department = await this.facts.department(input.departmentCode);
    const command: ContractCommand = {
      type: 'GrantReturnFlowContract',
      contractId,
      actor: origin.actor,
      now: this.config.clock.now().toISOString(),
      input,
      department: department && { code: department.code, level: department.level, divisionCode: department.divisionCode },
      dataset: await this.facts.datasetView(input.datasetCode),
      purposeRegistered: await this.facts.purposeRegistered(input.purpose),
      rowsPlaced: await this.facts.rowsPlaced(input.datasetCode),
    };
    return handleCommand(this.config.store, contractStreamId(contractId), contractDecider, command, {
      metadata: metadataOf(origin, 'PLATFORM'),
    });
  }
}

/** A review decision or a lifecycle change of one contract, by a person or a timer. */
export type ContractTransition = Exclude<ContractCommand, { type: 'SubmitContract' | 'GrantReturnFlowContract' }>;

export class DecideSharingContract {
  constructor(
    readonly origin: CommandOrigin,
    readonly contractId: string,
    readonly transition: DistributiveOmit<ContractTransition, 'now'>,
  ) {}
}

@CommandHandler(DecideSharingContract)
export class DecideSharingContractHandler implements ICommandHandler<DecideSharingContract> {
  constructor(@Inject(GOVERNANCE_CONFIG) private readonly config: GovernanceConfig) {}

  execute({ origin, contractId, transition }: DecideSharingContract) {
    const command = { ...transition, now: this.config.clock.now().toISOString() } as ContractTransition;
    return handleCommand(this.config.store, contractStreamId(contractId), contractDecider, command, {
      metadata: metadataOf(origin, primaryRole(origin.actor)),
      // Timers decide the same thing on newer state, so a race with a person is safe to retry.
      retries: origin.actor.clientId === 'system' ? 3 : 0,
    });
  }
}
