import { randomBytes } from 'node:crypto';
import { DataSource, In, type EntityManager, type EntityTarget, type ObjectLiteral } from 'typeorm';
import type { Checkpoint, EventStore, RecordedEvent } from './event-store.js';
import { POOL_SETTINGS } from './postgres/postgres-event-store.js';
import { Subscription } from './subscription.js';

/**
 * A long-lived service's read models: its entities in its own schema, on a pool with the
 * platform's `POOL_SETTINGS`, connected.
 */
export const openReadModels = (url: string, schema: string, entities: ReadonlyArray<EntityTarget<ObjectLiteral>>): Promise<DataSource> =>
  new DataSource({ type: 'postgres', url, extra: POOL_SETTINGS, schema, entities: [...entities] as never[] }).initialize();

/**
 * A read model as a pure fold over the rows of one TypeORM entity. The runner loads the rows
 * an event touches, calls `evolve`, and writes the results with the checkpoint in one
 * transaction. Entities of projections use plain column types (no PostgreSQL enum types), so
 * that a rebuilt table moves between schemas whole.
 */
export interface Projection<Row extends ObjectLiteral> {
  /** Also the subscription's name and its checkpoint's key. */
  name: string;
  /** Bump when the row shape or `evolve` changes: the next leader rebuilds the table from 0. */
  version: number;
  entity: EntityTarget<Row>;
  types?: readonly string[];
  streamPrefix?: string;
  /** The primary keys of the rows this event changes; empty when it changes none. */
  keysOf(event: RecordedEvent): readonly string[];
  /** The row after the event; `null` deletes it. Pure: everything it needs is in the event. */
  evolve(row: Row | null, event: RecordedEvent): Row | null;
}

/** PostgreSQL takes at most 65 535 parameters in a statement. */
const MAX_PARAMETERS = 60_000;

/** Applies one batch of events to the projection's table as `tx` sees it (live or shadow schema). */
export const applyProjection = async <Row extends ObjectLiteral>(
  projection: Projection<Row>,
  events: readonly RecordedEvent[],
  tx: EntityManager,
): Promise<void> => {
  const repository = tx.getRepository(projection.entity);
  const [primary, ...rest] = repository.metadata.primaryColumns;
  if (!primary || rest.length > 0) throw new Error(`projection ${projection.name} needs a single-column primary key`);
  const key = primary.propertyName;

  const touched = events.map((event) => [event, projection.keysOf(event)] as const);
  const keys = [...new Set(touched.flatMap(([, eventKeys]) => eventKeys))];
  if (keys.length === 0) return;
  const rows = new Map<string, Row | null>();
  for (const chunk of chunks(keys, MAX_PARAMETERS)) {
    for (const row of await repository.findBy({ [key]: In(chunk) } as never)) rows.set(String(row[key]), row);
  }
  for (const [event, eventKeys] of touched) {
    for (const k of eventKeys) rows.set(k, projection.evolve(rows.get(k) ?? null, event));
  }

  // Every column is written: an undefined property would otherwise keep the old value or take
  // the default depending on what else shares the statement, so a rebuild could disagree.
  const columns = repository.metadata.columns.map((c) => c.propertyName);
  const kept = [...rows.values()]
    .filter((row): row is Row => row !== null)
    .map((row) => Object.fromEntries(columns.map((c) => [c, row[c] === undefined ? null : row[c]])) as Row);
  const removed = [...rows.entries()].filter(([, row]) => row === null).map(([k]) => k);
  const perRow = Math.max(1, repository.metadata.columns.length);
  for (const chunk of chunks(kept, Math.floor(MAX_PARAMETERS / perRow))) {
    await repository.upsert(chunk as never[], [key]);
  }
  for (const chunk of chunks(removed, MAX_PARAMETERS)) {
    await repository.delete({ [key]: In(chunk) } as never);
  }
};

