import { resolve } from 'node:path';
import { startEmbeddedPostgres, type DatabaseServer } from '@shuzhi/database';

/**
 * A benchmark's PostgreSQL: DATABASE_URL's server when it is set, otherwise an embedded one of
 * the benchmark's own in `.data/<folder>` on `port` (each benchmark has its own, so two can run
 * side by side). The benchmark makes and drops its database on it.
 */
export const openBenchServer = async (folder: string, port: number): Promise<DatabaseServer> =>
  process.env.DATABASE_URL
    ? { url: process.env.DATABASE_URL, embedded: false, stop: async () => {} }
    : startEmbeddedPostgres({ dataDir: resolve('.data', folder), port, database: 'shuzhi_bench' });
