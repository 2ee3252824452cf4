import { Inject, Module, type DynamicModule, type INestApplication, type OnApplicationShutdown } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';

export interface SubgraphAppOptions {
  databaseUrl: string;
  /** The PostgreSQL schema of the subgraph's read models (one per subgraph). */
  schema: string;
  /** The read models' entities. */
  entities: readonly unknown[];
  /** The subgraph's root module, given its read-model DataSource. */
  module: (dataSource: DataSource) => DynamicModule;
  /** Nest's log levels (default errors and warnings). */
  logger?: Array<'error' | 'warn' | 'log'>;
}

const OWNED_DATA_SOURCE = Symbol('OWNED_DATA_SOURCE');

/** Closes the read-model DataSource after the subgraph's own shutdown hooks have run. */
class ReadModelsCloser implements OnApplicationShutdown {
  constructor(@Inject(OWNED_DATA_SOURCE) private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

@Module({})
class SubgraphRoot {}

/**
 * A subgraph as a Nest application, not yet listening: its read-model DataSource opened first
 * and closed with the application (a hook in a root module around the subgraph's: Nest's
 * application object is a proxy, so overriding its `close` would not take), and the raw request
 * body kept, since that is what the gateway's signature covers.
 */
export const createSubgraphApp = async (options: SubgraphAppOptions): Promise<INestApplication> => {
  const dataSource = await new DataSource({
    type: 'postgres',
    url: options.databaseUrl,
    schema: options.schema,
    entities: options.entities as never[],
  }).initialize();
  try {
    const root: DynamicModule = {
      module: SubgraphRoot,
      imports: [options.module(dataSource)],
      providers: [{ provide: OWNED_DATA_SOURCE, useValue: dataSource }, ReadModelsCloser],
    };
    const app = await NestFactory.create(root, { rawBody: true, logger: options.logger ?? ['error', 'warn'] });
    app.enableShutdownHooks();
    return app;
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
};
