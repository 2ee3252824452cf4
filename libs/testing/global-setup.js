import { resolve } from 'node:path';
import { tsImport } from 'tsx/esm/api';

/**
 * The tests' PostgreSQL: the server of `DATABASE_URL` when it is set (CI also runs the storage
 * suites against the machine's server this way), otherwise an embedded one of their own, apart
 * from the platform's `.data/postgres`. Each test file creates its own database on it.
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
  const server = await startEmbeddedPostgres({
    dataDir: resolve('.data', 'test-postgres'),
    port: Number(process.env.SHUZHI_TEST_PG_PORT ?? 54339),
    database: 'shuzhi_test',
  });
  globalThis.shuzhiTestServer = server;
  process.env[TEST_SERVER_URL_VARIABLE] = server.url;
}
