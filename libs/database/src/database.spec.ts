import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
    const dataDir = await mkdtemp(join(tmpdir(), 'shuzhi-embedded-'));
    // As root, the server runs as the postgres user, which must be able to reach the folder.
    await chmod(dataDir, 0o755);
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
});
