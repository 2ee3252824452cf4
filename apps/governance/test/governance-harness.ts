import { generateKeyPairSync } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { PostgresEventStore, type Checkpoint } from '@shuzhi/event-store';
import { keyPairFromPem } from '@shuzhi/signing';
import {
  SignedGraphQLClient,
  TestClock,
  createTestDatabase,
  type Actor,
  type GraphQLAnswer,
  type TestDatabase,
} from '@shuzhi/testing';

export { TestClock, type Actor, type GraphQLAnswer };
import { GovernanceModule } from '../src/governance.module.js';
import { GOVERNANCE_PROJECTIONS, GovernanceProjections } from '../src/projections/governance-projections.js';
import { DeadlineScheduler } from '../src/scheduling/deadline-scheduler.js';

/**
 * The governance subgraph over real HTTP and a real PostgreSQL, called the way the gateway
 * will call it: each request signed with the gateway's key for a given caller.
 */
export class GovernanceHarness {
  private constructor(
    readonly app: INestApplication,
    readonly url: string,
    readonly store: PostgresEventStore,
    readonly dataSource: DataSource,
    readonly database: TestDatabase,
    readonly clock: TestClock,
    private readonly gatewayKey: ReturnType<typeof generateKeyPairSync>['privateKey'],
  ) {}

  static async start(label: string): Promise<GovernanceHarness> {
    const database = await createTestDatabase(label);
    const store = await PostgresEventStore.connect({ connectionString: database.url });
    const dataSource = await new DataSource({
      type: 'postgres',
      url: database.url,
      schema: 'governance',
      entities: GOVERNANCE_PROJECTIONS.map((p) => p.entity as never),
    }).initialize();
    const gateway = generateKeyPairSync('ed25519');
    const receipts = generateKeyPairSync('ed25519');
    const clock = new TestClock();
    const app = await NestFactory.create(
      GovernanceModule.forRoot({
        store,
        dataSource,
        clock,
        gatewayPublicKey: gateway.publicKey,
        receiptKeys: keyPairFromPem(receipts.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()),
        schedulerIntervalMs: 0,
      }),
      { rawBody: true, logger: ['error'] },
    );
    await app.listen(0, '127.0.0.1');
    const url = `${await app.getUrl()}/graphql`.replace('[::1]', '127.0.0.1');
    return new GovernanceHarness(app, url, store, dataSource, database, clock, gateway.privateKey);
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
    if (rows[0]) await this.app.get(GovernanceProjections).caughtUpTo(`${rows[0].tx}:${rows[0].position}` as Checkpoint);
  }

  tick() {
    return this.app.get(DeadlineScheduler).tick();
  }
}
