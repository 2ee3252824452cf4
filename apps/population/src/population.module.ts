import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { refusalFilterProvider, subgraphGraphQLModule } from '@shuzhi/subgraph';
import { MoveResidentHandler } from './commands/move-resident.js';
import { PopulationFacts } from './commands/population-facts.js';
import { RecordDeathHandler } from './commands/record-death.js';
import { RegisterHouseholdHandler } from './commands/register-household.js';
import { RegisterResidentHandler } from './commands/register-resident.js';
import { PopulationChangesResolver, PopulationFeeds } from './graphql/population-changes.js';
import { HouseholdResolver, ResidentResolver } from './graphql/population.resolvers.js';
import { POPULATION_CONFIG, type PopulationConfig } from './population.config.js';
import { PopulationProjections } from './projections/population-projections.js';
import { PopulationReads } from './queries/population-reads.js';

/** The population subgraph (owner: public security): residents, households and the grid. */
@Module({})
export class PopulationModule {
  static forRoot(config: PopulationConfig): DynamicModule {
    return {
      module: PopulationModule,
      imports: [CqrsModule.forRoot(), subgraphGraphQLModule({ gatewayPublicKey: config.gatewayPublicKey, name: 'population' })],
      providers: [
        { provide: POPULATION_CONFIG, useValue: config },
        refusalFilterProvider,
        PopulationFacts,
        PopulationReads,
        PopulationProjections,
        RegisterHouseholdHandler,
        RegisterResidentHandler,
        MoveResidentHandler,
        RecordDeathHandler,
        ResidentResolver,
        HouseholdResolver,
        PopulationFeeds,
        PopulationChangesResolver,
      ],
    };
  }
}
