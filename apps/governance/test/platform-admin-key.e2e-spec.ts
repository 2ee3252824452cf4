import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, startSubgraphProcess, type TestDatabase } from '@shuzhi/testing';

describe('governance with a weak SHUZHI_ADMIN_KEY (its own process, real PostgreSQL)', () => {
  let database: TestDatabase;
  let dataDir: string;

  beforeAll(async () => {
    database = await createTestDatabase('governance_admin_key');
    dataDir = await mkdtemp(join(tmpdir(), 'shuzhi-admin-key-'));
  });

  afterAll(async () => {
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('refuses to start, saying why in one sentence', async () => {
    const gatewayPublicKey = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const started = startSubgraphProcess('governance', {
      DATABASE_URL: database.url,
      SHUZHI_DATA_DIR: dataDir,
      SHUZHI_GATEWAY_PUBLIC_KEY: gatewayPublicKey,
      SHUZHI_ADMIN_KEY: 'admin1234',
    });
    await expect(started).rejects.toThrow(/exited with 1 before it listened/);
    await expect(started).rejects.toThrow(/SHUZHI_ADMIN_KEY has 9 characters, fewer than the 32 random ones it needs/);
  });
});
