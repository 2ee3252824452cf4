import { Global, Inject, Module, type DynamicModule, type INestApplication, type OnApplicationShutdown } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import { openReadModels } from '@shuzhi/event-store';
import {
  GraphQLOperationsPlugin,
  NestLogger,
  ObservabilityModule,
  observeHttp,
  releaseSignalsFromEmbeddedPostgres,
} from '@shuzhi/observability';
import { READ_MODEL_TABLES, READ_MODELS, SubgraphHealthController } from './health.controller.js';

export interface SubgraphAppOptions {
  databaseUrl: string;
  /** The PostgreSQL schema of the subgraph's read models (one per subgraph). */
  schema: string;
  /** The read models' entities. */
  entities: ReadonlyArray<EntityTarget<ObjectLiteral>>;
  /** The subgraph's root module, given its read-model DataSource. */
  module: (dataSource: DataSource) => DynamicModule;
  /** Nest's log levels (default errors and warnings). */
  logger?: Array<'error' | 'warn' | 'log'>;
}

/**
 * Closes the read-model DataSource after the subgraph's own shutdown hooks have run (its
 * projections stop there, and their last batch still writes). Nest shuts modules down from the
 * root inwards and global modules last, so it lives in the global module below, not the root.
 */
class ReadModelsCloser implements OnApplicationShutdown {
  constructor(@Inject(READ_MODELS) private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

@Module({})
class SubgraphRoot {}

/** The read models, for the health check wherever a service declares it, closed last. */
@Global()
@Module({})
class SubgraphReadModels {}

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * A subgraph as a Nest application, not yet listening: its read-model DataSource opened first
 * and closed with the application, last (a hook, not an override: Nest's application object is
 * a proxy, so overriding its `close` would not take), and the raw request body kept, since that
 * is what the gateway's signature covers.
 */
export const createSubgraphApp = async (options: SubgraphAppOptions): Promise<INestApplication> => {
  const dataSource = await openReadModels(options.databaseUrl, options.schema, options.entities);
  try {
    const readModels: DynamicModule = {
      module: SubgraphReadModels,
      providers: [
        { provide: READ_MODELS, useValue: dataSource },
        ReadModelsCloser,
        {
          provide: READ_MODEL_TABLES,
          useValue: () =>
            options.entities.map((entity) => {
              const table = dataSource.getMetadata(entity);
              return `${quoted(table.schema ?? options.schema)}.${quoted(table.tableName)}`;
            }),
        },
      ],
      exports: [READ_MODELS, READ_MODEL_TABLES],
    };
    // Root first, so its /health and /metrics are the ones routed. The read models before the
    // service's module: among global modules Nest shuts down the later-registered first, so
    // the DataSource outlives a service module that is global too.
    const root: DynamicModule = {
      module: SubgraphRoot,
      imports: [ObservabilityModule.forRoot(), readModels, options.module(dataSource)],
      controllers: [SubgraphHealthController],
      providers: [GraphQLOperationsPlugin],
    };
    const app = await NestFactory.create(root, { rawBody: true, logger: new NestLogger(options.logger) });
    // The correlation id comes with the gateway's signed context, read by the GraphQL plugin.
    app.use(observeHttp());
    // Nest owns the signals: closing drains requests, then stops projections and pools in order.
    app.enableShutdownHooks();
    releaseSignalsFromEmbeddedPostgres();
    return app;
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
};