const chunks = <T>(items: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

export interface ProjectionRunnerOptions {
  /**
   * NOTIFY this channel in each batch's transaction (and a rebuild's swap), with the new
   * checkpoint as payload: readers that cache the table learn of a change as it commits.
   */
  notifyChannel?: string;
  batchSize?: number;
  pollIntervalMs?: number;
  lockRetryMs?: number;
  onError?: (error: unknown) => void;
}

/**
 * Keeps one projection's table up to date as the subscription's leader, and rebuilds it when
 * its version changes or when asked: the table is rebuilt from position 0 in a scratch schema
 * while the live one keeps serving, then swapped in with its checkpoint in one transaction.
 */
export class ProjectionRunner<Row extends ObjectLiteral> {
  readonly subscription: Subscription;

  constructor(
    private readonly store: EventStore,
    private readonly dataSource: DataSource,
    readonly projection: Projection<Row>,
    private readonly options: ProjectionRunnerOptions = {},
  ) {
    this.subscription = new Subscription(store, dataSource, {
      ...options,
      name: projection.name,
      types: projection.types,
      streamPrefix: projection.streamPrefix,
      handler: async (events, tx) => {
        await applyProjection(projection, events, tx);
        await this.notify(tx, events[events.length - 1].checkpoint);
      },
      // Checked on taking the lead, so that a new version is rebuilt by exactly one replica.
      onLeadership: () => this.rebuildIfOutdated(),
    });
  }

  start(): void {
    this.subscription.start();
  }

  stop(): Promise<void> {
    return this.subscription.stop();
  }

  /** Resolves once the table reflects everything up to `checkpoint`. */
  waitFor(checkpoint: Checkpoint, timeoutMs?: number): Promise<void> {
    return this.subscription.waitFor(checkpoint, timeoutMs);
  }

  /** Rebuilds from position 0 and swaps the result in; runs as the leader, between batches. */
  rebuild(): Promise<void> {
    return this.subscription.runAsLeader(() => this.rebuildNow());
  }

  private async notify(tx: EntityManager, checkpoint: Checkpoint | undefined): Promise<void> {
    if (this.options.notifyChannel) await tx.query('select pg_notify($1, $2)', [this.options.notifyChannel, checkpoint ?? '']);
  }

  private async rebuildIfOutdated(): Promise<void> {
    const rows: Array<{ version: number }> = await this.dataSource.query(
      'select version from event_store.subscription_checkpoints where name = $1',
      [this.projection.name],
    );
    const stored = rows[0]?.version;
    if (stored !== undefined && stored > this.projection.version) {
      // During a rolling deploy an old replica must not rebuild the newer shape back.
      throw new Error(
        `projection ${this.projection.name} is at version ${stored}, newer than this code's ${this.projection.version}: not leading`,
      );
    }
    const table = this.dataSource.getMetadata(this.projection.entity);
    const [{ exists }]: Array<{ exists: boolean }> = await this.dataSource.query(
      'select to_regclass(quote_ident($1) || $2 || quote_ident($3)) is not null as exists',
      [table.schema ?? 'public', '.', table.tableName],
    );
    if (!exists || stored !== this.projection.version) await this.rebuildNow();
  }

  private async rebuildNow(): Promise<void> {
    const table = this.dataSource.getMetadata(this.projection.entity);
    const live = table.schema ?? 'public';
    const shadow = await buildShadow(this.store, this.dataSource, this.projection, this.options.batchSize);
    try {
      await this.dataSource.transaction(async (tx) => {
        await tx.query(`create schema if not exists "${live}"`);
        await tx.query(`drop table if exists "${live}"."${table.tableName}"`);
        await tx.query(`alter table "${shadow.schema}"."${table.tableName}" set schema "${live}"`);
        await tx.query(
          `insert into event_store.subscription_checkpoints (name, checkpoint, version) values ($1, $2, $3)
           on conflict (name) do update set checkpoint = excluded.checkpoint, version = excluded.version, updated_at = now()`,
          [this.projection.name, shadow.checkpoint ?? null, this.projection.version],
        );
        await this.notify(tx, shadow.checkpoint);
      });
    } finally {
      await shadow.drop();
    }
  }
}

export interface ShadowBuild {
  schema: string;
  checkpoint: Checkpoint | undefined;
  /** Drops the scratch schema (and whatever is still in it). */
  drop(): Promise<void>;
}

/**
 * Replays the whole log into the projection's table in a fresh scratch schema, up to the head
 * at the time the replay reaches it. The live table is not touched. Also what an auditor's
 * rebuild check compares against the live table.
 */
export const buildShadow = async <Row extends ObjectLiteral>(
  store: EventStore,
  dataSource: DataSource,
  projection: Projection<Row>,
  batchSize = 1_000,
  /** Stop at this position (inclusive) rather than at the head: a check compares with a live table as of its own checkpoint. */
  until?: Checkpoint,
): Promise<ShadowBuild> => {
  const schema = `rebuild_${randomBytes(6).toString('hex')}`;
  const scratch = new DataSource({
    ...(dataSource.options as object),
    schema,
    entities: [projection.entity as never],
    synchronize: false,
    migrationsRun: false,
  } as never);
  await dataSource.query(`create schema "${schema}"`);
  const drop = async () => {
    if (scratch.isInitialized) await scratch.destroy();
    await dataSource.query(`drop schema if exists "${schema}" cascade`);
  };
  try {
    await scratch.initialize();
    const target = scratch.getMetadata(projection.entity as never);
    if (target.schema !== schema) {
      // An entity naming its own schema would be replayed into the live table.
      throw new Error(`projection ${projection.name}: its entity names schema ${target.schema}; leave the schema to the DataSource`);
    }
    await scratch.synchronize();
    // An enum type would stay behind in the scratch schema when the table moves out, and
    // dropping the schema would then drop the live column with it.
    const [{ enums }]: Array<{ enums: number }> = await dataSource.query(
      `select count(*)::int as enums from pg_type where typnamespace = $1::regnamespace and typtype = 'e'`,
      [schema],
    );
    if (enums > 0) throw new Error(`projection ${projection.name} uses a PostgreSQL enum type; store enums as text`);
    let checkpoint: Checkpoint | undefined;
    for (;;) {
      const page = await store.readAll({
        after: checkpoint,
        limit: batchSize,
        types: projection.types,
        streamPrefix: projection.streamPrefix,
      });
      const events = until ? page.events.filter((e) => store.compareCheckpoints(e.checkpoint, until) <= 0) : page.events;
      if (events.length > 0) {
        await scratch.transaction((tx) => applyProjection(projection, events, tx));
      }
      checkpoint = page.checkpoint ?? checkpoint;
      if (until && checkpoint && store.compareCheckpoints(checkpoint, until) >= 0) {
        checkpoint = until;
        break;
      }
      if (page.endOfLog) break;
    }
    await scratch.destroy();
    return { schema, checkpoint, drop };
  } catch (error) {
    await drop();
    throw error;
  }
};
