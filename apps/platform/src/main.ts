import 'reflect-metadata';
import { fork, type ChildProcess } from 'node:child_process';
import type { INestApplication } from '@nestjs/common';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '@shuzhi/database';
import { PostgresEventStore } from '@shuzhi/event-store';
import { waitUntil } from '@shuzhi/shared-kernel';
import { loadOrCreateKeyPair } from '@shuzhi/signing';
import { createGatewayApp } from '../../gateway/src/gateway.app.js';

/** dist/apps/, seen from dist/apps/platform/src/. */
const APPS_DIR = fileURLToPath(new URL('../../', import.meta.url));
const SCHEMAS_DIR = fileURLToPath(new URL('../../../../schemas', import.meta.url));

/**
 * Each subgraph runs in a process of its own, as in production: NestJS's code-first GraphQL
 * keeps one type registry per process, so two subgraphs declaring the same entity (`Resident`
 * in population and, as a stub, in enterprise) cannot share one.
 */
const SUBGRAPHS = [
  { name: 'governance', port: Number(process.env.GOVERNANCE_PORT ?? 4001) },
  { name: 'population', port: Number(process.env.POPULATION_PORT ?? 4002) },
  { name: 'enterprise', port: Number(process.env.ENTERPRISE_PORT ?? 4003) },
];

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
  const running: { gateway?: INestApplication; store?: PostgresEventStore } = {};
  let stopping = false;
  const stop = async (signal: string, code = 0) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping`);
    await running.gateway?.close();
    await Promise.all(
      [...children.values()].map(
        (child) => new Promise<void>((done) => (child.exitCode !== null ? done() : (child.once('exit', () => done()), child.kill('SIGTERM')))),
      ),
    );
    await running.store?.close();
    await database.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  for (const { name, port } of SUBGRAPHS) {
    const child = fork(join(APPS_DIR, name, 'src', 'main.js'), [], {
      env: {
        ...process.env,
        DATABASE_URL: database.url,
        SHUZHI_DATA_DIR: dataDir,
        SHUZHI_SCHEMAS_DIR: SCHEMAS_DIR,
        PORT: String(port),
        HOST: '127.0.0.1',
      },
    });
    child.once('exit', (code) => {
      if (!stopping) {
        console.error(`the ${name} subgraph stopped (exit code ${code}); stopping the platform`);
        void stop('subgraph exit', 1);
      }
    });
    children.set(name, child);
  }
  const subgraphs = Object.fromEntries(SUBGRAPHS.map(({ name, port }) => [name, `http://127.0.0.1:${port}`]));
  for (const [name, url] of Object.entries(subgraphs)) {
    await waitUntil(() => fetch(`${url}/health`).then((r) => r.ok, () => false), { timeoutMs: 120_000, intervalMs: 200, what: `the ${name} subgraph` });
  }

  const store = (running.store = await PostgresEventStore.connect({ connectionString: database.url }));
  const gateway = (running.gateway = await createGatewayApp({ databaseUrl: database.url, store, gatewayKeys, subgraphs }));
  const port = Number(process.env.PORT ?? 4000);
  await gateway.listen(port, '0.0.0.0');
  console.log(`Shuzhi is up: http://localhost:${port}/graphql (health: http://localhost:${port}/health)`);
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
