import { resolve } from 'node:path';
// Relative, not the @shuzhi alias: jest loads its global setup with Node's own require.
import { startEmbeddedPostgres, type DatabaseServer } from '../../database/src';
import { TEST_SERVER_URL_VARIABLE } from './test-database';

declare global {
  var shuzhiTestServer: DatabaseServer | undefined;
}

/**
 * The tests' PostgreSQL: the server of `DATABASE_URL` when it is set (CI also runs the
 * storage suites against the machine's server this way), otherwise an embedded one of their
 * own, apart from the platform's `.data/postgres`. Each test file creates its own database.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.DATABASE_URL) {
    process.env[TEST_SERVER_URL_VARIABLE] = process.env.DATABASE_URL;
    return;
  }
  const server = await startEmbeddedPostgres({
    dataDir: resolve('.data', 'test-postgres'),
    port: Number(process.env.SHUZHI_TEST_PG_PORT ?? 54339),
    database: 'shuzhi_test',
  });
  globalThis.shuzhiTestServer = server;
  process.env[TEST_SERVER_URL_VARIABLE] = server.url;
}
