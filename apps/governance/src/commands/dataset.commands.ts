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
      ownedFields: await this.facts.ownedFields(),
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

  async execute(registration: RegisterSchemaVersion) {
    return handleCommand(this.config.store, datasetStreamId(registration.datasetCode), datasetDecider, await schemaVersionCommand(registration, this.config, this.facts), {
      metadata: metadataOf(registration.origin, primaryRole(registration.origin.actor)),
    });
  }
}

/** The decider's command for a schema version, with the grants in force now (a registration and its dry run alike). */
export const schemaVersionCommand = async (
  { origin, datasetCode, schema, fields }: RegisterSchemaVersion,
  config: GovernanceConfig,
  facts: GovernanceFacts,
): Promise<DatasetCommand> => ({
  type: 'RegisterSchemaVersion',
  actor: origin.actor,
  now: config.clock.now().toISOString(),
  schema,
  fields,
  grants: await facts.grantsOn(datasetCode),
  ownedFields: await facts.ownedFields(),
});
