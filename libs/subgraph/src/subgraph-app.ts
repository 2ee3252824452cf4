import type { DynamicModule, INestApplication } from '@nestjs/common';
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

/**
 * A subgraph as a Nest application, not yet listening: its read-model DataSource opened first
 * and closed with it, and the raw request body kept, since that is what the gateway's
 * signature covers.
 */
export const createSubgraphApp = async (options: SubgraphAppOptions): Promise<INestApplication> => {
  const dataSource = await new DataSource({
    type: 'postgres',
    url: options.databaseUrl,
    schema: options.schema,
    entities: options.entities as never[],
  }).initialize();
  try {
    const app = await NestFactory.create(options.module(dataSource), { rawBody: true, logger: options.logger ?? ['error', 'warn'] });
    app.enableShutdownHooks();
    const close = app.close.bind(app);
    app.close = async () => {
      await close();
      await dataSource.destroy();
    };
    return app;
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
};
