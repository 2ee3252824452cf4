import 'reflect-metadata';
import { openDatabase } from '@shuzhi/database';
import { PostgresEventStore } from '@shuzhi/event-store';
import { keyPairFromPem, loadOrCreateKeyPair, publicKeyFromPem } from '@shuzhi/signing';
import { ensurePlatformAdmin } from './bootstrap/platform-admin.js';
import { createGovernanceApp } from './governance.app.js';

/**
 * The governance subgraph alone, as deployed: DATABASE_URL, the gateway's public key
 * (SHUZHI_GATEWAY_PUBLIC_KEY, PEM) and the receipt signing key (SHUZHI_RECEIPT_PRIVATE_KEY,
 * PEM); without them (development) keys are made in .data/keys.
 */
const main = async () => {
  const database = await openDatabase();
  const keysDir = `${process.env.SHUZHI_DATA_DIR ?? '.data'}/keys`;
  const gatewayPublicKey = process.env.SHUZHI_GATEWAY_PUBLIC_KEY
    ? publicKeyFromPem(process.env.SHUZHI_GATEWAY_PUBLIC_KEY)
    : (await loadOrCreateKeyPair(keysDir, 'gateway-context')).publicKey;
  const receiptKeys = process.env.SHUZHI_RECEIPT_PRIVATE_KEY
    ? keyPairFromPem(process.env.SHUZHI_RECEIPT_PRIVATE_KEY)
    : await loadOrCreateKeyPair(keysDir, 'consent-receipts');
  const store = await PostgresEventStore.connect({ connectionString: database.url });
  const app = await createGovernanceApp({ databaseUrl: database.url, store, gatewayPublicKey, receiptKeys });
  await app.listen(Number(process.env.PORT ?? 4001), '0.0.0.0');
  const admin = await ensurePlatformAdmin(app, process.env.SHUZHI_ADMIN_KEY);
  if (admin.created && !process.env.SHUZHI_ADMIN_KEY) console.log(`platform admin key (shown once): ${admin.apiKey}`);
  console.log(`governance subgraph: ${await app.getUrl()}/graphql`);
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
