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
 * step exactly once.
 */
export const migrate = async (pool: Pool, set: string, migrations: readonly Migration[]): Promise<number[]> => {
  const client = await pool.connect();
  const applied: number[] = [];
  try {
    // One lock for every set: sets share the bookkeeping table that the first one creates.
    await client.query('select pg_advisory_lock($1, 0)', [LOCK_NAMESPACE.migrations]);
    await client.query(`create schema if not exists shuzhi_meta;
      create table if not exists shuzhi_meta.migrations (
        migration_set text not null,
        version integer not null,
        name text not null,
        applied_at timestamptz not null default now(),
        primary key (migration_set, version))`);
    const { rows } = await client.query<{ version: number }>(
      'select version from shuzhi_meta.migrations where migration_set = $1',
      [set],
    );
    const done = new Set(rows.map((row) => row.version));
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(migration.version)) continue;
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
        throw new Error(`migration ${set} #${migration.version} (${migration.name}) failed: ${(error as Error).message}`, {
          cause: error,
        });
      }
    }
    return applied;
  } finally {
    await client.query('select pg_advisory_unlock($1, 0)', [LOCK_NAMESPACE.migrations]).catch(() => {});
    client.release();
  }
};
