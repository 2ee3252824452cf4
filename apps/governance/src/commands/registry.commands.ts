import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { handleCommand } from '@shuzhi/event-store';
import type { DepartmentLevel } from '@shuzhi/governance-events';
import type { Role } from '@shuzhi/shared-kernel';
import { generateApiKey, hashApiKey } from '@shuzhi/signing';
import {
  clientDecider,
  clientStreamId,
  departmentDecider,
  departmentStreamId,
  purposeDecider,
  purposeStreamId,
} from '../domain/registry/registry.decider.js';
import { GOVERNANCE_CONFIG, type GovernanceConfig } from '../governance.config.js';
import { metadataOf, primaryRole, type CommandOrigin } from './command-metadata.js';
import { GovernanceFacts } from './governance-facts.js';

export class RegisterDepartment {
  constructor(
    readonly origin: CommandOrigin,
    readonly code: string,
    readonly name: string,
    /** Absent: the department serves the whole platform's area. */
    readonly area: { level?: DepartmentLevel | null; divisionCode?: string | null } = {},
  ) {}
}

@CommandHandler(RegisterDepartment)
export class RegisterDepartmentHandler implements ICommandHandler<RegisterDepartment> {
  constructor(@Inject(GOVERNANCE_CONFIG) private readonly config: GovernanceConfig) {}

  execute({ origin, code, name, area }: RegisterDepartment) {
    const command = { type: 'RegisterDepartment', actor: origin.actor, now: this.config.clock.now().toISOString(), code, name, ...area } as const;
    return handleCommand(this.config.store, departmentStreamId(code), departmentDecider, command, {
      metadata: metadataOf(origin, 'PLATFORM'),
    });
  }
}

export class RegisterPurpose {
  constructor(readonly origin: CommandOrigin, readonly code: string, readonly name: string, readonly description: string | null) {}
}

@CommandHandler(RegisterPurpose)
export class RegisterPurposeHandler implements ICommandHandler<RegisterPurpose> {
  constructor(@Inject(GOVERNANCE_CONFIG) private readonly config: GovernanceConfig) {}

  execute({ origin, code, name, description }: RegisterPurpose) {
    const now = this.config.clock.now().toISOString();
    return handleCommand(
      this.config.store,
      purposeStreamId(code),
      purposeDecider,
      { type: 'RegisterPurpose', actor: origin.actor, now, code, name, description },
      { metadata: metadataOf(origin, 'PLATFORM') },
    );
  }
}

export class IssueClientKey {
  constructor(
    readonly origin: CommandOrigin,
    readonly departmentCode: string,
    readonly name: string,
    readonly roles: Role[],
    /** Given for the platform's bootstrap client; otherwise a new one. */
    readonly fixed?: { clientId: string; apiKey: string },
  ) {}
}

/** The key exists in clear only here and in the answer: the event keeps its scrypt hash. */
@CommandHandler(IssueClientKey)
export class IssueClientKeyHandler implements ICommandHandler<IssueClientKey> {
  constructor(
    @Inject(GOVERNANCE_CONFIG) private readonly config: GovernanceConfig,
    private readonly facts: GovernanceFacts,
  ) {}

  async execute({ origin, departmentCode, name, roles, fixed }: IssueClientKey) {
    const { clientId, apiKey } = fixed ?? generateApiKey();
    const command = {
      type: 'IssueClientKey',
      actor: origin.actor,
      now: this.config.clock.now().toISOString(),
      clientId,
      departmentCode,
      name,
      roles,
      keyHash: await hashApiKey(apiKey),
      departmentRegistered: await this.facts.departmentRegistered(departmentCode),
    } as const;
    await handleCommand(this.config.store, clientStreamId(clientId), clientDecider, command, {
      metadata: metadataOf(origin, primaryRole(origin.actor)),
    });
    return { clientId, apiKey };
  }
}

export class RevokeClientKey {
  constructor(readonly origin: CommandOrigin, readonly clientId: string, readonly reason: string | null) {}
}

@CommandHandler(RevokeClientKey)
export class RevokeClientKeyHandler implements ICommandHandler<RevokeClientKey> {
  constructor(@Inject(GOVERNANCE_CONFIG) private readonly config: GovernanceConfig) {}

  execute({ origin, clientId, reason }: RevokeClientKey) {
    const now = this.config.clock.now().toISOString();
    return handleCommand(
      this.config.store,
      clientStreamId(clientId),
      clientDecider,
      { type: 'RevokeClientKey', actor: origin.actor, now, reason },
      { metadata: metadataOf(origin, primaryRole(origin.actor)) },
    );
  }
}
