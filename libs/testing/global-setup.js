import { chmod, mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tsImport } from 'tsx/esm/api';

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

/**
 * The tests' PostgreSQL: the server of `DATABASE_URL` when it is set (CI also runs the storage
 * suites against the machine's server this way), otherwise an embedded one of this run's own,
 * in a fresh folder on a free port, so that runs side by side never share a server. Each test
 * file creates its own database on it.
 *
 * Plain JavaScript loading the TypeScript through tsx: jest runs its global setup outside the
 * test runtime, where its transforms and module mapping do not apply.
 */
export default async function globalSetup() {
  const { TEST_SERVER_URL_VARIABLE } = await tsImport('./src/test-database.ts', import.meta.url);
  if (process.env.DATABASE_URL) {
    process.env[TEST_SERVER_URL_VARIABLE] = process.env.DATABASE_URL;
    return;
  }
  const { startEmbeddedPostgres } = await tsImport('../database/src/index.ts', import.meta.url);
  const dataDir = await mkdtemp(join(tmpdir(), 'shuzhi-test-postgres-'));
  // As root, the server runs as the postgres user, which must be able to reach the folder.
  await chmod(dataDir, 0o755);
  const server = await startEmbeddedPostgres({
    dataDir: join(dataDir, 'data'),
    port: await freePort(),
    database: 'shuzhi_test',
  });
  globalThis.shuzhiTestServer = { server, dataDir };
  process.env[TEST_SERVER_URL_VARIABLE] = server.url;
}
