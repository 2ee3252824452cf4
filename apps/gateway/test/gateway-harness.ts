import type { ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { PostgresEventStore } from '@shuzhi/event-store';
import { keyPairFromPem, type SigningKeyPair } from '@shuzhi/signing';
import { createTestDatabase, openEventStream, startSubgraphProcess, stopProcess, waitUntil, type EventStream, type TestDatabase } from '@shuzhi/testing';
import { ensurePlatformAdmin } from '../../governance/src/bootstrap/platform-admin.js';
import { createGovernanceApp } from '../../governance/src/governance.app.js';
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

const ISSUE_KEY = 'mutation ($input: IssueClientKeyInput!) { issueClientKey(input: $input) { clientId apiKey } }';

export interface IssuedKey {
  clientId: string;
  apiKey: string;
}

/** GraphQL over HTTP through a gateway, as any department's system calls it. */
export abstract class GatewayCaller {
  abstract readonly gatewayUrl: string;
  /** The platform admin's key, which issues the others. */
  abstract readonly adminKey: string;

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

  /** A subscription through the gateway over SSE: its event stream, or the answer that refused it. */
  subscribe(
    apiKey: string | null,
    query: string,
    variables: object = {},
    headers: Record<string, string> = {},
    url = this.gatewayUrl,
  ): Promise<EventStream | { status: number; body: unknown }> {
    return openEventStream(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}), ...headers },
      body: JSON.stringify({ query, variables }),
    });
  }

  /** As `call`, but the answer must carry no errors. */
  async ok<T = Record<string, any>>(apiKey: string, query: string, variables: object = {}, headers: Record<string, string> = {}): Promise<T> {
    const answer = await this.call<T>(apiKey, query, variables, headers);
    if (answer.errors?.length) throw new Error(`unexpected errors: ${JSON.stringify(answer.errors)}`);
    return answer.data!;
  }

  /**
   * A contract of `consumerKey`'s department on residents, submitted, passed at compliance review
   * by the data bureau and approved by public security's `stewardKey`: its id. `id` is always among
   * its fields (resident(id:) reads it); valid from an hour ago for a year unless `input` says.
   */
  async approvedResidentContract(consumerKey: string, stewardKey: string, input: Record<string, unknown> & { fields: string[] }): Promise<string> {
    const now = Date.now();
    const { submitSharingContract } = await this.ok<{ submitSharingContract: { id: string } }>(consumerKey, SUBMIT_CONTRACT, {
      input: {
        datasetCode: 'population.resident',
        legalBasis: '《社会救助暂行办法》第十一条',
        validFrom: new Date(now - 3_600_000).toISOString(),
        validTo: new Date(now + 365 * 86_400_000).toISOString(),
        ...input,
        fields: ['id', ...input.fields],
      },
    });
    await this.ok(this.adminKey, REVIEW_CONTRACT, { id: submitSharingContract.id });
    await this.ok(stewardKey, APPROVE_CONTRACT, { id: submitSharingContract.id });
    return submitSharingContract.id;
  }

  /** A key issued by the platform admin, once each of `gatewayUrls` accepts it. */
  async issueKey(departmentCode: string, roles: string[], gatewayUrls: readonly string[] = [this.gatewayUrl]): Promise<IssuedKey> {
    const { issueClientKey } = await this.ok<{ issueClientKey: IssuedKey }>(this.adminKey, ISSUE_KEY, {
      input: { departmentCode, name: `${departmentCode} ${roles.join('+')}`, roles },
    });
    for (const url of gatewayUrls) {
      await waitUntil(async () => (await this.call(issueClientKey.apiKey, '{ purposes { code } }', {}, {}, url)).status === 200, {
        what: `the ${departmentCode} key to work`,
      });
    }
    return issueClientKey;
  }
}

/**
 * Enforcement as the tests run it: their HASH key, and the policy snapshot's poll pushed past
 * any test's deadline, so that a change seen within a second was seen through NOTIFY.
 */
export const TEST_ENFORCEMENT = { hashKey: TEST_HASH_KEY, policyPollMs: 60_000 };

/**
 * The real governance subgraph (and, when asked, the real population and enterprise subgraphs) and the real
 * gateway in front of them, with contract enforcement on, over HTTP, on one PostgreSQL database:
 * the subgraphs trust this gateway's key, and only it.
 */
const SUBMIT_CONTRACT = 'mutation ($input: SubmitSharingContractInput!) { submitSharingContract(input: $input) { id } }';
const REVIEW_CONTRACT = 'mutation ($id: ID!) { completeComplianceReview(id: $id, approved: true, statutoryBasis: true) { id status } }';
const APPROVE_CONTRACT = 'mutation ($id: ID!) { approveSharingContract(id: $id) { id status version } }';

export class GatewayHarness extends GatewayCaller {
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
  ) {
    super();
  }

  static async start(label: string, options: { population?: boolean; enterprise?: boolean } = {}): Promise<GatewayHarness> {
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
    for (const service of (['population', 'enterprise'] as const).filter((s) => options[s])) {
      const { child, url } = await startSubgraphProcess(service, { DATABASE_URL: database.url, SHUZHI_GATEWAY_PUBLIC_KEY: gatewayKeys.publicKeyPem });
      domainProcesses.push(child);
      endpoints[service] = url;
    }
    const subgraphs: SubgraphEndpoints = endpoints;
    const gateway = await createGatewayApp({ databaseUrl: database.url, store, gatewayKeys, subgraphs, enforcement: TEST_ENFORCEMENT });
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
      enforcement: TEST_ENFORCEMENT,
      ...options,
    });
    this.extraGateways.push(app);
    await app.listen(0, '127.0.0.1');
    return baseUrlOf(app);
  }

  async stop(): Promise<void> {
    for (const app of [...this.extraGateways, this.gateway]) await app.close();
    await Promise.all(this.domainProcesses.map(stopProcess));
    await this.governance.close();
    await this.store.close();
    await this.database.drop();
  }
}
