import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { handleCommand } from '@shuzhi/event-store';
import type { DatasetField } from '@shuzhi/governance-events';
import { datasetDecider, datasetStreamId, type DatasetCommand } from '../domain/dataset/dataset.decider.js';
import { GOVERNANCE_CONFIG, type GovernanceConfig } from '../governance.config.js';
import { metadataOf, primaryRole, type CommandOrigin } from './command-metadata.js';
import { GovernanceFacts } from './governance-facts.js';

export class PublishDataset {
  constructor(readonly origin: CommandOrigin, readonly input: Extract<DatasetCommand, { type: 'PublishDataset' }>['input']) {}
}

@CommandHandler(PublishDataset)
export class PublishDatasetHandler implements ICommandHandler<PublishDataset> {
  constructor(
    @Inject(GOVERNANCE_CONFIG) private readonly config: GovernanceConfig,
    private readonly facts: GovernanceFacts,
  ) {}

  async execute({ origin, input }: PublishDataset) {
    const provider = input.providerDepartment ?? origin.actor.department;
    const command: DatasetCommand = {
      type: 'PublishDataset',
      actor: origin.actor,
      now: this.config.clock.now().toISOString(),
      input,
      providerRegistered: await this.facts.departmentRegistered(provider),
    };
    return handleCommand(this.config.store, datasetStreamId(input.code), datasetDecider, command, {
      metadata: metadataOf(origin, primaryRole(origin.actor)),
    });
  }
}

export class RegisterSchemaVersion {
  constructor(
    readonly origin: CommandOrigin,
    readonly datasetCode: string,
    readonly schema: unknown,
    readonly fields: DatasetField[],
  ) {}
}

@CommandHandler(RegisterSchemaVersion)
export class RegisterSchemaVersionHandler implements ICommandHandler<RegisterSchemaVersion> {
  constructor(
    @Inject(GOVERNANCE_CONFIG) private readonly config: GovernanceConfig,
    private readonly facts: GovernanceFacts,
  ) {}

  async execute({ origin, datasetCode, schema, fields }: RegisterSchemaVersion) {
    const command: DatasetCommand = {
      type: 'RegisterSchemaVersion',
      actor: origin.actor,
      now: this.config.clock.now().toISOString(),
      schema,
      fields,
      grants: await this.facts.grantsOn(datasetCode),
    };
    return handleCommand(this.config.store, datasetStreamId(datasetCode), datasetDecider, command, {
      metadata: metadataOf(origin, primaryRole(origin.actor)),
    });
  }
}
