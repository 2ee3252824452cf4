import { Module, type DynamicModule } from '@nestjs/common';
import { PostgresEventStore } from '@shuzhi/event-store';
import { HealthController } from './health.controller.js';

/** The one-machine platform: later issues add the subgraphs and the gateway here. */
@Module({})
export class PlatformModule {
  static forStore(store: PostgresEventStore): DynamicModule {
    return {
      module: PlatformModule,
      controllers: [HealthController],
      providers: [{ provide: PostgresEventStore, useValue: store }],
    };
  }
}
