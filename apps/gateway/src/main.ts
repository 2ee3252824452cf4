import 'reflect-metadata';
import { readFile } from 'node:fs/promises';
import { openDatabase } from '@shuzhi/database';
import { lifecycleLogger, logger, nameProcess, stopOnSignals } from '@shuzhi/observability';
import { parseSubgraphEndpoints } from './composition/subgraph-endpoints.js';
import { connectGatewayStore, createGatewayApp } from './gateway.app.js';
import { loadGatewayKeys } from './gateway-keys.js';

/**
 * The gateway alone, as deployed: DATABASE_URL, SUBGRAPHS (`governance=http://...,population=...`),
 * the signing key (SHUZHI_GATEWAY_PRIVATE_KEY, or .data/keys in development), and optionally
 * SHUZHI_SUPERGRAPH_FILE, a supergraph composed at build time; without it the gateway composes
 * from the subgraphs at start. SHUZHI_FIELD_HASH_KEY is the HASH mask's key, the same on every
 * replica (development: .data/keys/field-hash.key).
 */
const main = async () => {
  nameProcess('gateway');
  if (!process.env.SUBGRAPHS) throw new Error('SUBGRAPHS is not set: expected governance=http://127.0.0.1:4001,...');
  const subgraphs = parseSubgraphEndpoints([process.env.SUBGRAPHS]);
  const database = await openDatabase();
  const store = await connectGatewayStore(database.url);
  const supergraphSdl = process.env.SHUZHI_SUPERGRAPH_FILE ? await readFile(process.env.SHUZHI_SUPERGRAPH_FILE, 'utf8') : undefined;
  const app = await createGatewayApp({
    databaseUrl: database.url,
    store,
    gatewayKeys: await loadGatewayKeys(),
    subgraphs,
    supergraphSdl,
    enforcement: {},
  });
  await app.listen(Number(process.env.PORT ?? 4000), '0.0.0.0');
  lifecycleLogger().info(`gateway: ${await app.getUrl()}/graphql over ${Object.keys(subgraphs).join(', ')}`);
  stopOnSignals('gateway', async () => {
    // Requests drain and the last access-record batch is written before the store closes.
    await app.close();
    await store.close();
    await database.stop();
  });
};

main().catch((error) => {
  logger().fatal({ err: error }, 'the gateway could not start');
  process.exit(1);
});
