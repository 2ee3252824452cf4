/**
 * What a gateway benchmark starts, shared by bench:gateway and bench:feeds: a database of the
 * run's own, the subgraphs and gateways each in a process of its own (as deployed), and the
 * governance a load needs (departments, purposes, keys, active contracts), all stopped again at
 * the end, whatever failed before.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createDatabaseIfMissing, withDatabase, type DatabaseServer } from '@shuzhi/database';
import { waitUntil } from '@shuzhi/shared-kernel';
import { generateApiKey, keyPairFromPem, type SigningKeyPair } from '@shuzhi/signing';
import { composeSupergraph } from '../../apps/gateway/src/composition/compose-supergraph.js';
import { fetchSubgraphSdls } from '../../apps/gateway/src/composition/subgraph-sdl.js';
import { PLATFORM_ADMIN_CLIENT_ID } from '../../apps/governance/src/bootstrap/platform-admin.js';
import { openBenchServer } from '../bench-server.js';
import type { GatewayCommand, GatewayJob, GatewayReport } from './gateway-process.js';

/** dist/apps/ and the repository's schemas/, seen from dist/bench/gateway/. */
const APPS_DIR = fileURLToPath(new URL('../../apps/', import.meta.url));
const SCHEMAS_DIR = fileURLToPath(new URL('../../../schemas', import.meta.url));

/** A root field's answer, as far as a benchmark reads it. */
export type Row = Record<string, unknown> & { id?: string; status?: string; apiKey?: string; clientId?: string };

export interface Answer {
  data?: Record<string, Row | null> | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

export const log = (line: string) => console.log(`[bench] ${line}`);

/** Stops a child process (SIGTERM, then SIGKILL after 10 s), paused or not. */
export const stopChild = (child: ChildProcess) =>
  new Promise<void>((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(kill);
      done();
    });
    child.kill('SIGTERM');
    // A gateway paused for another's run (the benchmark stopped midway) acts on it once continued.
    child.kill('SIGCONT');
  });

/** Sends a gateway's process a command, and waits for the report that says it is done. */
export const askGateway = (child: ChildProcess, command: GatewayCommand, done: 'profiling' | 'profiled') =>
  new Promise<void>((resolve) => {
    const listener = (report: GatewayReport) => {
      if (!(done in report)) return;
      child.off('message', listener);
      resolve();
    };
    child.on('message', listener);
    child.send(command);
  });

/**
 * One benchmark's platform. Everything it starts is remembered, so that any failure still stops
 * all of it, in reverse order: gateways, then subgraphs (a request a gateway drains may still
 * need one), then connections, then the database, then PostgreSQL.
 */
export class BenchPlatform {
  /** The subgraph and gateway processes by name, for the CPU readings. */
  readonly processPids = new Map<string, number>();
  /** Each gateway's process, by name: to pause it, or to profile it. */
  readonly gatewayProcesses = new Map<string, ChildProcess>();
  /** The subgraphs' base URLs, by name. */
  readonly subgraphs: Record<string, string> = {};
  /** The key the subgraphs trust, made for this run: every gateway (and a signed direct load) signs with it. */
  readonly gatewayPrivateKeyPem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  readonly gatewayKeys: SigningKeyPair = keyPairFromPem(this.gatewayPrivateKeyPem);
  readonly adminKey = generateApiKey(PLATFORM_ADMIN_CLIENT_ID).apiKey;
  private readonly stops: Array<{ what: string; stop: () => Promise<unknown> }> = [];
  private databaseUrl: string | undefined;
  private dataDir: string | undefined;

  /** Runs a benchmark's `main`, then stops whatever it started (after a failure, SIGINT or SIGTERM too) and exits. */
  static run(main: (platform: BenchPlatform) => Promise<void>): void {
    const platform = new BenchPlatform();
    let exitCode = 0;
    let cleaning: Promise<void> | undefined;
    const finish = () => (cleaning ??= platform.stopAll().then(() => process.exit(exitCode)));
    process.on('SIGINT', () => ((exitCode = 130), void finish()));
    process.on('SIGTERM', () => ((exitCode = 143), void finish()));
    main(platform)
      .catch((error) => {
        console.error(error);
        exitCode = 1;
      })
      .finally(() => finish());
  }

