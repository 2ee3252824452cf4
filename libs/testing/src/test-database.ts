import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { withDatabase } from '@shuzhi/database';

/** Set by the jest global setup: an admin URL of the server the tests may create databases on. */
export const TEST_SERVER_URL_VARIABLE = 'SHUZHI_TEST_SERVER_URL';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

const serverUrl = (): string => {
  const url = process.env[TEST_SERVER_URL_VARIABLE];
  if (!url) throw new Error(`${TEST_SERVER_URL_VARIABLE} is not set: run the tests through jest (npm test)`);
  return url;
};

/** A database of its own for one test file, so that files run in parallel without sharing rows. */
export const createTestDatabase = async (label = 'test'): Promise<TestDatabase> => {
  const name = `shuzhi_${label.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl() });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  await admin.end();
  return {
    url: withDatabase(serverUrl(), name),
    drop: async () => {
      const client = new Client({ connectionString: serverUrl() });
      await client.connect();
      try {
        await client.query(`drop database if exists "${name}" with (force)`);
        // A platform on this database made its services' roles (`<database>_<service>`): they
        // belong to the server, not the database, so they go too.
        const { rows } = await client.query<{ rolname: string }>(`select rolname from pg_roles where starts_with(rolname, $1)`, [`${name}_`]);
        for (const { rolname } of rows) await client.query(`drop role if exists "${rolname.replace(/"/g, '""')}"`);
      } finally {
        await client.end();
      }
    },
  };
};
