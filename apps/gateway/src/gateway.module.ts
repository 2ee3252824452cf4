import { Module, type DynamicModule } from '@nestjs/common';
import { ObservabilityModule } from '@shuzhi/observability';
import { GatewayClients } from './authentication/gateway-clients.js';
import { GATEWAY_CONFIG, type GatewayConfig } from './gateway.config.js';
import { ConsoleController } from './http/console.controller.js';
import { GraphqlController } from './http/graphql.controller.js';
import { GraphqlWebSocketServer } from './http/graphql-websocket.server.js';
import { HealthController } from './http/health.controller.js';
import { GATEWAY_READ_MODEL_TABLES } from './observability/gateway-read-models.js';
import { GatewayRuntimeHost } from './runtime/gateway-runtime.host.js';

/** The gateway: one authenticated GraphQL door over the composed supergraph, by HTTP (SSE included) and graphql-ws. */
@Module({})
export class GatewayModule {
  /** `readModelTables`: the gateway's read models as `schema.table`; it is ready once they exist. */
  static forRoot(config: GatewayConfig, readModelTables: readonly string[] = []): DynamicModule {
    return {
      module: GatewayModule,
      imports: [ObservabilityModule.forRoot()],
      controllers: [GraphqlController, HealthController, ConsoleController],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: GATEWAY_READ_MODEL_TABLES, useValue: readModelTables },
        GatewayClients,
        GatewayRuntimeHost,
        GraphqlWebSocketServer,
      ],
    };
  }
}
