import { Module, type DynamicModule } from '@nestjs/common';
import { refusalFilterProvider, subgraphGraphQLModule } from '@shuzhi/subgraph';
import { AccessLog } from './access/access-log.js';
import { AuditProjections } from './access/audit-projections.js';
import { AUDIT_CONFIG, type AuditConfig } from './audit.config.js';
import { AuditChain } from './chain/audit-chain.js';
import { DecisionReplay } from './decision-replay/decision-replay.js';
import { AuditResolver } from './graphql/audit.resolvers.js';
import { StreamHistory } from './history/stream-history.js';
import { SubjectAccessReports } from './subject-report/subject-access-report.js';
import { WhoCouldRead } from './who-could-read/who-could-read.js';

/** The audit subgraph (auditors only): history, time travel, who could and who did read, decision replay. */
@Module({})
export class AuditModule {
  static forRoot(config: AuditConfig): DynamicModule {
    return {
      module: AuditModule,
      imports: [subgraphGraphQLModule({ gatewayPublicKey: config.gatewayPublicKey, name: 'audit' })],
      providers: [
        { provide: AUDIT_CONFIG, useValue: config },
        refusalFilterProvider,
        AuditProjections,
        StreamHistory,
        AccessLog,
        WhoCouldRead,
        SubjectAccessReports,
        DecisionReplay,
        AuditChain,
        AuditResolver,
      ],
    };
  }
}
