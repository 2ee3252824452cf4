import 'reflect-metadata';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { INestApplication } from '@nestjs/common';
import { openDatabase } from '@shuzhi/database';
import { PostgresEventStore } from '@shuzhi/event-store';
import { loadOrCreateKeyPair } from '@shuzhi/signing';
import { createEnterpriseApp } from '../../enterprise/src/enterprise.app.js';
import { createGatewayApp } from '../../gateway/src/gateway.app.js';
import { publishBuiltInDatasets, readBuiltInDatasets } from '../../governance/src/bootstrap/built-in-datasets.js';
import { DATA_BUREAU, PLATFORM_ADMIN_CLIENT_ID, ensurePlatformAdmin } from '../../governance/src/bootstrap/platform-admin.js';
import { createGovernanceApp } from '../../governance/src/governance.app.js';

/** The repository's schemas/, seen from dist/apps/platform/src/. */
const SCHEMAS_DIR = fileURLToPath(new URL('../../../../schemas', import.meta.url));

/**
 * `npm start`: the whole platform on one machine. The embedded PostgreSQL in .data/ (or
 * DATABASE_URL), the event log, each subgraph on its own loopback port, and the gateway, the
 * only door for department systems, on PORT. Ctrl-C stops all of it.
 */
const main = async () => {
  const dataDir = process.env.SHUZHI_DATA_DIR ?? '.data';
  const database = await openDatabase();
  console.log(database.embedded ? `PostgreSQL: embedded, data in ${dataDir}/postgres` : 'PostgreSQL: DATABASE_URL');
  const keysDir = join(dataDir, 'keys');
  const gatewayKeys = await loadOrCreateKeyPair(keysDir, 'gateway-context');
  const receiptKeys = await loadOrCreateKeyPair(keysDir, 'consent-receipts');
  const store = await PostgresEventStore.connect({ connectionString: database.url });
  const common = { databaseUrl: database.url, store, gatewayPublicKey: gatewayKeys.publicKey };

  const subgraphApps: Array<[name: string, app: INestApplication, port: number]> = [
    ['governance', await createGovernanceApp({ ...common, receiptKeys }), Number(process.env.GOVERNANCE_PORT ?? 4001)],
    ['enterprise', await createEnterpriseApp(common), Number(process.env.ENTERPRISE_PORT ?? 4003)],
  ];
  const subgraphs: Record<string, string> = {};
  for (const [name, app, port] of subgraphApps) {
    await app.listen(port, '127.0.0.1');
    subgraphs[name] = `http://127.0.0.1:${port}`;
  }
  const [, governance] = subgraphApps[0];

  const admin = await ensurePlatformAdmin(governance, process.env.SHUZHI_ADMIN_KEY);
  if (admin.created) {
    const credentials = [{ department: DATA_BUREAU.code, roles: ['PLATFORM'], clientId: PLATFORM_ADMIN_CLIENT_ID, apiKey: admin.apiKey }];
    await writeFile(join(dataDir, 'demo-credentials.json'), `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
    if (!process.env.SHUZHI_ADMIN_KEY) console.log(`Platform admin key (shown once, also in ${dataDir}/demo-credentials.json): ${admin.apiKey}`);
  }
  const published = await publishBuiltInDatasets(governance, await readBuiltInDatasets(SCHEMAS_DIR));
  if (published.length > 0) console.log(`Catalog: published the built-in datasets ${published.join(', ')}`);

  const gateway = await createGatewayApp({ databaseUrl: database.url, store, gatewayKeys, subgraphs });
  const port = Number(process.env.PORT ?? 4000);
  await gateway.listen(port, '0.0.0.0');
  console.log(`Shuzhi is up: http://localhost:${port}/graphql (health: http://localhost:${port}/health)`);
  for (const [name, url] of Object.entries(subgraphs)) console.log(`  ${name} subgraph: ${url}/graphql (answers only the gateway)`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping`);
    await gateway.close();
    for (const [, app] of subgraphApps) await app.close();
    await store.close();
    await database.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
