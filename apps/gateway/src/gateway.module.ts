import { Module, type DynamicModule } from '@nestjs/common';
import { GatewayClients } from './authentication/gateway-clients.js';
import { GATEWAY_CONFIG, type GatewayConfig } from './gateway.config.js';
import { GraphqlController } from './http/graphql.controller.js';
import { HealthController } from './http/health.controller.js';
import { GatewayRuntimeHost } from './runtime/gateway-runtime.host.js';

/** The gateway: one authenticated GraphQL door over the composed supergraph. */
@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      controllers: [GraphqlController, HealthController],
      providers: [{ provide: GATEWAY_CONFIG, useValue: config }, GatewayClients, GatewayRuntimeHost],
    };
  }
}
