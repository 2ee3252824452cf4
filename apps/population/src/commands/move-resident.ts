import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { handleCommand } from '@shuzhi/event-store';
import { residentDecider, residentStreamId } from '../domain/resident/resident.decider.js';
import { POPULATION_CONFIG, type PopulationConfig } from '../population.config.js';
import { metadataOf, type CommandOrigin } from './command-metadata.js';
import { PopulationFacts } from './population-facts.js';

export class MoveResident {
  constructor(readonly origin: CommandOrigin, readonly residentId: string, readonly toHouseholdId: string) {}
}

/** A move is the resident's own fact: one stream, the household's members follow in the read model. */
@CommandHandler(MoveResident)
export class MoveResidentHandler implements ICommandHandler<MoveResident> {
  constructor(
    @Inject(POPULATION_CONFIG) private readonly config: PopulationConfig,
    private readonly facts: PopulationFacts,
  ) {}

  async execute({ origin, residentId, toHouseholdId }: MoveResident) {
    const command = {
      type: 'MoveResident',
      residentId,
      actor: origin.actor,
      now: this.config.clock.now().toISOString(),
      toHouseholdId,
      householdRegistered: await this.facts.householdRegistered(toHouseholdId),
    } as const;
    return handleCommand(this.config.store, residentStreamId(residentId), residentDecider, command, { metadata: metadataOf(origin) });
  }
}
