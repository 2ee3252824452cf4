import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { INestApplication } from '@nestjs/common';
import { PostgresEventStore } from '@shuzhi/event-store';
import { generateApiKey } from '@shuzhi/signing';
import { createTestDatabase, startSubgraphProcess, stopProcess, waitUntil, type TestDatabase } from '@shuzhi/testing';
import { createGatewayApp } from '../../gateway/src/gateway.app.js';
import { baseUrlOf, newKeyPair, type Answer } from '../../gateway/test/gateway-harness.js';

const ROOT = new URL('../../../', import.meta.url);
const ISSUE_KEY = 'mutation ($input: IssueClientKeyInput!) { issueClientKey(input: $input) { clientId apiKey } }';

/**
 * The platform as the subsidy service meets it: the real governance, population and enterprise
 * subgraphs behind a real gateway (the one the bureau's system reads through), on one real
 * PostgreSQL. The subsidy subgraph joins once the bureau holds its key, and a second gateway
 * (a replica on the same database) serves the whole supergraph, subsidy included.
 */
export class SubsidyPlatformHarness {
  private readonly gateways: INestApplication[] = [];
  private readonly children: ChildProcess[] = [];
  private readonly subgraphs: Record<string, string> = {};
  readonly adminKey = generateApiKey('platform-admin').apiKey;
  readonly gatewayKeys = newKeyPair();
  /** The gateway without the subsidy subgraph: the one the bureau's system reads through. */
  readsUrl = '';
  /** The gateway with every subgraph. */
  fullUrl = '';

  private constructor(
    readonly database: TestDatabase,
    readonly store: PostgresEventStore,
    private readonly dataDir: string,
  ) {}

  static async start(label: string): Promise<SubsidyPlatformHarness> {
    const database = await createTestDatabase(label);
    const store = await PostgresEventStore.connect({ connectionString: database.url });
    const harness = new SubsidyPlatformHarness(database, store, await mkdtemp(join(tmpdir(), 'shuzhi-subsidy-')));
    try {
      await harness.startProviders();
    } catch (error) {
      await harness.stop();
      throw error;
    }
    return harness;
  }

  private env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      DATABASE_URL: this.database.url,
      SHUZHI_DATA_DIR: this.dataDir,
      SHUZHI_GATEWAY_PUBLIC_KEY: this.gatewayKeys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      ...extra,
    };
  }

  private async subgraph(service: string, extra: Record<string, string> = {}): Promise<string> {
    const { child, url } = await startSubgraphProcess(service, this.env(extra));
    this.children.push(child);
    return url;
  }

  private async gateway(subgraphs: Record<string, string>): Promise<string> {
    const app = await createGatewayApp({ databaseUrl: this.database.url, store: this.store, gatewayKeys: this.gatewayKeys, subgraphs });
    this.gateways.push(app);
    await app.listen(0, '127.0.0.1');
    return baseUrlOf(app);
  }

  private async startProviders(): Promise<void> {
    // Governance publishes the built-in datasets of schemas/ and the admin key before it listens.
    this.subgraphs.governance = await this.subgraph('governance', {
      SHUZHI_ADMIN_KEY: this.adminKey,
      SHUZHI_RECEIPT_PRIVATE_KEY: newKeyPair().privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      SHUZHI_SCHEMAS_DIR: fileURLToPath(new URL('schemas', ROOT)),
    });
    const [population, enterprise] = await Promise.all([this.subgraph('population'), this.subgraph('enterprise')]);
    Object.assign(this.subgraphs, { population, enterprise });
    this.readsUrl = await this.gateway({ ...this.subgraphs });
  }

  /** The subsidy subgraph, reading through the gateway with the bureau's key, and the gateway that serves it. */
  async startSubsidy(apiKey: string): Promise<void> {
    const subsidy = await this.subgraph('subsidy', { SUBSIDY_GATEWAY_URL: this.readsUrl, SUBSIDY_API_KEY: apiKey });
    this.fullUrl = await this.gateway({ ...this.subgraphs, subsidy });
  }

  async stop(): Promise<void> {
    // Gateways before the subgraphs they call.
    for (const app of [...this.gateways].reverse()) await app.close();
    await Promise.all(
      this.children.map(stopProcess),
    );
    await this.store.close();
    await this.database.drop();
    await rm(this.dataDir, { recursive: true, force: true });
  }

  async call<T = Record<string, any>>(apiKey: string, query: string, variables: object = {}, headers: Record<string, string> = {}): Promise<Answer<T>> {
    const response = await fetch(`${this.fullUrl || this.readsUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}`, ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, ...((await response.json()) as Omit<Answer<T>, 'status'>) };
  }

  async ok<T = Record<string, any>>(apiKey: string, query: string, variables: object = {}): Promise<T> {
    const answer = await this.call<T>(apiKey, query, variables);
    if (answer.errors?.length) throw new Error(`unexpected errors: ${JSON.stringify(answer.errors)}`);
    return answer.data!;
  }

  /** A key issued by the platform admin through the gateway, once the gateways accept it. */
  async issueKey(departmentCode: string, roles: string[]): Promise<string> {
    const { issueClientKey } = await this.ok(this.adminKey, ISSUE_KEY, { input: { departmentCode, name: `${departmentCode} ${roles.join('+')}`, roles } });
    await waitUntil(async () => (await this.call(issueClientKey.apiKey, '{ purposes { code } }')).status === 200, { what: `the ${departmentCode} key to work` });
    return issueClientKey.apiKey;
  }
}
