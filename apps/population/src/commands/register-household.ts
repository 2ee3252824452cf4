import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { handleCommand } from '@shuzhi/event-store';
import { householdDecider, householdStreamId, type HouseholdCommand } from '../domain/household/household.decider.js';
import { POPULATION_CONFIG, type PopulationConfig } from '../population.config.js';
import { metadataOf, type CommandOrigin } from './command-metadata.js';

export class RegisterHousehold {
  constructor(readonly origin: CommandOrigin, readonly input: HouseholdCommand['input']) {}
}

@CommandHandler(RegisterHousehold)
export class RegisterHouseholdHandler implements ICommandHandler<RegisterHousehold> {
  constructor(@Inject(POPULATION_CONFIG) private readonly config: PopulationConfig) {}

  execute({ origin, input }: RegisterHousehold) {
    const householdId = randomUUID();
    const command: HouseholdCommand = { type: 'RegisterHousehold', householdId, actor: origin.actor, now: this.config.clock.now().toISOString(), input };
    return handleCommand(this.config.store, householdStreamId(householdId), householdDecider, command, { metadata: metadataOf(origin) });
  }
}
