import type { KeyObject } from 'node:crypto';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { openDatabase } from '@shuzhi/database';
import { PostgresEventStore } from '@shuzhi/event-store';
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
 * pair in .data/keys), PORT and HOST. It stops cleanly on SIGTERM/SIGINT, and when started by
 * the platform it ends with it (the IPC channel closes when the parent dies, even by SIGKILL).
 */
export const runSubgraph = async (
  name: string,
  defaultPort: number,
  create: (dependencies: SubgraphDependencies) => Promise<INestApplication>,
  afterListen?: (app: INestApplication, dependencies: SubgraphDependencies) => Promise<void>,
): Promise<void> => {
  const dataDir = process.env.SHUZHI_DATA_DIR ?? '.data';
  const database = await openDatabase();
  const gatewayPublicKey = process.env.SHUZHI_GATEWAY_PUBLIC_KEY
    ? publicKeyFromPem(process.env.SHUZHI_GATEWAY_PUBLIC_KEY)
    : (await loadOrCreateKeyPair(join(dataDir, 'keys'), 'gateway-context')).publicKey;
  const store = await PostgresEventStore.connect({ connectionString: database.url });
  const dependencies = { databaseUrl: database.url, store, gatewayPublicKey, dataDir };
  const app = await create(dependencies);
  await app.listen(Number(process.env.PORT ?? defaultPort), process.env.HOST ?? '0.0.0.0');
  await afterListen?.(app, dependencies);
  console.log(`${name} subgraph: ${(await app.getUrl()).replace('[::1]', '127.0.0.1')}/graphql`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await app.close();
    await store.close();
    await database.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  if (process.send) process.on('disconnect', () => void stop());
};

/** The entry point's catch: a subgraph that cannot start says why and exits non-zero. */
export const exitOnFailure = (error: unknown): never => {
  console.error(error);
  process.exit(1);
};
