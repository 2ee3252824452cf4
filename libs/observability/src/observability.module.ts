import { Global, Module, type DynamicModule } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { MetricsController } from './metrics.controller.js';
import { ProjectionLagGauges } from './projection-lag.js';
import { DrainDeadline } from './shutdown.js';

/**
 * What every Shuzhi application mounts at its root: GET /metrics, the lag gauges of its
 * projections, the drain deadline, and terminus for its /health (exported to the whole
 * application, so that a service's own health controller can use it wherever it is declared).
 */
@Global()
@Module({})
export class ObservabilityModule {
  static forRoot(): DynamicModule {
    // Terminus logs a failed check as an error; a probe that finds a subgraph down is not one.
    const terminus = TerminusModule.forRoot({ logger: false });
    return {
      module: ObservabilityModule,
      imports: [DiscoveryModule, terminus],
      controllers: [MetricsController],
      providers: [ProjectionLagGauges, DrainDeadline],
      exports: [terminus],
    };
  }
}
