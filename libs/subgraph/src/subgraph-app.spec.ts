import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '@shuzhi/testing';
import { READ_MODELS } from './health.controller.js';
import { createSubgraphApp } from './subgraph-app.js';

/** Stands for a subgraph's projections: on shutdown they still write their last batch. */
@Injectable()
class LastBatch implements OnApplicationShutdown {
  static written: unknown;

  constructor(@Inject(READ_MODELS) private readonly readModels: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    LastBatch.written = await this.readModels.query('select 1 as n').catch((error: unknown) => error);
  }
}

/** Global, as a service's module may be: those shut down last of all, in the reverse of their order. */
@Global()
@Module({ providers: [LastBatch] })
class ServiceModule {}

describe('createSubgraphApp', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase('subgraph_app');
  });
  afterAll(() => database.drop());

  it("closes the read models after the service's own shutdown hooks, which may still use them", async () => {
    let dataSource: DataSource | undefined;
    const app = await createSubgraphApp({
      databaseUrl: database.url,
      schema: 'public',
      entities: [],
      module: (readModels) => {
        dataSource = readModels;
        return { module: ServiceModule };
      },
    });
    await app.init();
    await app.close();

    expect(LastBatch.written).toEqual([{ n: 1 }]);
    expect(dataSource!.isInitialized).toBe(false);
  });
});
