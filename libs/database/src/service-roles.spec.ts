import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Pool } from 'pg';
import { EntitySchema } from 'typeorm';
import { migrate, openReadModels, PostgresEventStore, ProjectionRunner, type Projection } from '@shuzhi/event-store';
import { createTestDatabase, TEST_SERVER_URL_VARIABLE, waitUntil, type TestDatabase } from '@shuzhi/testing';
import { connectServicesAsTheirRoles, provisionServiceRoles, SERVICE_ROLES, serviceRoleName, type ServiceConnections } from './service-roles.js';

const session = async <T>(url: string, work: (client: Client) => Promise<T>): Promise<T> => {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
};

/** The error a query fails with (or a failure of the test, if it succeeds). */
const refusal = async (url: string, sql: string, values: unknown[] = []): Promise<{ code?: string; message: string }> =>
  session(url, (client) =>
    client.query(sql, values).then(
      () => {
        throw new Error(`expected a refusal of: ${sql}`);
      },
      (error: { code?: string; message: string }) => ({ code: error.code, message: error.message }),
    ),
  );

const INSUFFICIENT_PRIVILEGE = '42501';

interface ResidentName {
  residentId: string;
  name: string;
}
const ResidentNames = new EntitySchema<ResidentName>({
  name: 'ResidentName',
  tableName: 'resident_names',
  columns: { residentId: { type: String, primary: true, name: 'resident_id' }, name: { type: String } },
});
const residentNames = (version: number): Projection<ResidentName> => ({
  name: 'population.resident-names',
  version,
  entity: ResidentNames,
  streamPrefix: 'resident-',
  keysOf: (event) => [event.streamId],
  evolve: (_row, event) => ({ residentId: event.streamId, name: (event.data as { name: string }).name }),
});

/**
 * Each service's role as the database enforces it (security issue 18): a stolen service's
 * credentials append to its own streams and write its own read models, nothing of another's.
 */
