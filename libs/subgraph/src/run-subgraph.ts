import type { KeyObject } from 'node:crypto';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { openDatabase } from '@shuzhi/database';
import { PostgresEventStore } from '@shuzhi/event-store';
import { lifecycleLogger, logger, nameProcess, stopOnSignals } from '@shuzhi/observability';
import { loadOrCreateKeyPair, publicKeyFromPem } from '@shuzhi/signing';

export interface SubgraphDependencies {
  databaseUrl: string;
  store: PostgresEventStore;
  gatewayPublicKey: KeyObject;
  /** Where development keys and files live (SHUZHI_DATA_DIR, default .data). */
  dataDir: string;
}

/**
 * A subgraph's process, as deployed or as `npm start` runs it: DATABASE_URL (else the embedded
 * PostgreSQL), the gateway's public key (SHUZHI_GATEWAY_PUBLIC_KEY, PEM; else the development
 * pair in .data/keys), PORT, HOST, LOG_LEVEL. HOST defaults to loopback: only the gateway may
 * call a subgraph, and on one machine it does so over 127.0.0.1; a container sets 0.0.0.0 so that
 * the gateway's pod can reach it. On SIGTERM/SIGINT it stops taking requests, lets the ones in
 * flight finish (SHUZHI_DRAIN_MS at most), stops its projections after their current batch,
 * closes its pools and exits 0; when started by the platform it ends with it (the IPC channel
 * closes when the parent dies, even by SIGKILL).
 */
export const runSubgraph = async (
  name: string,
  defaultPort: number,
  create: (dependencies: SubgraphDependencies) => Promise<INestApplication>,
  afterListen?: (app: INestApplication, dependencies: SubgraphDependencies) => Promise<void>,
): Promise<void> => {
  nameProcess(name);
  const dataDir = process.env.SHUZHI_DATA_DIR ?? '.data';
  const database = await openDatabase();
  const gatewayPublicKey = process.env.SHUZHI_GATEWAY_PUBLIC_KEY
    ? publicKeyFromPem(process.env.SHUZHI_GATEWAY_PUBLIC_KEY)
    : (await loadOrCreateKeyPair(join(dataDir, 'keys'), 'gateway-context')).publicKey;
  const store = await PostgresEventStore.connect({ connectionString: database.url });
  const dependencies = { databaseUrl: database.url, store, gatewayPublicKey, dataDir };
  const app = await create(dependencies);
  await app.listen(Number(process.env.PORT ?? defaultPort), process.env.HOST ?? '127.0.0.1');
  await afterListen?.(app, dependencies);
  // Harnesses read the address from this line (`<name> subgraph: <url>/graphql`).
  lifecycleLogger().info(`${name} subgraph: ${(await app.getUrl()).replace('[::1]', '127.0.0.1')}/graphql`);

  stopOnSignals(`${name} subgraph`, async () => {
    // The same shutdown Nest's own signal hook runs (one at a time): drain, then the hooks.
    await app.close();
    await store.close();
    await database.stop();
  });
};

/** The entry point's catch: a subgraph that cannot start says why and exits non-zero. */
export const exitOnFailure = (error: unknown): never => {
  logger().fatal({ err: error }, 'the service could not start');
  process.exit(1);
};
