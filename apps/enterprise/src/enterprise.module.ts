import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { refusalFilterProvider, subgraphGraphQLModule } from '@shuzhi/subgraph';
import { ChangeEnterpriseHandler } from './commands/change-enterprise.js';
import { ChangeLegalRepresentativeHandler } from './commands/change-legal-representative.js';
import { LegalRepresentatives } from './commands/legal-representatives.js';
import { RegisterEnterpriseHandler } from './commands/register-enterprise.js';
import { ENTERPRISE_CONFIG, type EnterpriseConfig } from './enterprise.config.js';
import { EnterpriseChangesResolver, EnterpriseFeeds } from './graphql/enterprise-changes.js';
import { EnterpriseResolver, ResidentResolver } from './graphql/enterprise.resolvers.js';
import { EnterpriseProjections } from './projections/enterprise-projections.js';

/** The enterprise subgraph: market regulation's register of market entities (市场主体登记). */
@Module({})
export class EnterpriseModule {
  static forRoot(config: EnterpriseConfig): DynamicModule {
    return {
      module: EnterpriseModule,
      imports: [CqrsModule.forRoot(), subgraphGraphQLModule({ gatewayPublicKey: config.gatewayPublicKey, name: 'enterprise' })],
      providers: [
        { provide: ENTERPRISE_CONFIG, useValue: config },
        refusalFilterProvider,
        EnterpriseProjections,
        LegalRepresentatives,
        RegisterEnterpriseHandler,
        ChangeEnterpriseHandler,
        ChangeLegalRepresentativeHandler,
        EnterpriseResolver,
        ResidentResolver,
        EnterpriseFeeds,
        EnterpriseChangesResolver,
      ],
    };
  }
}
