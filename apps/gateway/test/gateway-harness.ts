import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { INestApplication } from '@nestjs/common';
import { PostgresEventStore } from '@shuzhi/event-store';
import { keyPairFromPem, type SigningKeyPair } from '@shuzhi/signing';
import { createTestDatabase, type TestDatabase } from '@shuzhi/testing';
import { ensurePlatformAdmin } from '../../governance/src/bootstrap/platform-admin.js';
import { createGovernanceApp } from '../../governance/src/governance.app.js';
import { waitUntil } from '@shuzhi/testing';
import type { SubgraphEndpoints } from '../src/composition/subgraph-endpoints.js';
import { createGatewayApp, type GatewayAppOptions } from '../src/gateway.app.js';

/** The HASH mask's key in tests, so that a test can compute the expected hash. */
export const TEST_HASH_KEY = 'gateway-test-field-hash-key';

export interface Answer<T = Record<string, any>> {
  status: number;
  data?: T | null;
  errors?: Array<{ message: string; path?: string[]; extensions: Record<string, unknown> & { code: string } }>;
}

export const newKeyPair = (): SigningKeyPair =>
  keyPairFromPem(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());

/** Base URL of a listening Nest application, on the IPv4 loopback. */
export const baseUrlOf = async (app: INestApplication): Promise<string> => (await app.getUrl()).replace('[::1]', '127.0.0.1');

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });

/**
 * A domain subgraph in a process of its own, as deployed: NestJS's code-first GraphQL keeps one
 * type registry per process, so a second subgraph in the test's process would see governance's
 * types as its own and the supergraph would not compose.
 */
const startSubgraphProcess = async (entry: string, databaseUrl: string, gatewayKeys: SigningKeyPair): Promise<{ child: ChildProcess; url: string }> => {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', fileURLToPath(new URL('../../../libs/testing/register-typescript.mjs', import.meta.url)), entry], {
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', SHUZHI_GATEWAY_PUBLIC_KEY: gatewayKeys.publicKeyPem },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(() => child.exitCode === null && fetch(`${url}/health`).then((r) => r.ok, () => false), {
    timeoutMs: 60_000,
    intervalMs: 200,
    what: `the subgraph ${entry}`,
  });
  return { child, url };
};

/**
 * The real governance subgraph (and, when asked, the real population subgraph) and the real
 * gateway in front of them, with contract enforcement on, over HTTP, on one PostgreSQL database:
 * the subgraphs trust this gateway's key, and only it.
 */
export class GatewayHarness {
  private readonly extraGateways: INestApplication[] = [];

  private constructor(
    readonly database: TestDatabase,
    readonly store: PostgresEventStore,
    readonly gatewayKeys: SigningKeyPair,
    readonly governance: INestApplication,
    readonly governanceUrl: string,
    readonly subgraphs: SubgraphEndpoints,
    private readonly domainProcesses: ChildProcess[],
    readonly gateway: INestApplication,
    readonly gatewayUrl: string,
    readonly adminKey: string,
  ) {}

  static async start(label: string, options: { population?: boolean } = {}): Promise<GatewayHarness> {
    const database = await createTestDatabase(label);
    const store = await PostgresEventStore.connect({ connectionString: database.url });
    const gatewayKeys = newKeyPair();
    const governance = await createGovernanceApp({
      databaseUrl: database.url,
      store,
      gatewayPublicKey: gatewayKeys.publicKey,
      receiptKeys: newKeyPair(),
      schedulerIntervalMs: 0,
    });
    await governance.listen(0, '127.0.0.1');
    const { apiKey } = await ensurePlatformAdmin(governance, undefined);
    const governanceUrl = await baseUrlOf(governance);
    const endpoints: Record<string, string> = { governance: governanceUrl };
    const domainProcesses: ChildProcess[] = [];
    if (options.population) {
      const { child, url } = await startSubgraphProcess('apps/population/src/main.ts', database.url, gatewayKeys);
      domainProcesses.push(child);
      endpoints.population = url;
    }
    const subgraphs: SubgraphEndpoints = endpoints;
    const gateway = await createGatewayApp({ databaseUrl: database.url, store, gatewayKeys, subgraphs, enforcement: { hashKey: TEST_HASH_KEY } });
    await gateway.listen(0, '127.0.0.1');
    return new GatewayHarness(database, store, gatewayKeys, governance, governanceUrl, subgraphs, domainProcesses, gateway, await baseUrlOf(gateway), apiKey!);
  }

  /** Another gateway on the same database and subgraphs (a second replica, or other options). */
  async startGateway(options: Partial<GatewayAppOptions>): Promise<string> {
    const app = await createGatewayApp({
      databaseUrl: this.database.url,
      store: this.store,
      gatewayKeys: this.gatewayKeys,
      subgraphs: this.subgraphs,
      enforcement: { hashKey: TEST_HASH_KEY },
      ...options,
    });
    this.extraGateways.push(app);
    await app.listen(0, '127.0.0.1');
    return baseUrlOf(app);
  }

  async stop(): Promise<void> {
    for (const app of [...this.extraGateways, this.gateway]) await app.close();
    for (const child of this.domainProcesses) {
      await new Promise<void>((done) => (child.exitCode !== null ? done() : (child.once('exit', () => done()), child.kill('SIGTERM'))));
    }
    await this.governance.close();
    await this.store.close();
    await this.database.drop();
  }

  /** POST /graphql with a raw body, as any HTTP client could send it. */
  async post<T = Record<string, any>>(body: string, headers: Record<string, string> = {}, url = this.gatewayUrl): Promise<Answer<T>> {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
    const text = await response.text();
    return { status: response.status, ...(JSON.parse(text) as Omit<Answer<T>, 'status'>) };
  }

  /** A GraphQL operation through the gateway with `apiKey` (none when null). */
  call<T = Record<string, any>>(
    apiKey: string | null,
    query: string,
    variables: object = {},
    headers: Record<string, string> = {},
    url = this.gatewayUrl,
  ): Promise<Answer<T>> {
    return this.post<T>(JSON.stringify({ query, variables }), { ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}), ...headers }, url);
  }

  /** As `call`, but the answer must carry no errors. */
  async ok<T = Record<string, any>>(apiKey: string, query: string, variables: object = {}, headers: Record<string, string> = {}): Promise<T> {
    const answer = await this.call<T>(apiKey, query, variables, headers);
    if (answer.errors?.length) throw new Error(`unexpected errors: ${JSON.stringify(answer.errors)}`);
    return answer.data!;
  }
}