  /**
   * Something to stop at the end, before whatever was started before it. The function returned
   * stops it now instead (once), for what the benchmark is done with early.
   */
  onStop(what: string, stop: () => Promise<unknown>): () => Promise<void> {
    const entry = { what, stop };
    this.stops.push(entry);
    return async () => {
      const at = this.stops.indexOf(entry);
      if (at < 0) return;
      this.stops.splice(at, 1);
      await stop();
    };
  }

  /**
   * PostgreSQL (DATABASE_URL's server, or an embedded one of the benchmark's own in
   * `.data/<folder>/postgres` on `port`) and a database of this run's own on it, dropped at the
   * end; the subgraphs keep their data (keys) in `.data/<folder>`.
   */
  async openDatabase(folder: string, port: number, namePrefix: string): Promise<{ url: string; server: DatabaseServer }> {
    const server = await openBenchServer(`${folder}/postgres`, port);
    this.onStop('PostgreSQL', () => server.stop());
    const dbName = `${namePrefix}_${Date.now()}`;
    await createDatabaseIfMissing(server.url, dbName);
    this.onStop('the database', async () => {
      const admin = new pg.Client({ connectionString: server.url });
      await admin.connect();
      await admin.query(`drop database if exists "${dbName}" with (force)`);
      await admin.end();
    });
    this.databaseUrl = withDatabase(server.url, dbName);
    this.dataDir = resolve('.data', folder);
    return { url: this.databaseUrl, server };
  }