describe('service roles', () => {
  let database: TestDatabase;
  let dataDir: string;
  let admin: PostgresEventStore;
  let roles: ServiceConnections;
  let population: string;
  let governance: string;
  const serverUrl = () => process.env[TEST_SERVER_URL_VARIABLE]!;

  beforeAll(async () => {
    database = await createTestDatabase('roles');
    dataDir = await mkdtemp(join(tmpdir(), 'shuzhi-roles-'));
    // The migrations, as the privileged role, before any service connects.
    admin = await PostgresEventStore.connect({ connectionString: database.url });
    // A read model from before the roles, made by the privileged role: it moves to its service.
    await session(database.url, (client) =>
      client.query(`create schema governance; create table governance.consents (consent_id text primary key, status text);
                    insert into governance.consents values ('c-1', 'GRANTED')`),
    );
    roles = await connectServicesAsTheirRoles(database.url, dataDir);
    population = roles.urlOf('population');
    governance = roles.urlOf('governance');
  });

  afterAll(async () => {
    await admin?.close();
    await database?.drop();
    // Roles belong to the server (the machine's PostgreSQL under DATABASE_URL): leave none behind.
    const name = new URL(database.url).pathname.slice(1);
    await session(serverUrl(), async (client) => {
      for (const { service } of SERVICE_ROLES) await client.query(`drop role if exists ${client.escapeIdentifier(serviceRoleName(name, service))}`);
    });
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const eventsOf = async (streamId: string) =>
    (await admin.readStream(streamId)).map((event) => event.type);

  it('gives each service a role of its own, named after the database, its password kept in the data folder (mode 600)', async () => {
    expect(roles.shared).toBe(false);
    const name = new URL(database.url).pathname.slice(1);
    for (const { service } of SERVICE_ROLES) {
      const url = new URL(roles.urlOf(service));
      const role = serviceRoleName(name, service);
      expect([service, url.username, url.pathname]).toEqual([service, role, `/${name}`]);
      const file = join(dataDir, `postgres.${role}.password`);
      expect([service, decodeURIComponent(url.password)]).toEqual([service, (await readFile(file, 'utf8')).trim()]);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      const [whoami] = await session(roles.urlOf(service), async (client) => (await client.query('select current_user as role')).rows);
      expect(whoami).toEqual({ role });
    }
    expect(() => roles.urlOf('housing')).toThrow(/no database role for the service housing/);
  });

  it('is idempotent: a second start keeps the roles, their passwords and what they may do', async () => {
    const again = await connectServicesAsTheirRoles(database.url, dataDir);
    for (const { service } of SERVICE_ROLES) expect(again.urlOf(service)).toBe(roles.urlOf(service));
    const store = await PostgresEventStore.connect({ connectionString: again.urlOf('population') });
    try {
      await store.appendToStream('resident-again', [{ type: 'ResidentRegistered', data: { name: 'again' } }], { expectedVersion: 'no-stream' });
    } finally {
      await store.close();
    }
    await expect(refusal(again.urlOf('population'), `insert into event_store.events (stream_id, stream_version, event_id, type, data, metadata, recorded_at)
      values ('consent-again', 0, gen_random_uuid(), 'ConsentGranted', '{}', '{}', now())`)).resolves.toMatchObject({ code: 'SZ403' });
  });

  describe('population, connected as its role', () => {
    let store: PostgresEventStore;

    beforeAll(async () => {
      // Starting takes no DDL: the migrations are applied, so the store only reads which.
      store = await PostgresEventStore.connect({ connectionString: population });
    });
    afterAll(() => store?.close());

    it('appends to its own streams', async () => {
      await store.appendToStream('resident-x', [{ type: 'ResidentRegistered', data: { name: 'x' } }], { expectedVersion: 'no-stream' });
      await store.appendToStream('household-x', [{ type: 'HouseholdRegistered', data: {} }], { expectedVersion: 'no-stream' });

      expect(await eventsOf('resident-x')).toEqual(['ResidentRegistered']);
      expect(await eventsOf('household-x')).toEqual(['HouseholdRegistered']);
    });

    it.each([
      ['consent-x', 'ConsentGranted'],
      ['contract-x', 'ContractActivated'],
      ['access-x', 'AccessRecorded'],
      ['audit-seals', 'AuditBlockSealed'],
      // A prefix is a prefix, not a substring.
      ['x-resident-x', 'ResidentRegistered'],
    ])('may not append to %s (%s): refused, nothing written', async (streamId, type) => {
      await expect(store.appendToStream(streamId, [{ type, data: {} }], { expectedVersion: 'any' })).rejects.toMatchObject({
        code: 'SZ403',
        message: `role ${new URL(population).username} may not append to stream ${streamId}`,
        hint: 'its streams begin with: household-, id-number-, resident-',
      });
      expect(await eventsOf(streamId)).toEqual([]);
    });

    it('may not slip another stream into an insert of its own: the whole statement is refused', async () => {
      const error = await refusal(
        population,
        `insert into event_store.events (stream_id, stream_version, event_id, type, data, metadata, recorded_at)
         values ('resident-y', 0, gen_random_uuid(), 'ResidentRegistered', '{}', '{}', now()),
                ('consent-y', 0, gen_random_uuid(), 'ConsentGranted', '{}', '{}', now())`,
      );

      expect(error).toMatchObject({ code: 'SZ403', message: expect.stringMatching(/may not append to stream consent-y$/) });
      expect([await eventsOf('resident-y'), await eventsOf('consent-y')]).toEqual([[], []]);
    });

    it('may not choose its events\' place in the global order', async () => {
      const error = await refusal(
        population,
        `insert into event_store.events (transaction_id, stream_id, stream_version, event_id, type, data, metadata, recorded_at)
         values ('18446744073709551615', 'resident-z', 0, gen_random_uuid(), 'ResidentRegistered', '{}', '{}', now())`,
      );

      expect(error).toMatchObject({ code: INSUFFICIENT_PRIVILEGE, message: 'permission denied for table events' });
      expect(await eventsOf('resident-z')).toEqual([]);
    });

    it('may not update, delete or truncate events, even its own', async () => {
      for (const sql of [
        `update event_store.events set data = '{"name":"forged"}' where stream_id = 'resident-x'`,
        `delete from event_store.events where stream_id = 'resident-x'`,
        'truncate event_store.events',
      ]) {
        expect(await refusal(population, sql)).toMatchObject({ code: INSUFFICIENT_PRIVILEGE, message: 'permission denied for table events' });
      }
      expect(await eventsOf('resident-x')).toEqual(['ResidentRegistered']);
    });

    it('may not change who writes which streams, nor the trigger that checks it', async () => {
      for (const sql of [
        `insert into event_store.stream_writers values (current_user, 'consent-')`,
        `delete from event_store.stream_writers`,
        'alter table event_store.events disable trigger events_appended_by_their_writers',
        'set session_replication_role = replica',
      ]) {
        expect([sql, (await refusal(population, sql)).code]).toEqual([sql, INSUFFICIENT_PRIVILEGE]);
      }
    });

    it('may not read or write governance\'s read models, nor record a migration', async () => {
      for (const sql of [
        `insert into governance.consents values ('c-2', 'GRANTED')`,
        `update governance.consents set status = 'WITHDRAWN'`,
        'select * from governance.consents',
        'drop table governance.consents',
        `insert into shuzhi_meta.migrations (migration_set, version, name) values ('event_store', 99, 'forged')`,
      ]) {
        expect([sql, await refusal(population, sql)]).toEqual([sql, expect.objectContaining({ code: INSUFFICIENT_PRIVILEGE })]);
      }
      expect(await session(database.url, async (client) => (await client.query('select * from governance.consents')).rows)).toEqual([
        { consent_id: 'c-1', status: 'GRANTED' },
      ]);
    });

    it('writes the checkpoints of its own read models only', async () => {
      await session(governance, (client) =>
        client.query(`insert into event_store.subscription_checkpoints (name, checkpoint) values ('governance.consents', '1:1')`),
      );
      await session(population, (client) =>
        client.query(`insert into event_store.subscription_checkpoints (name, checkpoint) values ('population.residents', '1:1')`),
      );

      expect(
        await refusal(population, `insert into event_store.subscription_checkpoints (name, checkpoint) values ('governance.datasets', '9:9')`),
      ).toMatchObject({ code: INSUFFICIENT_PRIVILEGE, message: expect.stringMatching(/row-level security/) });
      // Its own row renamed into another's is refused; another's row it cannot even touch.
      expect(
        await refusal(population, `update event_store.subscription_checkpoints set name = 'governance.datasets' where name = 'population.residents'`),
      ).toMatchObject({ code: INSUFFICIENT_PRIVILEGE });
      const touched = await session(population, async (client) =>
        (await client.query(`update event_store.subscription_checkpoints set checkpoint = '9:9' where name = 'governance.consents'`)).rowCount,
      );
      expect(touched).toBe(0);
      expect(await refusal(population, `delete from event_store.subscription_checkpoints`)).toMatchObject({ code: INSUFFICIENT_PRIVILEGE });
      const checkpoints = await session(population, async (client) =>
        (await client.query('select name, checkpoint from event_store.subscription_checkpoints order by name')).rows,
      );
      expect(checkpoints).toEqual([
        { name: 'governance.consents', checkpoint: '1:1' },
        { name: 'population.residents', checkpoint: '1:1' },
      ]);
    });

    it('may not become the owner', async () => {
      const owner = new URL(database.url).username;
      expect(await refusal(population, `set role ${owner}`)).toMatchObject({ code: INSUFFICIENT_PRIVILEGE });
    });

    it('builds, keeps and rebuilds its projections in its own schema', async () => {
      const readModels = await openReadModels(population, 'population', [ResidentNames]);
      const runners: ProjectionRunner<ResidentName>[] = [];
      try {
        const first = new ProjectionRunner(store, readModels, residentNames(1), { pollIntervalMs: 50 });
        runners.push(first);
        first.start();
        const { checkpoint } = await store.appendToStream('resident-p', [{ type: 'ResidentRegistered', data: { name: 'Li Lei' } }], {
          expectedVersion: 'no-stream',
        });
        await first.waitFor(checkpoint);
        expect(await readModels.getRepository(ResidentNames).findOneBy({ residentId: 'resident-p' })).toEqual({
          residentId: 'resident-p',
          name: 'Li Lei',
        });
        await first.stop();
        // A new version: its leader replays the log into a scratch schema and swaps the table in.
        const second = new ProjectionRunner(store, readModels, residentNames(2), { pollIntervalMs: 50 });
        runners.push(second);
        second.start();
        await waitUntil(
          async () =>
            (await readModels.query(`select version from event_store.subscription_checkpoints where name = 'population.resident-names'`))[0]
              ?.version === 2,
          { timeoutMs: 30_000, what: 'the rebuild of version 2' },
        );
        const [{ owner, rows }] = await readModels.query(
          `select tableowner as owner, (select count(*)::int from population.resident_names) as rows
           from pg_tables where schemaname = 'population' and tablename = 'resident_names'`,
        );
        expect({ owner, rows }).toEqual({ owner: new URL(population).username, rows: await countResidentStreams() });
      } finally {
        await Promise.all(runners.map((runner) => runner.stop()));
        await readModels.destroy();
      }
    });

    const countResidentStreams = async () =>
      session(database.url, async (client) =>
        (await client.query(`select count(distinct stream_id)::int as n from event_store.events where stream_id like 'resident-%'`)).rows[0].n,
      );

    it('says who must apply a migration it may not apply', async () => {
      const pool = new Pool({ connectionString: population, max: 1 });
      try {
        await expect(migrate(pool, 'event_store_next', [{ version: 1, name: 'a shared table', sql: 'create table event_store.next (n int)' }])).rejects.toThrow(
          /1 migration\(s\) of event_store_next are not applied \(from #1, a shared table\) and this role may not apply them: .*as the database's owner first/,
        );
      } finally {
        await pool.end();
      }
    });
  });

  it('hands the read models made before the roles to their service', async () => {
    const [{ owner }] = await session(database.url, async (client) =>
      (await client.query(`select tableowner as owner from pg_tables where schemaname = 'governance' and tablename = 'consents'`)).rows,
    );
    expect(owner).toBe(new URL(governance).username);
  });

  it('leaves the privileged role unrestricted: migrations, seeds and the operator append anywhere', async () => {
    await admin.appendToStream('consent-seeded', [{ type: 'ConsentGranted', data: {} }], { expectedVersion: 'no-stream' });
    expect(await eventsOf('consent-seeded')).toEqual(['ConsentGranted']);
  });

  it('undoes the membership in the owner that the roles were first made with', async () => {
    const role = new URL(roles.urlOf('enterprise')).username;
    const owner = new URL(database.url).username;
    await session(database.url, (client) => client.query(`grant ${owner} to ${role}; alter role ${role} set role ${owner}`));

    await provisionServiceRoles(database.url);

    const [state] = await session(roles.urlOf('enterprise'), async (client) =>
      (await client.query(`select current_user as acting, pg_has_role($1, 'member') as member`, [owner])).rows,
    );
    expect(state).toEqual({ acting: role, member: false });
    // Its password is the one it had: provisioning without passwords changes none.
    expect(await session(roles.urlOf('enterprise'), async (client) => (await client.query('select 1 as one')).rows)).toEqual([{ one: 1 }]);
  });

  it('lets every service share a role that may not create roles, and says so', async () => {
    const name = `shuzhi_plain_${Math.random().toString(16).slice(2, 10)}`;
    await session(serverUrl(), (client) => client.query(`create role ${name} login password 'plain'`));
    try {
      const url = new URL(database.url);
      url.username = name;
      url.password = 'plain';
      const shared = await connectServicesAsTheirRoles(url.toString(), dataDir);

      expect(shared).toMatchObject({ shared: true, role: name });
      expect(shared.urlOf('population')).toBe(url.toString());
    } finally {
      await session(serverUrl(), (client) => client.query(`drop role ${name}`));
    }
  });

  it('is granted by production\'s owner, which may not create roles, to the roles infra/ made for it', async () => {
    const other = await createTestDatabase('owner');
    const name = new URL(other.url).pathname.slice(1);
    const owner = `${name}_owner`;
    const url = (role: string, password: string) => {
      const parsed = new URL(other.url);
      parsed.username = role;
      parsed.password = password;
      return parsed.toString();
    };
    try {
      // What infra/kubernetes/postgres-cluster.yaml has the superuser do at the cluster's start.
      await session(other.url, async (client) => {
        await client.query(`create role ${owner} login password 'owner'; alter database ${name} owner to ${owner}`);
        for (const { service } of SERVICE_ROLES) {
          const role = serviceRoleName(name, service);
          await client.query(`create role ${role} login password 'secret'; grant ${role} to ${owner};
                              alter role ${role} in database ${name} set search_path = public`);
        }
      });
      const store = await PostgresEventStore.connect({ connectionString: url(owner, 'owner') });
      await store.close();

      await provisionServiceRoles(url(owner, 'owner'));

      const population = await PostgresEventStore.connect({ connectionString: url(serviceRoleName(name, 'population'), 'secret') });
      try {
        await population.appendToStream('resident-1', [{ type: 'ResidentRegistered', data: {} }], { expectedVersion: 'no-stream' });
        await expect(population.appendToStream('consent-1', [{ type: 'ConsentGranted', data: {} }], { expectedVersion: 'no-stream' })).rejects.toMatchObject({
          code: 'SZ403',
        });
      } finally {
        await population.close();
      }
    } finally {
      await other.drop();
      await session(serverUrl(), async (client) => {
        for (const role of [...SERVICE_ROLES.map(({ service }) => serviceRoleName(name, service)), owner]) await client.query(`drop role if exists ${role}`);
      });
    }
  });
});
