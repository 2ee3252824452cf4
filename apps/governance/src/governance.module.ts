import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { refusalFilterProvider, subgraphGraphQLModule } from '@shuzhi/subgraph';
import { DecideConsentHandler, GrantConsentHandler } from './commands/consent.commands.js';
import { CheckSchemaVersionHandler } from './queries/check-schema-version.js';
import { PublishDatasetHandler, RegisterSchemaVersionHandler } from './commands/dataset.commands.js';
import { GovernanceFacts } from './commands/governance-facts.js';
import {
  IssueClientKeyHandler,
  RegisterDepartmentHandler,
  RegisterPurposeHandler,
  RevokeClientKeyHandler,
} from './commands/registry.commands.js';
import { RegisterSubgraphHandler } from './commands/register-subgraph.js';
import { DecideSharingContractHandler, GrantReturnFlowContractHandler, SubmitSharingContractHandler } from './commands/sharing-contract.commands.js';
import { GOVERNANCE_CONFIG, type GovernanceConfig } from './governance.config.js';
import { GovernanceMappers } from './graphql/governance.mappers.js';
import { ConsentResolver, DatasetResolver, DepartmentResolver, RegistryResolver, SharingContractResolver } from './graphql/governance.resolvers.js';
import { SubgraphRegistryResolver } from './graphql/subgraph-registry.resolver.js';
import { GovernanceProjections } from './projections/governance-projections.js';
import { DeadlineScheduler } from './scheduling/deadline-scheduler.js';

/** The governance subgraph: registries, catalog, sharing contracts and consent. */
@Module({})
export class GovernanceModule {
  static forRoot(config: GovernanceConfig): DynamicModule {
    return {
      module: GovernanceModule,
      imports: [CqrsModule.forRoot(), subgraphGraphQLModule({ gatewayPublicKey: config.gatewayPublicKey, name: 'governance' })],
      providers: [
        { provide: GOVERNANCE_CONFIG, useValue: config },
        refusalFilterProvider,
        GovernanceFacts,
        GovernanceMappers,
        GovernanceProjections,
        DeadlineScheduler,
        RegisterDepartmentHandler,
        RegisterPurposeHandler,
        IssueClientKeyHandler,
        RevokeClientKeyHandler,
        RegisterSubgraphHandler,
        PublishDatasetHandler,
        RegisterSchemaVersionHandler,
        CheckSchemaVersionHandler,
        SubmitSharingContractHandler,
        GrantReturnFlowContractHandler,
        DecideSharingContractHandler,
        GrantConsentHandler,
        DecideConsentHandler,
        RegistryResolver,
        DepartmentResolver,
        SubgraphRegistryResolver,
        DatasetResolver,
        SharingContractResolver,
        ConsentResolver,
      ],
    };
  }
}
