import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { passwordInFile } from './database.js';

/**
 * A service of the platform as PostgreSQL sees it: a login role of its own, which owns the
 * schema of its read models (named after the service) and may append to its own streams only.
 */
export interface ServiceRole {
  service: string;
  /** Prefixes of the stream ids it appends to: those of its deciders, seeds and writers. */
  streams: readonly string[];
}

/**
 * What each service writes. A prefix here is checked by the database on every append of that
 * service's role (event_store.refuse_streams_of_others): a stream a service appends to but that
 * is missing here is refused at its first append, and test/platform/service-roles.spec.ts checks
 * each app's stream ids against this list.
 */
export const SERVICE_ROLES: readonly ServiceRole[] = [
  { service: 'gateway', streams: ['access-'] },
  { service: 'governance', streams: ['department-', 'purpose-', 'client-', 'dataset-', 'contract-', 'consent-', 'subgraph-'] },
  { service: 'population', streams: ['resident-', 'household-', 'id-number-'] },
  { service: 'enterprise', streams: ['enterprise-'] },
  { service: 'subsidy', streams: ['program-', 'subsidy-application-'] },
  { service: 'audit', streams: ['audit-seals'] },
];

/** PostgreSQL cuts longer names short, and two cut alike would be one role. */
const MAX_NAME_BYTES = 63;

/**
 * The role of `service` for `database`: `shuzhi_population` for the database `shuzhi`, as the
 * manifests in infra/ name them. Roles belong to the whole server, grants to one database: two
 * platforms on one server (the tests' databases, say) each get roles of their own, and neither
 * changes the other's passwords.
 */
export const serviceRoleName = (database: string, service: string): string => {
  const name = `${database}_${service}`;
  if (Buffer.byteLength(name) <= MAX_NAME_BYTES) return name;
  return `shuzhi_${createHash('sha256').update(database).digest('hex').slice(0, 16)}_${service}`;
};

export interface ProvisionOptions {
  /** Each service's password; a service without one keeps the password its role has. */
  passwords?: ReadonlyMap<string, string>;
}

/** Which services' roles were prepared, by service. */
export type ServiceRoleNames = ReadonlyMap<string, string>;

/**
 * Creates (or brings back to what it should be) each service's role on the database of
 * `adminUrl` and grants it what it needs and nothing more. Run as a superuser, or as the owner
 * that ran the migrations, which may then create roles (CREATEROLE) or, where infra/ made the
 * roles as it should, only needs to be a member of each (to hand it its schema). Idempotent:
 * `npm start` runs it at every start, production's preparation step at every deploy.
 *
 * A service's role: logs in; is a member of no role (the manifests once made each a member of
 * the owner, acting as it: that is undone here); owns its schema and everything in it (it
 * creates its projections' tables there and swaps rebuilt ones in); may create schemas (its
 * rebuilds' scratch ones); reads the event log and appends to it, its own streams only; never
 * updates or deletes an event; writes the checkpoints of its own read models only (the RLS of
 * event_store.subscription_checkpoints); reads the migrations applied, so that it can start
 * without applying any. Other services' schemas it cannot even read.
 */
