import { generateKeyPairSync } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { PostgresEventStore, type Checkpoint } from '@shuzhi/event-store';
import {
  SignedGraphQLClient,
  TestClock,
  createTestDatabase,
  type Actor,
  type GraphQLAnswer,
  type TestDatabase,
} from '@shuzhi/testing';

export { TestClock, type Actor, type GraphQLAnswer };
import { PopulationModule } from '../src/population.module.js';
import { POPULATION_PROJECTIONS, PopulationProjections } from '../src/projections/population-projections.js';

/**
 * The population subgraph over real HTTP and a real PostgreSQL, called the way the gateway
 * will call it: each request signed with the gateway's key for a given caller.
 */
export class PopulationHarness {
  private constructor(
    readonly app: INestApplication,
    readonly url: string,
    readonly store: PostgresEventStore,
    readonly dataSource: DataSource,
    readonly database: TestDatabase,
    readonly clock: TestClock,
    private readonly gatewayKey: ReturnType<typeof generateKeyPairSync>['privateKey'],
  ) {}

  static async start(label: string): Promise<PopulationHarness> {
    const database = await createTestDatabase(label);
    const store = await PostgresEventStore.connect({ connectionString: database.url });
    const dataSource = await new DataSource({
      type: 'postgres',
      url: database.url,
      schema: 'population',
      entities: POPULATION_PROJECTIONS.map((p) => p.entity as never),
    }).initialize();
    const gateway = generateKeyPairSync('ed25519');
    const clock = new TestClock();
    const app = await NestFactory.create(
      PopulationModule.forRoot({ store, dataSource, clock, gatewayPublicKey: gateway.publicKey }),
      { rawBody: true, logger: ['error'] },
    );
    await app.listen(0, '127.0.0.1');
    const url = `${await app.getUrl()}/graphql`.replace('[::1]', '127.0.0.1');
    return new PopulationHarness(app, url, store, dataSource, database, clock, gateway.privateKey);
  }

  async stop(): Promise<void> {
    await this.app.close();
    await this.dataSource.destroy();
    await this.store.close();
    await this.database.drop();
  }

  /** A GraphQL request as the gateway would send it for `actor`. */
  call<T = Record<string, unknown>>(actor: Actor | null, query: string, variables: object = {}): Promise<GraphQLAnswer<T>> {
    return new SignedGraphQLClient(this.url, this.gatewayKey).call<T>(actor, query, variables);
  }

  /** As `call`, but the answer must carry no errors. */
  ok<T = Record<string, any>>(actor: Actor, query: string, variables: object = {}): Promise<T> {
    return new SignedGraphQLClient(this.url, this.gatewayKey).ok<T>(actor, query, variables);
  }

  /** The read models have caught up with everything appended so far. */
  async settled(): Promise<void> {
    // The last committed append, visible or not: a read of $all would stop short of events
    // held back by other transactions on the server (other test files run in parallel).
    const { rows } = await this.store.pool.query<{ tx: string; position: string }>(
      `select transaction_id::text as tx, global_position as position from event_store.events
       order by transaction_id desc, global_position desc limit 1`,
    );
    if (rows[0]) await this.app.get(PopulationProjections).caughtUpTo(`${rows[0].tx}:${rows[0].position}` as Checkpoint);
  }

  /** How many events of `type` the whole log holds: what a refusal must leave unchanged. */
  async count(type?: string): Promise<number> {
    const { rows } = await this.store.pool.query<{ n: number }>(
      'select count(*)::int as n from event_store.events where $1::text is null or type = $1',
      [type ?? null],
    );
    return rows[0].n;
  }
}
