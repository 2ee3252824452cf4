import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { handleCommand } from '@shuzhi/event-store';
import { signReceipt } from '@shuzhi/signing';
import { consentDecider, consentStreamId, type ConsentCommand } from '../domain/consent/consent.decider.js';
import { GOVERNANCE_CONFIG, type GovernanceConfig } from '../governance.config.js';
import { metadataOf, primaryRole, type CommandOrigin, type DistributiveOmit } from './command-metadata.js';
import { GovernanceFacts } from './governance-facts.js';

export class GrantConsent {
  constructor(readonly origin: CommandOrigin, readonly input: Extract<ConsentCommand, { type: 'GrantConsent' }>['input']) {}
}

@CommandHandler(GrantConsent)
export class GrantConsentHandler implements ICommandHandler<GrantConsent> {
  constructor(
    @Inject(GOVERNANCE_CONFIG) private readonly config: GovernanceConfig,
    private readonly facts: GovernanceFacts,
  ) {}

  async execute({ origin, input }: GrantConsent) {
    const consentId = randomUUID();
    const dataset = await this.facts.dataset(input.datasetCode);
    const command: ConsentCommand = {
      type: 'GrantConsent',
      consentId,
      actor: origin.actor,
      now: this.config.clock.now().toISOString(),
      input,
      dataset: this.facts.viewOf(dataset),
      subject: await this.facts.subjectOf(dataset, input.subjectId),
      consumerRegistered: await this.facts.departmentRegistered(input.consumerDepartmentCode),
      purposeRegistered: await this.facts.purposeRegistered(input.purpose),
      signReceipt: (payload) => signReceipt(payload, this.config.receiptKeys.privateKey),
    };
    return handleCommand(this.config.store, consentStreamId(consentId), consentDecider, command, {
      metadata: metadataOf(origin, primaryRole(origin.actor)),
    });
  }
}

/** A withdrawal by the citizen channel the consent was given through, or expiry by the timer. */
export type ConsentTransition = Exclude<ConsentCommand, { type: 'GrantConsent' }>;
export class DecideConsent {
  constructor(
    readonly origin: CommandOrigin,
    readonly consentId: string,
    readonly transition: DistributiveOmit<ConsentTransition, 'now'>,
  ) {}
}

@CommandHandler(DecideConsent)
export class DecideConsentHandler implements ICommandHandler<DecideConsent> {
  constructor(@Inject(GOVERNANCE_CONFIG) private readonly config: GovernanceConfig) {}

  execute({ origin, consentId, transition }: DecideConsent) {
    const command = { ...transition, now: this.config.clock.now().toISOString() } as ConsentTransition;
    return handleCommand(this.config.store, consentStreamId(consentId), consentDecider, command, {
      metadata: metadataOf(origin, primaryRole(origin.actor)),
      // Expiry decides the same on newer state, so a race with a withdrawal is safe to retry.
      retries: transition.type === 'ExpireConsent' ? 3 : 0,
    });
  }
}
