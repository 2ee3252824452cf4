import { Module, type DynamicModule } from '@nestjs/common';
import { HealthController, SUBGRAPHS } from './health.controller.js';

/** The platform's front door; the gateway joins it as it is built. */
@Module({})
export class PlatformModule {
  static forSubgraphs(subgraphs: Record<string, string>): DynamicModule {
    return {
      module: PlatformModule,
      controllers: [HealthController],
      providers: [{ provide: SUBGRAPHS, useValue: subgraphs }],
    };
  }
}
