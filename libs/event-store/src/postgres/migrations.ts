import type { Pool } from 'pg';

/** A numbered, never-edited step of a schema's history. New steps are appended, not rewritten. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * Advisory lock namespaces (the first key of the two-key form). The two-key and one-key forms
 * never collide, and distinct namespaces keep our locks from colliding with one another.
 */
export const LOCK_NAMESPACE = { migrations: 0x535a0001, stream: 0x535a0002, subscription: 0x535a0003 } as const;

/**
 * Applies the migrations of `set` that are not yet applied, in order, each in its own
 * transaction, under an advisory lock so that several processes starting at once apply each
 * step exactly once. When every step is applied it only reads: a service connecting as its own
 * role, which may not create anything in the shared schemas, starts on a database that the
 * privileged role migrated before it.
 */
export const migrate = async (pool: Pool, set: string, migrations: readonly Migration[]): Promise<number[]> => {
  const client = await pool.connect();
  const applied: number[] = [];
  try {
    // One lock for every set: sets share the bookkeeping table that the first one creates.
    await client.query('select pg_advisory_lock($1, 0)', [LOCK_NAMESPACE.migrations]);
    const { rows } = await client
      .query<{ version: number }>('select version from shuzhi_meta.migrations where migration_set = $1', [set])
      .catch((error: { code?: string }) => {
        // Not there yet: the first migration of the database makes it.
        if (error.code !== UNDEFINED_TABLE) throw error;
        return { rows: [] };
      });
    const done = new Set(rows.map((row) => row.version));
    const pending = [...migrations].sort((a, b) => a.version - b.version).filter((migration) => !done.has(migration.version));
    if (pending.length === 0) return applied;
    try {
      await client.query(`create schema if not exists shuzhi_meta;
        create table if not exists shuzhi_meta.migrations (
          migration_set text not null,
          version integer not null,
          name text not null,
          applied_at timestamptz not null default now(),
          primary key (migration_set, version))`);
    } catch (error) {
      throw unprivileged(error, set, pending) ?? error;
    }
    for (const migration of pending) {
      await client.query('begin');
      try {
        await client.query(migration.sql);
        await client.query('insert into shuzhi_meta.migrations (migration_set, version, name) values ($1, $2, $3)', [
          set,
          migration.version,
          migration.name,
        ]);
        await client.query('commit');
        applied.push(migration.version);
      } catch (error) {
        await client.query('rollback');
        throw (
          unprivileged(error, set, pending) ??
          new Error(`migration ${set} #${migration.version} (${migration.name}) failed: ${(error as Error).message}`, { cause: error })
        );
      }
    }
    return applied;
  } finally {
    await client.query('select pg_advisory_unlock($1, 0)', [LOCK_NAMESPACE.migrations]).catch(() => {});
    client.release();
  }
};

const UNDEFINED_TABLE = '42P01';
const INSUFFICIENT_PRIVILEGE = '42501';

/** A service's role met migrations nobody applied: say who must apply them, not only what was denied. */
const unprivileged = (error: unknown, set: string, pending: readonly Migration[]): Error | undefined =>
  (error as { code?: string }).code === INSUFFICIENT_PRIVILEGE
    ? new Error(
        `${pending.length} migration(s) of ${set} are not applied (from #${pending[0].version}, ${pending[0].name}) and this ` +
          `role may not apply them: ${(error as Error).message}. Apply them as the database's owner first ` +
          '(npm start does; in production, node dist/scripts/prepare-database.js)',
        { cause: error },
      )
    : undefined;
