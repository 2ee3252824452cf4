import { execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { INestApplication } from '@nestjs/common';
import { PostgresEventStore } from '@shuzhi/event-store';
import { generateApiKey } from '@shuzhi/signing';
import { createTestDatabase, startSubgraphProcess, stopProcess, waitUntil, type TestDatabase } from '@shuzhi/testing';
import { createGatewayApp } from '../../gateway/src/gateway.app.js';
import { baseUrlOf, newKeyPair, type Answer } from '../../gateway/test/gateway-harness.js';

const ROOT = new URL('../../../', import.meta.url);
const ISSUE_KEY = 'mutation ($input: IssueClientKeyInput!) { issueClientKey(input: $input) { clientId apiKey } }';

/**
 * The console's production build, made with vite's JS API in a process of its own: vite and its
 * native bundler load there as they do under `npm run build`, not inside jest's module sandbox.
 */
export const buildConsole = async (outDir: string): Promise<void> => {
  const script = `import { build } from 'vite';
await build({ configFile: ${JSON.stringify(fileURLToPath(new URL('apps/console/vite.config.ts', ROOT)))}, logLevel: 'warn',
  build: { outDir: ${JSON.stringify(outDir)}, emptyOutDir: true } });`;
  await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: fileURLToPath(ROOT), timeout: 180_000 });
};

/**
 * The platform a console user meets: the real governance, population, enterprise and audit
 * subgraphs as processes, and a real gateway in this process serving both /graphql and the
 * console's build at /console, on one real PostgreSQL.
 */
export class ConsolePlatformHarness {
  private readonly children: ChildProcess[] = [];
  private gatewayApp: INestApplication | undefined;
  private readonly previousConsoleDir = process.env.SHUZHI_CONSOLE_DIR;
  readonly adminKey = generateApiKey('platform-admin').apiKey;
  readonly gatewayKeys = newKeyPair();
  url = '';

  private constructor(
    readonly database: TestDatabase,
    readonly store: PostgresEventStore,
    private readonly dataDir: string,
    readonly consoleDir: string,
  ) {}

  static async start(label: string): Promise<ConsolePlatformHarness> {
    const database = await createTestDatabase(label);
    const store = await PostgresEventStore.connect({ connectionString: database.url });
    const harness = new ConsolePlatformHarness(
      database,
      store,
      await mkdtemp(join(tmpdir(), 'shuzhi-console-data-')),
      await mkdtemp(join(tmpdir(), 'shuzhi-console-build-')),
    );
    try {
      await Promise.all([buildConsole(harness.consoleDir), harness.startPlatform()]);
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

  private async startPlatform(): Promise<void> {
    // Governance publishes the built-in datasets of schemas/ and the admin key before it listens.
    const governance = await this.subgraph('governance', {
      SHUZHI_ADMIN_KEY: this.adminKey,
      SHUZHI_RECEIPT_PRIVATE_KEY: newKeyPair().privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      SHUZHI_SCHEMAS_DIR: fileURLToPath(new URL('schemas', ROOT)),
    });
    const [population, enterprise, audit] = await Promise.all([
      this.subgraph('population'),
      this.subgraph('enterprise'),
      this.subgraph('audit'),
    ]);
    // The console controller reads its folder when the gateway is built.
    process.env.SHUZHI_CONSOLE_DIR = this.consoleDir;
    this.gatewayApp = await createGatewayApp({
      databaseUrl: this.database.url,
      store: this.store,
      gatewayKeys: this.gatewayKeys,
      subgraphs: { governance, population, enterprise, audit },
    });
    await this.gatewayApp.listen(0, '127.0.0.1');
    this.url = await baseUrlOf(this.gatewayApp);
  }

  async stop(): Promise<void> {
    await this.gatewayApp?.close();
    await Promise.all(
      this.children.map(stopProcess),
    );
    if (this.previousConsoleDir === undefined) delete process.env.SHUZHI_CONSOLE_DIR;
    else process.env.SHUZHI_CONSOLE_DIR = this.previousConsoleDir;
    await this.store.close();
    await this.database.drop();
    await rm(this.dataDir, { recursive: true, force: true });
    await rm(this.consoleDir, { recursive: true, force: true });
  }

  async call<T = Record<string, any>>(apiKey: string, query: string, variables: object = {}, headers: Record<string, string> = {}): Promise<Answer<T>> {
    const response = await fetch(`${this.url}/graphql`, {
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

  /** A key issued by the platform admin through the gateway, once the gateway accepts it. */
  async issueKey(departmentCode: string, roles: string[]): Promise<string> {
    const { issueClientKey } = await this.ok(this.adminKey, ISSUE_KEY, { input: { departmentCode, name: `${departmentCode} ${roles.join('+')}`, roles } });
    await waitUntil(async () => (await this.call(issueClientKey.apiKey, '{ purposes { code } }')).status === 200, { what: `the ${departmentCode} key to work` });
    return issueClientKey.apiKey;
  }
}