  /** A connection of the benchmark's own (counts, sessions), ended before the database is dropped. */
  async connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.database() });
    await client.connect();
    // Dropping the database `with (force)` would otherwise end it from the server's side, and its
    // unhandled 'error' event would kill this process before PostgreSQL is stopped.
    this.onStop("the benchmark's connection", () => client.end());
    return client;
  }

  /** A subgraph, as the platform starts it, trusting this run's gateway key; resolves once it is healthy. */
  async startSubgraph(name: string, port: number): Promise<void> {
    const child = fork(`${APPS_DIR}${name}/src/main.js`, [], {
      env: {
        ...process.env,
        DATABASE_URL: this.database(),
        SHUZHI_DATA_DIR: this.dataDir,
        SHUZHI_SCHEMAS_DIR: SCHEMAS_DIR,
        SHUZHI_GATEWAY_PUBLIC_KEY: this.gatewayKeys.publicKeyPem,
        SHUZHI_ADMIN_KEY: this.adminKey,
        PORT: String(port),
        HOST: '127.0.0.1',
      },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    this.track(`${name} subgraph`, child);
    const url = (this.subgraphs[name] = `http://127.0.0.1:${port}`);
    await waitUntil(() => child.exitCode === null && fetch(`${url}/health`).then((r) => r.ok, () => false), {
      timeoutMs: 120_000,
      intervalMs: 200,
      what: `the ${name} subgraph`,
    });
  }

  /** The supergraph of the subgraphs started, composed by our composition: one for every gateway. */
  async composeSupergraph(): Promise<string> {
    return composeSupergraph(await fetchSubgraphSdls(this.subgraphs, this.gatewayKeys.privateKey));
  }

  /** Ours over this run's database and subgraphs, with enforcement (its HASH key) or with our plugins off. */
  shuzhiGateway(supergraphSdl: string, enforcement: Extract<GatewayJob, { kind: 'shuzhi' }>['enforcement']): GatewayJob {
    return { kind: 'shuzhi', supergraphSdl, privateKeyPem: this.gatewayPrivateKeyPem, databaseUrl: this.database(), subgraphs: this.subgraphs, enforcement };
  }

  /** A gateway in a process of its own (bench/gateway/gateway-process.ts); resolves to its GraphQL URL once it listens. */
  startGateway(name: string, job: GatewayJob): Promise<string> {
    return new Promise<string>((done, fail) => {
      const child = fork(new URL('./gateway-process.js', import.meta.url), [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
      this.track(name, child);
      this.gatewayProcesses.set(name, child);
      child.once('exit', (code) => fail(new Error(`the ${name} exited (${code}) before it listened`)));
      child.once('message', (report: GatewayReport) => ('url' in report ? done(report.url) : fail(new Error(`the ${name} said ${JSON.stringify(report)}`))));
      child.send(job satisfies GatewayJob);
    });
  }

  private track(name: string, child: ChildProcess): void {
    this.processPids.set(name, child.pid!);
    this.onStop('a process', () => stopChild(child));
  }

  private database(): string {
    if (!this.databaseUrl) throw new Error('openDatabase first');
    return this.databaseUrl;
  }

  private async stopAll(): Promise<void> {
    for (const { what, stop } of this.stops.splice(0).reverse()) {
      try {
        await stop();
      } catch (error) {
        console.error(`[bench] cleaning up ${what}: ${(error as Error).message}`);
      }
    }
  }
}

/** A contract a benchmark's consumer needs: exactly these fields of the dataset, approved by its provider's steward. */
export interface BenchContract {
  datasetCode: string;
  fields: string[];
  /** The provider department whose steward approves it. */
  steward: string;
}

/** GraphQL calls through a gateway, and the governance a load needs, made through it as the platform admin. */
export class BenchGovernance {
  constructor(
    /** The gateway asked, unless a call names another. */
    private readonly gateway: string,
    private readonly adminKey: string,
    /** Every gateway a key issued must work on before it is used. */
    private readonly gateways: readonly string[],
  ) {}

  async call(apiKey: string, query: string, variables: object = {}, headers: Record<string, string> = {}, target = this.gateway): Promise<Answer> {
    const response = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}`, ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as Answer;
  }

  /** A mutation's answer, whose every root field answered a row (there were no errors). */
  async ok(apiKey: string, query: string, variables: object = {}): Promise<Record<string, Row>> {
    const answer = await this.call(apiKey, query, variables);
    if (answer.errors?.length) throw new Error(`${query.slice(0, 60)}...: ${JSON.stringify(answer.errors)}`);
    return answer.data as Record<string, Row>;
  }

  /** Waits for governance to know the admin key, then registers a consumer department and a purpose. */
  async registerConsumer(department: { code: string; name: string }, purpose: string): Promise<void> {
    await waitUntil(async () => (await this.call(this.adminKey, '{ purposes { code } }')).data != null, { timeoutMs: 30_000, intervalMs: 200, what: 'the admin key' });
    await this.ok(this.adminKey, 'mutation ($code: String!, $name: String!) { registerDepartment(input: { code: $code, name: $name }) { code } }', department);
    await this.ok(this.adminKey, 'mutation ($code: String!) { registerPurpose(input: { code: $code, name: $code }) { code } }', { code: purpose });
  }

  /** A key for a system of the department, once every gateway accepts it. */
  async issue(departmentCode: string, roles: string[]): Promise<{ apiKey: string; clientId: string }> {
    let issued: Row | null | undefined;
    // The provider departments are registered when governance publishes the built-in datasets, just after it answers.
    await waitUntil(
      async () => {
        const answer = await this.call(this.adminKey, 'mutation ($input: IssueClientKeyInput!) { issueClientKey(input: $input) { apiKey clientId } }', {
          input: { departmentCode, name: `${departmentCode} bench system`, roles },
        });
        issued = answer.data?.issueClientKey;
        return issued?.apiKey !== undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250, what: `a key for ${departmentCode}` },
    );
    const { apiKey, clientId } = issued as { apiKey: string; clientId: string };
    for (const target of this.gateways) {
      await waitUntil(async () => (await this.call(apiKey, '{ purposes { code } }', {}, {}, target)).data != null, { timeoutMs: 30_000, what: 'the key to work' });
    }
    return { apiKey, clientId };
  }

  /** Each contract, submitted by the consumer for `purpose`, valid from an hour ago for a year, reviewed and approved. */
  async activateContracts(consumerKey: string, stewardKeys: Record<string, string>, purpose: string, contracts: readonly BenchContract[]): Promise<void> {
    const now = Date.now();
    for (const contract of contracts) {
      const { submitSharingContract } = await this.ok(consumerKey, 'mutation ($input: SubmitSharingContractInput!) { submitSharingContract(input: $input) { id } }', {
        input: {
          datasetCode: contract.datasetCode,
          fields: contract.fields,
          purpose,
          legalBasis: '《社会救助暂行办法》第十一条',
          validFrom: new Date(now - 3_600_000).toISOString(),
          validTo: new Date(now + 365 * 86_400_000).toISOString(),
        },
      });
      const { completeComplianceReview } = await this.ok(this.adminKey, 'mutation ($id: ID!) { completeComplianceReview(id: $id, approved: true) { status } }', {
        id: submitSharingContract.id,
      });
      // Open (PUBLIC) datasets need no provider approval: the review makes their contract active.
      if (completeComplianceReview.status === 'ACTIVE') continue;
      await this.ok(stewardKeys[contract.steward], 'mutation ($id: ID!) { approveSharingContract(id: $id) { id } }', { id: submitSharingContract.id });
    }
  }
}
