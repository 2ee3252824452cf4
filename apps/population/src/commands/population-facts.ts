import { Inject, Injectable } from '@nestjs/common';
import { householdStreamId } from '../domain/household/household.decider.js';
import { POPULATION_CONFIG, type PopulationConfig } from '../population.config.js';

/** What a command needs to know of other aggregates, read from their streams (never stale). */
@Injectable()
export class PopulationFacts {
  constructor(@Inject(POPULATION_CONFIG) private readonly config: PopulationConfig) {}

  /** False for no household at all: the decider asks only when one is named. */
  async householdRegistered(householdId: string | null): Promise<boolean> {
    if (householdId === null) return false;
    const first = await this.config.store.readStream(householdStreamId(householdId), { untilVersion: 0 });
    return first.length > 0;
  }
}
