import 'reflect-metadata';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BUILT_IN_SUBGRAPHS } from '@shuzhi/governance-events';
import { keyPairFromPem, loadOrCreateKeyPair } from '@shuzhi/signing';
import { exitOnFailure, runSubgraph } from '@shuzhi/subgraph';
import { bootstrapCatalog, readBuiltInCatalog } from './bootstrap/built-in-datasets.js';
import { DATA_BUREAU, PLATFORM_ADMIN_CLIENT_ID, ensurePlatformAdmin } from './bootstrap/platform-admin.js';
import { createGovernanceApp } from './governance.app.js';

/**
 * The governance subgraph. Besides runSubgraph's settings: the consent-receipt key
 * (SHUZHI_RECEIPT_PRIVATE_KEY, PEM; else .data/keys), SHUZHI_ADMIN_KEY for the first start,
 * and SHUZHI_SCHEMAS_DIR, the built-in datasets to publish and the supergraph that says which
 * built-in subgraph resolves which field (default schemas/).
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
    const done = await bootstrapCatalog(app, await readBuiltInCatalog(process.env.SHUZHI_SCHEMAS_DIR ?? 'schemas', BUILT_IN_SUBGRAPHS));
    if (done.subgraphs.length > 0) console.log(`Registry: registered the subgraphs ${done.subgraphs.join(', ')}`);
    if (done.datasets.length > 0) console.log(`Catalog: published the built-in datasets ${done.datasets.join(', ')}`);
  },
).catch(exitOnFailure);