export const provisionServiceRoles = async (adminUrl: string, options: ProvisionOptions = {}): Promise<ServiceRoleNames> => {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query('begin');
    // Two platforms starting on one database at once would race to grant on the same rows.
    await client.query(`select pg_advisory_xact_lock(hashtext('shuzhi service roles'))`);
    const { rows: [state] } = await client.query<{ database: string; admin: string; superuser: boolean; migrated: boolean }>(
      `select current_database() as database, current_user as admin,
              (select rolsuper from pg_roles where rolname = current_user) as superuser,
              to_regclass('event_store.stream_writers') is not null
                and to_regclass('event_store.subscription_checkpoints') is not null as migrated`,
    );
    if (!state.migrated) {
      throw new Error(`the event store's migrations are not applied on ${state.database}: apply them (connect an event store as this role) before granting the service roles`);
    }
    const id = (name: string) => client.escapeIdentifier(name);
    const names = new Map<string, string>();
    for (const { service, streams } of SERVICE_ROLES) {
      const role = serviceRoleName(state.database, service);
      names.set(service, role);
      const password = options.passwords?.get(service);
      const { rows: [existing] } = await client.query<{ login: boolean; unfit: boolean; setsRole: boolean; searchesPublic: boolean; administered: boolean }>(
        `select r.rolcanlogin as login, r.rolsuper or r.rolcreaterole or r.rolcreatedb or r.rolreplication or r.rolbypassrls as unfit,
                exists (select 1 from pg_db_role_setting s, unnest(s.setconfig) c
                        where s.setrole = r.oid and s.setdatabase = 0 and c like 'role=%') as "setsRole",
                exists (select 1 from pg_db_role_setting s, unnest(s.setconfig) c
                        where s.setrole = r.oid and s.setdatabase = (select oid from pg_database where datname = current_database())
                          and c = 'search_path=public') as "searchesPublic",
                pg_has_role(current_user, r.oid, 'member') as administered
         from pg_roles r where r.rolname = $1`,
        [role],
      );
      // Each change below only when needed: production's owner, which made none of these roles,
      // may grant on its tables without being allowed to alter the roles themselves.
      if (!existing) await client.query(`create role ${id(role)} login`);
      if (password !== undefined) await client.query(`alter role ${id(role)} password ${client.escapeLiteral(password)}`);
      if (existing && !existing.login) await client.query(`alter role ${id(role)} login`);
      if (existing?.unfit) await client.query(`alter role ${id(role)} nosuperuser nocreaterole nocreatedb noreplication nobypassrls`);
      // A member of another role could act as it: the owner's membership would undo every grant below.
      const { rows: memberships } = await client.query<{ granted: string }>(
        'select r.rolname as granted from pg_auth_members m join pg_roles r on r.oid = m.roleid where m.member = $1::regrole',
        [id(role)],
      );
      for (const { granted } of memberships) await client.query(`revoke ${id(granted)} from ${id(role)}`);
      if (existing?.setsRole) await client.query(`alter role ${id(role)} reset role`);
      // Resolving "$user" to a schema another service's role created under this one's name
      // would run that role's objects: this database's sessions search public alone.
      if (!existing?.searchesPublic) await client.query(`alter role ${id(role)} in database ${id(state.database)} set search_path = public`);
      // Handing a schema over takes being able to act as its new owner (a superuser always can).
      if (!state.superuser && !existing?.administered) await client.query(`grant ${id(role)} to ${id(state.admin)}`);

      await client.query(`grant connect, create on database ${id(state.database)} to ${id(role)}`);
      await client.query(`create schema if not exists ${id(service)} authorization ${id(role)}`);
      await client.query(`alter schema ${id(service)} owner to ${id(role)}`);
      // Tables made before the role existed (by the migrations, or by a platform that ran as the
      // owner) move to it: a rebuild drops and replaces them.
      const { rows: owned } = await client.query<{ kind: string; name: string }>(
        `select c.relkind::text as kind, format('%I.%I', n.nspname, c.relname) as name
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = $1 and c.relowner <> $2::regrole and c.relkind in ('r', 'p', 'v', 'm', 'f', 'S')
           -- A column's sequence moves with its table.
           and not (c.relkind = 'S' and exists (select 1 from pg_depend d where d.objid = c.oid and d.deptype in ('a', 'i')))`,
        [service, id(role)],
      );
      for (const { kind, name } of owned) {
        const what = kind === 'S' ? 'sequence' : kind === 'v' ? 'view' : kind === 'm' ? 'materialized view' : kind === 'f' ? 'foreign table' : 'table';
        await client.query(`alter ${what} ${name} owner to ${id(role)}`);
      }

      await client.query(`grant usage on schema event_store, shuzhi_meta to ${id(role)}`);
      // Its place in the global order (transaction id, position) is the database's to give: a
      // row of a transaction far ahead would stay unread, and keep every reader polling for it.
      await client.query(`revoke insert, update, delete, truncate, references, trigger on event_store.events from ${id(role)}`);
      await client.query(`grant select on event_store.events to ${id(role)}`);
      await client.query(`grant insert (stream_id, stream_version, event_id, type, data, metadata, recorded_at) on event_store.events to ${id(role)}`);
      await client.query(`grant usage on sequence event_store.events_global_position_seq to ${id(role)}`);
      await client.query(`grant select on event_store.stream_writers, shuzhi_meta.migrations to ${id(role)}`);
      await client.query(`grant select, insert, update on event_store.subscription_checkpoints to ${id(role)}`);
      await client.query(`revoke delete, truncate, references, trigger on event_store.subscription_checkpoints from ${id(role)}`);
      await client.query('delete from event_store.stream_writers where role_name = $1 and stream_prefix <> all($2::text[])', [role, streams]);
      await client.query(
        'insert into event_store.stream_writers (role_name, stream_prefix) select $1, unnest($2::text[]) on conflict do nothing',
        [role, streams],
      );
    }
    await client.query('commit');
    return names;
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
};

/** How `npm start`'s processes connect: each as its service's role, or all as the given one. */
export type ServiceConnections =
  | { shared: false; roles: ServiceRoleNames; urlOf(service: string): string }
  | { shared: true; role: string; urlOf(service: string): string };

/**
 * `npm start`'s roles: when the role of `adminUrl` may create roles, each service's role is made
 * (or updated) with a password generated for the data folder and kept there
 * (`<dataDir>/postgres.<role>.password`, mode 600), and `urlOf` gives each service a URL of its
 * own; when it may not, every service shares `adminUrl` (say so: the database then enforces
 * nothing between services). Run it after the migrations.
 */
export const connectServicesAsTheirRoles = async (adminUrl: string, dataDir: string): Promise<ServiceConnections> => {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  const { rows: [self] } = await client
    .query<{ role: string; database: string; creates: boolean }>(
      'select rolname as role, current_database() as database, rolsuper or rolcreaterole as creates from pg_roles where rolname = current_user',
    )
    .finally(() => client.end());
  if (!self.creates) return { shared: true, role: self.role, urlOf: () => adminUrl };
  const passwords = new Map<string, string>();
  for (const { service } of SERVICE_ROLES) {
    passwords.set(service, await passwordInFile(join(dataDir, `postgres.${serviceRoleName(self.database, service)}.password`)));
  }
  const roles = await provisionServiceRoles(adminUrl, { passwords });
  return {
    shared: false,
    roles,
    urlOf: (service) => {
      const role = roles.get(service);
      if (role === undefined) {
        throw new Error(`no database role for the service ${service}: add it to SERVICE_ROLES (libs/database/src/service-roles.ts) with the streams it appends to`);
      }
      const url = new URL(adminUrl);
      // Named, not left to default to the role's own name.
      url.pathname = `/${encodeURIComponent(self.database)}`;
      url.username = encodeURIComponent(role);
      url.password = encodeURIComponent(passwords.get(service)!);
      return url.toString();
    },
  };
};
