import 'reflect-metadata';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { keyPairFromPem, loadOrCreateKeyPair } from '@shuzhi/signing';
import { exitOnFailure, runSubgraph } from '@shuzhi/subgraph';
import { publishBuiltInDatasets, readBuiltInDatasets } from './bootstrap/built-in-datasets.js';
import { DATA_BUREAU, PLATFORM_ADMIN_CLIENT_ID, ensurePlatformAdmin } from './bootstrap/platform-admin.js';
import { createGovernanceApp } from './governance.app.js';

/**
 * The governance subgraph. Besides runSubgraph's settings: the consent-receipt key
 * (SHUZHI_RECEIPT_PRIVATE_KEY, PEM; else .data/keys), SHUZHI_ADMIN_KEY for the first start,
 * and SHUZHI_SCHEMAS_DIR, the built-in datasets to publish (default schemas/).
 */
runSubgraph(
  'governance',
  4001,
  async (dependencies) =>
    createGovernanceApp({
      ...dependencies,
      receiptKeys: process.env.SHUZHI_RECEIPT_PRIVATE_KEY
        ? keyPairFromPem(process.env.SHUZHI_RECEIPT_PRIVATE_KEY)
        : await loadOrCreateKeyPair(join(dependencies.dataDir, 'keys'), 'consent-receipts'),
    }),
  async (app, { dataDir }) => {
    const admin = await ensurePlatformAdmin(app, process.env.SHUZHI_ADMIN_KEY);
    if (admin.created) {
      const credentials = [{ department: DATA_BUREAU.code, roles: ['PLATFORM'], clientId: PLATFORM_ADMIN_CLIENT_ID, apiKey: admin.apiKey }];
      await writeFile(join(dataDir, 'demo-credentials.json'), `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
      if (!process.env.SHUZHI_ADMIN_KEY) {
        console.log(`Platform admin key (shown once, also in ${dataDir}/demo-credentials.json): ${admin.apiKey}`);
      }
    }
    const published = await publishBuiltInDatasets(app, await readBuiltInDatasets(process.env.SHUZHI_SCHEMAS_DIR ?? 'schemas'));
    if (published.length > 0) console.log(`Catalog: published the built-in datasets ${published.join(', ')}`);
  },
).catch(exitOnFailure);
