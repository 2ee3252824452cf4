import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { INestApplication } from '@nestjs/common';
import { PostgresEventStore } from '@shuzhi/event-store';
import { generateApiKey } from '@shuzhi/signing';
import { createTestDatabase, forkTypeScript, startSubgraphProcess, stopProcess, waitUntil, type TestDatabase } from '@shuzhi/testing';
import { createGatewayApp } from '../../gateway/src/gateway.app.js';
import { TEST_HASH_KEY, baseUrlOf, newKeyPair, type Answer } from '../../gateway/test/gateway-harness.js';

const ROOT = new URL('../../../', import.meta.url);
const ISSUE_KEY = 'mutation ($input: IssueClientKeyInput!) { issueClientKey(input: $input) { clientId apiKey } }';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The platform as an auditor meets it: the real governance, population and audit subgraphs,
 * each in a process of its own from its main.ts, behind a real gateway with enforcement on (so
 * every read of resident data leaves an access record), on one real PostgreSQL database.
 */
export class AuditPlatformHarness {
  private readonly children: ChildProcess[] = [];
  private gatewayApp: INestApplication | undefined;
  readonly adminKey = generateApiKey('platform-admin').apiKey;
  readonly gatewayKeys = newKeyPair();
  gatewayUrl = '';

  private constructor(
    readonly database: TestDatabase,
    readonly store: PostgresEventStore,
    readonly dataDir: string,
  ) {}

  static async start(label: string): Promise<AuditPlatformHarness> {
    const database = await createTestDatabase(label);
    const store = await PostgresEventStore.connect({ connectionString: database.url });
    const harness = new AuditPlatformHarness(database, store, await mkdtemp(join(tmpdir(), 'shuzhi-audit-')));
    try {
      await harness.startAll();
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

  private async startAll(): Promise<void> {
    const subgraphs: Record<string, string> = {};
    const governance = await startSubgraphProcess(
      'governance',
      this.env({
        SHUZHI_ADMIN_KEY: this.adminKey,
        SHUZHI_RECEIPT_PRIVATE_KEY: newKeyPair().privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        SHUZHI_SCHEMAS_DIR: fileURLToPath(new URL('schemas', ROOT)),
      }),
    );
    this.children.push(governance.child);
    subgraphs.governance = governance.url;
    const [population, audit] = await Promise.all([startSubgraphProcess('population', this.env()), startSubgraphProcess('audit', this.env())]);
    this.children.push(population.child, audit.child);
    Object.assign(subgraphs, { population: population.url, audit: audit.url });
    this.gatewayApp = await createGatewayApp({
      databaseUrl: this.database.url,
      store: this.store,
      gatewayKeys: this.gatewayKeys,
      subgraphs,
      enforcement: { hashKey: TEST_HASH_KEY },
    });
    await this.gatewayApp.listen(0, '127.0.0.1');
    this.gatewayUrl = await baseUrlOf(this.gatewayApp);
  }

  async stop(): Promise<void> {
    await this.gatewayApp?.close();
    await Promise.all(
      this.children.map(stopProcess),
    );
    await this.store.close();
    await this.database.drop();
    await rm(this.dataDir, { recursive: true, force: true });
  }

  async call<T = Record<string, any>>(apiKey: string, query: string, variables: object = {}, headers: Record<string, string> = {}): Promise<Answer<T>> {
    const response = await fetch(`${this.gatewayUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}`, ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, ...((await response.json()) as Omit<Answer<T>, 'status'>) };
  }

  async ok<T = Record<string, any>>(apiKey: string, query: string, variables: object = {}, headers: Record<string, string> = {}): Promise<T> {
    const answer = await this.call<T>(apiKey, query, variables, headers);
    if (answer.errors?.length) throw new Error(`unexpected errors: ${JSON.stringify(answer.errors)}`);
    return answer.data!;
  }

  /** A key issued by the platform admin through the gateway, once the gateway accepts it. */
  async issueKey(departmentCode: string, roles: string[]): Promise<{ clientId: string; apiKey: string }> {
    const { issueClientKey } = await this.ok(this.adminKey, ISSUE_KEY, { input: { departmentCode, name: `${departmentCode} ${roles.join('+')}`, roles } });
    await waitUntil(async () => (await this.call(issueClientKey.apiKey, '{ purposes { code } }')).status === 200, { what: `the ${departmentCode} key to work` });
    return issueClientKey;
  }

  /** `npm run audit -- <args>` against this platform's database, from the TypeScript sources. */
  runCli(args: string[]): Promise<CliRun> {
    const child = forkTypeScript('scripts/audit.ts', args, { DATABASE_URL: this.database.url, SHUZHI_DATA_DIR: this.dataDir }, 'pipe');
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
  }
}
