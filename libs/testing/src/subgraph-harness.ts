import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { PostgresEventStore, type Checkpoint } from '@shuzhi/event-store';
import { SignedGraphQLClient, TestClock, type Actor, type GraphQLAnswer } from './signed-graphql.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

/** What a subgraph under test is built from: a database of its own, the log, a moved clock. */
export interface SubgraphUnderTest {
  databaseUrl: string;
  store: PostgresEventStore;
  gatewayPublicKey: KeyObject;
  clock: TestClock;
}

export interface OpenedSubgraph {
  app: INestApplication;
  url: string;
  /** The subgraph's name, which the contexts signed for it address. */
  name: string;
  store: PostgresEventStore;
  database: TestDatabase;
  clock: TestClock;
  gatewayKey: KeyObject;
}

/** Starts the subgraph `name` on a fresh database over real HTTP, with a gateway key pair of the test's own. */
export const openSubgraph = async (
  name: string,
  label: string,
  create: (dependencies: SubgraphUnderTest) => Promise<INestApplication>,
): Promise<OpenedSubgraph> => {
  const database = await createTestDatabase(label);
  const store = await PostgresEventStore.connect({ connectionString: database.url });
  const gateway = generateKeyPairSync('ed25519');
  const clock = new TestClock();
  const app = await create({ databaseUrl: database.url, store, gatewayPublicKey: gateway.publicKey, clock });
  await app.listen(0, '127.0.0.1');
  const url = `${await app.getUrl()}/graphql`.replace('[::1]', '127.0.0.1');
  return { app, url, name, store, database, clock, gatewayKey: gateway.privateKey };
};

/**
 * A subgraph over real HTTP and a real PostgreSQL, called the way the gateway calls it: each
 * request signed with the gateway's key for a given caller. Each service's harness adds what
 * is its own (seeding helpers, waiting for its read models).
 */
export class SubgraphHarness {
  readonly app: INestApplication;
  readonly url: string;
  readonly store: PostgresEventStore;
  readonly database: TestDatabase;
  readonly clock: TestClock;
  private readonly client: SignedGraphQLClient;

  protected constructor(opened: OpenedSubgraph) {
    ({ app: this.app, url: this.url, store: this.store, database: this.database, clock: this.clock } = opened);
    this.client = new SignedGraphQLClient(opened.url, opened.gatewayKey, opened.name);
  }

  async stop(): Promise<void> {
    await this.app.close();
    await this.store.close();
    await this.database.drop();
  }

  /** A GraphQL request as the gateway would send it for `actor`. */
  call<T = Record<string, unknown>>(actor: Actor | null, query: string, variables: object = {}): Promise<GraphQLAnswer<T>> {
    return this.client.call<T>(actor, query, variables);
  }

  /** A subscription over SSE, as the gateway would ask for it for `actor`. */
  subscribe(actor: Actor | null, query: string, variables: object = {}) {
    return this.client.subscribe(actor, query, variables);
  }

  /** As `call`, but the answer must carry no errors. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read by path in tests
  ok<T = Record<string, any>>(actor: Actor, query: string, variables: object = {}): Promise<T> {
    return this.client.ok<T>(actor, query, variables);
  }

  /**
   * The last committed append, visible or not: waiting for read models up to a read of $all
   * would stop short of events held back by other transactions (test files run in parallel).
   */
  async lastAppended(): Promise<Checkpoint | undefined> {
    const { rows } = await this.store.pool.query<{ tx: string; position: string }>(
      `select transaction_id::text as tx, global_position as position from event_store.events
       order by transaction_id desc, global_position desc limit 1`,
    );
    return rows[0] ? (`${rows[0].tx}:${rows[0].position}` as Checkpoint) : undefined;
  }
}
