import 'reflect-metadata';
import { openDatabase } from '@shuzhi/database';
import { PostgresEventStore } from '@shuzhi/event-store';
import { loadOrCreateKeyPair, publicKeyFromPem } from '@shuzhi/signing';
import { createEnterpriseApp } from './enterprise.app.js';

/**
 * The enterprise subgraph alone, as deployed: DATABASE_URL and the gateway's public key
 * (SHUZHI_GATEWAY_PUBLIC_KEY, PEM); without them (development) the embedded database and the
 * key pair in .data/keys, the same ones the other services use.
 */
const main = async () => {
  const database = await openDatabase();
  const gatewayPublicKey = process.env.SHUZHI_GATEWAY_PUBLIC_KEY
    ? publicKeyFromPem(process.env.SHUZHI_GATEWAY_PUBLIC_KEY)
    : (await loadOrCreateKeyPair(`${process.env.SHUZHI_DATA_DIR ?? '.data'}/keys`, 'gateway-context')).publicKey;
  const store = await PostgresEventStore.connect({ connectionString: database.url });
  const app = await createEnterpriseApp({ databaseUrl: database.url, store, gatewayPublicKey });
  await app.listen(Number(process.env.PORT ?? 4003), '0.0.0.0');
  console.log(`enterprise subgraph: ${await app.getUrl()}/graphql`);
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
