import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { subgraphGraphQLModule, refusalFilterProvider } from '@shuzhi/subgraph';
import { SUBSIDY_COMMAND_HANDLERS } from './commands/subsidy.commands.js';
import { SubsidyStreams } from './commands/subsidy-streams.js';
import { SubsidyWorkflows } from './commands/subsidy-workflows.js';
import { SubsidyApplicationResolver, SubsidyProgramResolver } from './graphql/subsidy.resolvers.js';
import { SubsidyReadModels } from './projections/subsidy-read-models.js';
import { SUBSIDY_CONFIG, type SubsidyConfig } from './subsidy.config.js';

/** The subsidy subgraph: the economic bureau's programs, applications and point-to-point payments (亲清在线). */
@Module({})
export class SubsidyModule {
  static forRoot(config: SubsidyConfig): DynamicModule {
    return {
      module: SubsidyModule,
      imports: [CqrsModule.forRoot(), subgraphGraphQLModule({ gatewayPublicKey: config.gatewayPublicKey, name: 'subsidy' })],
      providers: [
        { provide: SUBSIDY_CONFIG, useValue: config },
        refusalFilterProvider,
        SubsidyReadModels,
        SubsidyStreams,
        SubsidyWorkflows,
        ...SUBSIDY_COMMAND_HANDLERS,
        SubsidyProgramResolver,
        SubsidyApplicationResolver,
      ],
    };
  }
}
