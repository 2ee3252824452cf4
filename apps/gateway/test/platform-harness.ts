import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { INestApplication } from '@nestjs/common';
import { PostgresEventStore } from '@shuzhi/event-store';
import { generateApiKey } from '@shuzhi/signing';
import { createTestDatabase, startSubgraphProcess, stopProcess, type TestDatabase } from '@shuzhi/testing';
import { createGatewayApp, type GatewayAppOptions } from '../src/gateway.app.js';
import { GatewayCaller, baseUrlOf, newKeyPair } from './gateway-harness.js';

const ROOT = new URL('../../../', import.meta.url);
/**
 * The platform as a department meets it: real subgraphs, each a process of its own started from
 * its main.ts, behind real gateways in this process, on one real PostgreSQL database. The
 * subgraphs trust these gateways' key, and only it; governance publishes the built-in datasets of
 * schemas/ and an admin key. Each service's end-to-end suite says which subgraphs it starts.
 */
export class PlatformHarness extends GatewayCaller {
  private readonly children: ChildProcess[] = [];
  private readonly gateways: INestApplication[] = [];
  readonly adminKey = generateApiKey('platform-admin').apiKey;
  readonly gatewayKeys = newKeyPair();
  /** The gateway that `call` goes through: the last one started unless a suite says otherwise. */
  gatewayUrl = '';

  protected constructor(
    readonly database: TestDatabase,
    readonly store: PostgresEventStore,
    readonly dataDir: string,
  ) {
    super();
  }

  /** A harness on a fresh database, given to `startAll`; stopped again if `startAll` fails. */
  protected static async open<H extends PlatformHarness>(
    label: string,
    make: (database: TestDatabase, store: PostgresEventStore, dataDir: string) => H,
    startAll: (harness: H) => Promise<void>,
  ): Promise<H> {
    const database = await createTestDatabase(label);
    const store = await PostgresEventStore.connect({ connectionString: database.url });
    const harness = make(database, store, await mkdtemp(join(tmpdir(), `shuzhi-${label}-`)));
    try {
      await startAll(harness);
    } catch (error) {
      await harness.stop();
      throw error;
    }
    return harness;
  }

  protected env(extra: Record<string, string> = {}): Record<string, string> {
    return { DATABASE_URL: this.database.url, SHUZHI_DATA_DIR: this.dataDir, SHUZHI_GATEWAY_PUBLIC_KEY: this.gatewayKeys.publicKeyPem, ...extra };
  }

  /** The service's subgraph as a process; its URL. */
  protected async subgraph(service: string, extra: Record<string, string> = {}): Promise<string> {
    const { child, url } = await startSubgraphProcess(service, this.env(extra));
    this.children.push(child);
    return url;
  }

  /** The governance subgraph; it publishes the built-in datasets and the admin key before it listens. */
  protected governance(): Promise<string> {
    return this.subgraph('governance', {
      SHUZHI_ADMIN_KEY: this.adminKey,
      SHUZHI_RECEIPT_PRIVATE_KEY: newKeyPair().privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      SHUZHI_SCHEMAS_DIR: fileURLToPath(new URL('schemas', ROOT)),
    });
  }

  /** A gateway over `subgraphs`, which `call` then goes through; its URL. */
  protected async gateway(subgraphs: Record<string, string>, options: Partial<GatewayAppOptions> = {}): Promise<string> {
    const app = await createGatewayApp({ databaseUrl: this.database.url, store: this.store, gatewayKeys: this.gatewayKeys, subgraphs, ...options });
    this.gateways.push(app);
    await app.listen(0, '127.0.0.1');
    this.gatewayUrl = await baseUrlOf(app);
    return this.gatewayUrl;
  }

  async stop(): Promise<void> {
    // Gateways before the subgraphs they call.
    for (const app of [...this.gateways].reverse()) await app.close();
    await Promise.all(this.children.map(stopProcess));
    await this.store.close();
    await this.database.drop();
    await rm(this.dataDir, { recursive: true, force: true });
  }
}
