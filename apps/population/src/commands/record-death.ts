import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { handleCommand } from '@shuzhi/event-store';
import { residentDecider, residentStreamId } from '../domain/resident/resident.decider.js';
import { POPULATION_CONFIG, type PopulationConfig } from '../population.config.js';
import { metadataOf, type CommandOrigin } from './command-metadata.js';

export class RecordDeath {
  constructor(readonly origin: CommandOrigin, readonly residentId: string, readonly dateOfDeath: string) {}
}

@CommandHandler(RecordDeath)
export class RecordDeathHandler implements ICommandHandler<RecordDeath> {
  constructor(@Inject(POPULATION_CONFIG) private readonly config: PopulationConfig) {}

  execute({ origin, residentId, dateOfDeath }: RecordDeath) {
    const command = { type: 'RecordDeath', residentId, actor: origin.actor, now: this.config.clock.now().toISOString(), dateOfDeath } as const;
    return handleCommand(this.config.store, residentStreamId(residentId), residentDecider, command, { metadata: metadataOf(origin) });
  }
}
