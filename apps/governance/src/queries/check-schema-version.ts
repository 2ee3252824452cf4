import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { previewCommand } from '@shuzhi/event-store';
import { DomainError } from '@shuzhi/shared-kernel';
import { RegisterSchemaVersion, schemaVersionCommand } from '../commands/dataset.commands.js';
import { GovernanceFacts } from '../commands/governance-facts.js';
import { datasetDecider, datasetStreamId } from '../domain/dataset/dataset.decider.js';
import { GOVERNANCE_CONFIG, type GovernanceConfig } from '../governance.config.js';

/** The verdict `registerSchemaVersion` would give now, and what it would refuse for. */
export interface SchemaVersionVerdict {
  accepted: boolean;
  /** The version it would become, when accepted. */
  version: number | null;
  code: string | null;
  reason: string | null;
  contractIds: string[];
  consentIds: string[];
  fields: string[];
}

/** A schema version checked as its registration would be, appending nothing: a steward sees the verdict first. */
export class CheckSchemaVersion {
  constructor(readonly registration: RegisterSchemaVersion) {}
}

@QueryHandler(CheckSchemaVersion)
export class CheckSchemaVersionHandler implements IQueryHandler<CheckSchemaVersion, SchemaVersionVerdict> {
  constructor(
    @Inject(GOVERNANCE_CONFIG) private readonly config: GovernanceConfig,
    private readonly facts: GovernanceFacts,
  ) {}

  async execute({ registration }: CheckSchemaVersion): Promise<SchemaVersionVerdict> {
    const command = await schemaVersionCommand(registration, this.config, this.facts);
    try {
      const [registered] = await previewCommand(this.config.store, datasetStreamId(registration.datasetCode), datasetDecider, command);
      const version = registered?.type === 'SchemaVersionRegistered' ? registered.data.version : null;
      return { accepted: true, version, code: null, reason: null, contractIds: [], consentIds: [], fields: [] };
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const list = (key: string) => (Array.isArray(error.details[key]) ? (error.details[key] as string[]) : []);
      return {
        accepted: false,
        version: null,
        code: error.code,
        reason: error.message,
        contractIds: list('contractIds'),
        consentIds: list('consentIds'),
        fields: list('fields'),
      };
    }
  }
}
