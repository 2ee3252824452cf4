import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { handleCommand } from '@shuzhi/event-store';
import { enterpriseDecider, enterpriseStreamId, type EnterpriseCommand } from '../domain/enterprise.decider.js';
import { ENTERPRISE_CONFIG, type EnterpriseConfig } from '../enterprise.config.js';
import { metadataOf, type CommandOrigin } from './command-origin.js';
import { LegalRepresentatives } from './legal-representatives.js';

export class ChangeLegalRepresentative {
  constructor(
    readonly origin: CommandOrigin,
    readonly creditCode: string,
    readonly legalRepresentativeId: string,
    readonly reason: string | null,
  ) {}
}

@CommandHandler(ChangeLegalRepresentative)
export class ChangeLegalRepresentativeHandler implements ICommandHandler<ChangeLegalRepresentative> {
  constructor(
    @Inject(ENTERPRISE_CONFIG) private readonly config: EnterpriseConfig,
    private readonly legalRepresentatives: LegalRepresentatives,
  ) {}

  async execute({ origin, creditCode, legalRepresentativeId, reason }: ChangeLegalRepresentative) {
    const command: EnterpriseCommand = {
      type: 'ChangeLegalRepresentative',
      actor: origin.actor,
      now: this.config.clock.now().toISOString(),
      legalRepresentativeId,
      legalRepresentative: await this.legalRepresentatives.find(legalRepresentativeId),
      reason,
    };
    return handleCommand(this.config.store, enterpriseStreamId(creditCode), enterpriseDecider, command, {
      metadata: metadataOf(origin),
    });
  }
}
