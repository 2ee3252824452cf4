import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresEventStore, type RecordedEvent } from '@shuzhi/event-store';
import { accessStreamId, type AccessEvent } from '@shuzhi/policy';
import { createTestDatabase, openEventStream, type EventStream, type TestDatabase } from '@shuzhi/testing';
import { credentialOf, readDemoCredentials, type DemoCredential } from '../../apps/platform/src/demo/demo-credentials.js';
import {
  AUDITOR,
  CITIZEN_CHANNEL,
  CIVIL_AFFAIRS_SYSTEM,
  ENTERPRISE_STEWARD,
  HUMAN_RESOURCES_SYSTEM,
  POPULATION_STEWARD,
  SUBSIDY_STEWARD,
  type DemoClient,
} from '../../apps/platform/src/demo/demo-plan.js';
import { PlatformApi, type ApiAnswer, type CallOptions } from '../../apps/platform/src/demo/platform-api.js';
import { freePlatformPorts, PlatformProcess, type PlatformPorts } from '../platform/platform-process.js';

const START_MS = 300_000;

/** The demo's clients, each the only one of its kind: what a hostile department holds keys like. */
export interface PlatformKeys {
  admin: string;
  civilAffairs: string;
  humanResources: string;
  populationSteward: string;
  enterpriseSteward: string;
  subsidySteward: string;
  auditor: string;
  channel: string;
}

/**
 * The platform exactly as `npm start` runs it (its own entry point, every subgraph a process,
 * the demo seeded), attacked from outside through its public door with the demo's valid keys,
 * as a department system gone bad would: the adversarial suites of test/security share it.
 */
export class HostilePlatform {
  private constructor(
    readonly platform: PlatformProcess,
    readonly database: TestDatabase,
    readonly store: PostgresEventStore,
    readonly dataDir: string,
    readonly ports: PlatformPorts,
    readonly credentials: DemoCredential[],
    readonly keys: PlatformKeys,
  ) {}

  static async start(label: string, env: Record<string, string> = {}): Promise<HostilePlatform> {
    const database = await createTestDatabase(label);
    const dataDir = await mkdtemp(join(tmpdir(), `shuzhi-${label}-`));
    const ports = await freePlatformPorts();
    let platform: PlatformProcess | undefined;
    try {
      platform = await PlatformProcess.start(
        {
          ...Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, String(port)])),
          DATABASE_URL: database.url,
          SHUZHI_DATA_DIR: dataDir,
          SHUZHI_DEMO: 'on',
          ...env,
        },
        START_MS,
      );
      const credentials = await readDemoCredentials(dataDir);
      const key = (client: DemoClient) => credentialOf(credentials, client.department, client.roles).apiKey;
      const keys: PlatformKeys = {
        admin: credentialOf(credentials, 'data-bureau', ['PLATFORM']).apiKey,
        civilAffairs: key(CIVIL_AFFAIRS_SYSTEM),
        humanResources: key(HUMAN_RESOURCES_SYSTEM),
        populationSteward: key(POPULATION_STEWARD),
        enterpriseSteward: key(ENTERPRISE_STEWARD),
        subsidySteward: key(SUBSIDY_STEWARD),
        auditor: key(AUDITOR),
        channel: key(CITIZEN_CHANNEL),
      };
      const store = await PostgresEventStore.connect({ connectionString: database.url, migrate: false });
      return new HostilePlatform(platform, database, store, dataDir, ports, credentials, keys);
    } catch (error) {
      await platform?.kill();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
      throw error;
    }
  }

  get gatewayUrl(): string {
    return `http://127.0.0.1:${this.ports.PORT}`;
  }

  get api(): PlatformApi {
    return new PlatformApi(this.gatewayUrl);
  }

  call<T = Record<string, unknown>>(apiKey: string, query: string, variables: object = {}, options: CallOptions = {}): Promise<ApiAnswer<T>> {
    return this.api.call<T>(apiKey, query, variables, options);
  }

  /** A change feed through the same door, over SSE (GraphQL over SSE): its event stream, or the answer that refused it. */
  subscribe(apiKey: string, query: string, variables: object = {}, options: CallOptions = {}): Promise<EventStream | { status: number; body: unknown }> {
    return openEventStream(`${this.gatewayUrl}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        authorization: `Bearer ${apiKey}`,
        ...(options.correlationId ? { 'x-correlation-id': options.correlationId } : {}),
        ...(options.purpose ? { 'x-purpose': options.purpose } : {}),
        ...(options.partial ? { 'x-partial': 'allow' } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
  }

  /** The access records the gateway wrote today for a correlation id, in order. */
  async recordsOf(correlationId: string): Promise<Array<AccessEvent & { recorded: RecordedEvent }>> {
    const events = await this.store.readStream(accessStreamId(new Date()));
    return events
      .filter((event) => event.metadata.correlationId === correlationId)
      .map((event) => ({ type: event.type, data: event.data, recorded: event }) as AccessEvent & { recorded: RecordedEvent });
  }

  async stop(): Promise<void> {
    await this.platform.kill();
    await this.store.close();
    await this.database.drop();
    await rm(this.dataDir, { recursive: true, force: true });
  }
}
