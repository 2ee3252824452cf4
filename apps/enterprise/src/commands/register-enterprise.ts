import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { handleCommand } from '@shuzhi/event-store';
import {
  enterpriseDecider,
  enterpriseStreamId,
  type EnterpriseCommand,
  type RegisterEnterpriseInput,
} from '../domain/enterprise.decider.js';
import { ENTERPRISE_CONFIG, type EnterpriseConfig } from '../enterprise.config.js';
import { metadataOf, type CommandOrigin } from './command-origin.js';
import { LegalRepresentatives } from './legal-representatives.js';

export class RegisterEnterprise {
  constructor(readonly origin: CommandOrigin, readonly input: RegisterEnterpriseInput) {}
}

@CommandHandler(RegisterEnterprise)
export class RegisterEnterpriseHandler implements ICommandHandler<RegisterEnterprise> {
  constructor(
    @Inject(ENTERPRISE_CONFIG) private readonly config: EnterpriseConfig,
    private readonly legalRepresentatives: LegalRepresentatives,
  ) {}

  async execute({ origin, input }: RegisterEnterprise) {
    const command: EnterpriseCommand = {
      type: 'RegisterEnterprise',
      actor: origin.actor,
      now: this.config.clock.now().toISOString(),
      input,
      legalRepresentative: await this.legalRepresentatives.find(input.legalRepresentativeId),
    };
    return handleCommand(this.config.store, enterpriseStreamId(input.creditCode), enterpriseDecider, command, {
      metadata: metadataOf(origin),
      // Two registrations of one code at once: the loser decides again on the stream the winner
      // wrote, and is refused as a duplicate rather than with a bare conflict.
      retries: 1,
    });
  }
}
