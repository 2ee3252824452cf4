import { generateKeyPairSync } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { DataSource } from 'typeorm';
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
import { createEnterpriseApp } from '../src/enterprise.app.js';
import { ENTERPRISE_CONFIG, type EnterpriseConfig } from '../src/enterprise.config.js';
import { EnterpriseProjections } from '../src/projections/enterprise-projections.js';

/** The population service's side of the log, as this service reads it (its integration events). */
const populationActor = { department: 'public-security', client: 'ps-steward', role: 'STEWARD' };

/**
 * The enterprise subgraph over real HTTP and a real PostgreSQL, called the way the gateway
 * will call it: each request signed with the gateway's key for a given caller.
 */
export class EnterpriseHarness {
  private constructor(
    readonly app: INestApplication,
    readonly url: string,
    readonly store: PostgresEventStore,
    readonly dataSource: DataSource,
    readonly database: TestDatabase,
    readonly clock: TestClock,
    private readonly gatewayKey: ReturnType<typeof generateKeyPairSync>['privateKey'],
  ) {}

  static async start(label: string): Promise<EnterpriseHarness> {
    const database = await createTestDatabase(label);
    const store = await PostgresEventStore.connect({ connectionString: database.url });
    const gateway = generateKeyPairSync('ed25519');
    const clock = new TestClock();
    const app = await createEnterpriseApp({
      databaseUrl: database.url,
      store,
      gatewayPublicKey: gateway.publicKey,
      clock,
      logger: ['error'],
    });
    await app.listen(0, '127.0.0.1');
    const url = `${await app.getUrl()}/graphql`.replace('[::1]', '127.0.0.1');
    const { dataSource } = app.get<EnterpriseConfig>(ENTERPRISE_CONFIG);
    return new EnterpriseHarness(app, url, store, dataSource, database, clock, gateway.privateKey);
  }

  async stop(): Promise<void> {
    // Closing the app also closes its read-model connection.
    await this.app.close();
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

  /** What the population service publishes when it registers a resident. */
  async residentRegistered(residentId: string, name = '张伟'): Promise<void> {
    await this.store.appendToStream(
      `resident-${residentId}`,
      [
        {
          type: 'ResidentRegistered',
          data: {
            residentId,
            idNumber: '330106199003071235',
            name,
            gender: 'MALE',
            birthDate: '1990-03-07',
            householdId: null,
            by: { clientId: 'ps-steward', department: 'public-security', role: 'STEWARD' },
            at: this.clock.now().toISOString(),
          },
        },
      ],
      { expectedVersion: 'no-stream', metadata: { actor: populationActor } },
    );
  }

  /** What the population service publishes when it records a death. */
  async residentDied(residentId: string): Promise<void> {
    await this.store.appendToStream(
      `resident-${residentId}`,
      [
        {
          type: 'ResidentDied',
          data: {
            residentId,
            dateOfDeath: '2026-11-20',
            householdId: null,
            by: { clientId: 'ps-steward', department: 'public-security', role: 'STEWARD' },
            at: this.clock.now().toISOString(),
          },
        },
      ],
      { expectedVersion: 'any', metadata: { actor: populationActor } },
    );
  }

  /** The read models have caught up with everything appended so far. */
  async settled(): Promise<void> {
    // The last committed append, visible or not: a read of $all would stop short of events
    // held back by other transactions on the server (other test files run in parallel).
    const { rows } = await this.store.pool.query<{ tx: string; position: string }>(
      `select transaction_id::text as tx, global_position as position from event_store.events
       order by transaction_id desc, global_position desc limit 1`,
    );
    if (rows[0]) await this.app.get(EnterpriseProjections).caughtUpTo(`${rows[0].tx}:${rows[0].position}` as Checkpoint);
  }
}
