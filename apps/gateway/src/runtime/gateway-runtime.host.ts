import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config.js';
import { createShuzhiRuntime, type ShuzhiGatewayRuntime } from './gateway-runtime.js';

/** Owns the Hive runtime for the Nest application's lifetime. */
@Injectable()
export class GatewayRuntimeHost implements OnApplicationShutdown {
  readonly runtime: ShuzhiGatewayRuntime;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    this.runtime = createShuzhiRuntime({
      supergraph: config.supergraph,
      subgraphs: config.subgraphs,
      recomposeIntervalMs: config.recomposeIntervalMs,
      signingKey: config.gatewayKeys.privateKey,
      policies: config.policies,
      limits: config.limits,
      upstreamTimeoutMs: config.upstreamTimeoutMs,
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runtime.dispose();
  }
}
