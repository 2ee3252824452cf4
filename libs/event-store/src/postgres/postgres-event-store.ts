import { Pool, type PoolConfig } from 'pg';
import type {
  AppendedHint,
  AppendOptions,
  AppendResult,
  Checkpoint,
  EventMetadata,
  EventStore,
  NewEvent,
  ReadAllOptions,
  ReadAllResult,
  ReadStreamOptions,
  RecordedEvent,
} from '../event-store.js';
import { ConcurrencyConflict, InvalidEventInput } from '../errors.js';
import { prepareAppend } from '../prepare-events.js';
import { EVENT_LOG_MIGRATIONS, SUBSCRIPTION_MIGRATIONS } from './event-log.migrations.js';
import { migrate } from './migrations.js';
import { PgListener } from './pg-listener.js';

/**
 * Settings for every pool of the platform's connections. pg closes a connection idle for 10 s by
 * default, so under a steady but uneven load the pools kept closing connections and opening new
 * ones (10–20 every 10 s in the gateway benchmark): each a backend forked, a SCRAM exchange on
 * both sides (the client's on libuv's thread pool) and cold catalog caches. A minute keeps what
 * the last burst needed, and still gives back what an idle service holds.
 */
export const POOL_SETTINGS = { idleTimeoutMillis: 60_000 } as const;

const NOTIFY_CHANNEL = 'event_store_appended';
const DEFAULT_NOTIFY_INTERVAL_MS = 10;
const MAX_NOTIFY_PAYLOAD = 7_900;
/** How many unreadable rows a read looks through for one of its reader's (see `readAll`). */
const PENDING_PROBE_ROWS = 100;

const isStringList = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string');

/** The hint a NOTIFY payload carries: the appended streams and types, or nothing known. */
const hintOf = (payload: string | undefined): AppendedHint => {
  if (!payload) return {};
  try {
    const { streams, types } = JSON.parse(payload) as { streams?: unknown; types?: unknown };
    return isStringList(streams) && isStringList(types) ? { streams: new Set(streams), types: new Set(types) } : {};
  } catch {
    return {};
  }
};

interface EventRow {
  global_position: string;
  transaction_id: string;
  stream_id: string;
  stream_version: string;
  event_id: string;
  type: string;
  data: unknown;
  metadata: EventMetadata;
  recorded_at: Date;
}

const EVENT_COLUMNS =
  'e.global_position, e.transaction_id::text as transaction_id, e.stream_id, e.stream_version, e.event_id, e.type, e.data, e.metadata, e.recorded_at';

/** `<transaction id>:<global position>`; both are unsigned 64-bit in PostgreSQL. */
export const encodePostgresCheckpoint = (transactionId: string | bigint, globalPosition: string | bigint | number) =>
  `${transactionId}:${globalPosition}` as Checkpoint;

export const decodePostgresCheckpoint = (checkpoint: Checkpoint): { transactionId: bigint; globalPosition: bigint } => {
  const match = /^(\d+):(\d+)$/.exec(checkpoint);
  if (!match) throw new InvalidEventInput(`"${checkpoint}" is not a checkpoint of the PostgreSQL event store`);
  return { transactionId: BigInt(match[1]), globalPosition: BigInt(match[2]) };
};

const toRecorded = (row: EventRow): RecordedEvent => ({
  eventId: row.event_id,
  streamId: row.stream_id,
  streamVersion: Number(row.stream_version),
  globalPosition: Number(row.global_position),
  checkpoint: encodePostgresCheckpoint(row.transaction_id, row.global_position),
  type: row.type,
  data: row.data,
  metadata: row.metadata,
  recordedAt: row.recorded_at,
});

/** The reader's filters (`$3` types, `$4` stream LIKE pattern, either null for none) on a row of `alias`. */
const passesFilters = (alias: string) =>
  `($3::text[] is null or ${alias}.type = any($3)) and ($4::text is null or ${alias}.stream_id like $4)`;

/** LIKE treats % and _ as wildcards; a stream prefix means the characters themselves. */
const likePrefix = (prefix: string) => `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export interface PostgresEventStoreOptions {
  connectionString: string;
  pool?: Omit<PoolConfig, 'connectionString'>;
  /**
   * Run the migrations before the first use (default true): the event log's, and the
   * subscription checkpoints' (read models live in the same database unless told otherwise).
   */
  migrate?: boolean;
  /**
   * At most one NOTIFY per this many milliseconds (default 10): how late, at worst, subscribers
   * in other processes hear of this store's appends (those in this process hear at once). A
   * writer of many events that few others wait for, such as a gateway's access records, sets it
   * higher and spares itself, PostgreSQL and every listening process a wake-up per append.
   */
  notifyIntervalMs?: number;
}

export class PostgresEventStore implements EventStore {
  private readonly listeners = new Set<(hint: AppendedHint) => void>();
  private readonly listener: PgListener;
  private closed = false;
  private notifying: Promise<void> | undefined;
  private notifyAgain = false;
  /** Streams and types appended here since the last NOTIFY went out. */
  private unannounced = { streams: new Set<string>(), types: new Set<string>() };

  /** `connection`: the pool's settings, so the LISTEN connection is made the same way (TLS and all). */
  private constructor(
    readonly pool: Pool,
    connection: PoolConfig,
    private readonly notifyIntervalMs: number,
  ) {
    this.listener = new PgListener(connection, NOTIFY_CHANNEL, (payload) => this.wake(hintOf(payload)));
  }

  static async connect(options: PostgresEventStoreOptions): Promise<PostgresEventStore> {
    const connection: PoolConfig = { max: 10, ...POOL_SETTINGS, ...options.pool, connectionString: options.connectionString };
    const pool = new Pool(connection);
    // An idle client that loses its server must not crash the process; the next query reconnects.
    pool.on('error', () => {});
    if (options.migrate ?? true) {
      await migrate(pool, 'event_store', EVENT_LOG_MIGRATIONS);
      await migrate(pool, 'subscriptions', SUBSCRIPTION_MIGRATIONS);
    }
    return new PostgresEventStore(pool, connection, options.notifyIntervalMs ?? DEFAULT_NOTIFY_INTERVAL_MS);
  }

  async appendToStream(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    const prepared = prepareAppend(streamId, events, options);
    try {
      const { rows } = await this.pool.query<{
        event_id: string;
        stream_version: string;
        global_position: string;
        transaction_id: string;
        resent: boolean;
      }>(
        // Rows written by an earlier transaction are a re-send's: this one appended nothing.
        `select a.*, a.transaction_id is distinct from pg_current_xact_id_if_assigned()::text as resent
         from event_store.append_to_stream($1, $2, $3::uuid[], $4::text[], $5::jsonb[], $6::jsonb[]) a`,
        [
          streamId,
          String(options.expectedVersion),
          prepared.map((e) => e.eventId),
          prepared.map((e) => e.type),
          prepared.map((e) => JSON.stringify(e.data)),
          prepared.map((e) => JSON.stringify(e.metadata)),
        ],
      );
      const byId = new Map(rows.map((row) => [row.event_id, row]));
      const positions = prepared.map(({ eventId }) => {
        const row = byId.get(eventId)!;
        return { eventId, streamVersion: Number(row.stream_version), globalPosition: Number(row.global_position) };
      });
      const last = rows[rows.length - 1];
      if (!last.resent) this.announceAppend(streamId, prepared.map((e) => e.type));
      return {
        nextExpectedVersion: Math.max(...positions.map((p) => p.streamVersion)),
        positions,
        checkpoint: encodePostgresCheckpoint(last.transaction_id, last.global_position),
        resent: last.resent,
      };
    } catch (error) {
      const pgError = error as { code?: string; detail?: string; constraint?: string; message: string };
      if (pgError.code === 'SZ409') {
        const actual = pgError.detail === 'no-stream' ? 'no-stream' : Number(pgError.detail);
        throw new ConcurrencyConflict(streamId, options.expectedVersion, actual);
      }
      // Under a stricter default isolation than READ COMMITTED, a lost race surfaces as a
      // serialization failure or as the (stream, version) key: a conflict all the same.
      if (pgError.code === '40001' || pgError.constraint === 'events_stream_id_stream_version_key') {
        const { rows } = await this.pool.query<{ version: string }>(
          'select max(stream_version) as version from event_store.events where stream_id = $1 having count(*) > 0',
          [streamId],
        );
        throw new ConcurrencyConflict(streamId, options.expectedVersion, rows[0] ? Number(rows[0].version) : 'no-stream');
      }
      if (pgError.code === 'SZ422' || pgError.constraint === 'events_event_id_unique') {
        throw new InvalidEventInput(`append to ${streamId} refused: ${pgError.message}`);
      }
      throw error;
    }
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const { rows } = await this.pool.query<EventRow>(
      `select ${EVENT_COLUMNS} from event_store.events e
       where e.stream_id = $1
         and ($2::bigint is null or e.stream_version >= $2)
         and ($3::bigint is null or e.stream_version <= $3)
         and ($4::timestamptz is null or e.recorded_at <= $4)
       order by e.stream_version`,
      [streamId, options.fromVersion ?? null, options.untilVersion ?? null, options.untilTime ?? null],
    );
    return rows.map(toRecorded);
  }

  async readAll(options: ReadAllOptions): Promise<ReadAllResult> {
    if (!Number.isSafeInteger(options.limit) || options.limit < 1) {
      throw new InvalidEventInput(`readAll limit must be a whole number of at least 1; got ${options.limit}`);
    }
    const after = options.after ? decodePostgresCheckpoint(options.after) : { transactionId: 0n, globalPosition: 0n };
    const { rows } = await this.pool.query<
      EventRow & { pending: boolean; head_transaction_id: string | null; head_position: string | null }
    >(
      // The horizon is read once, as a scalar, so that each use is an index condition (a join
      // with it would scan the whole log to test every row against it).
      `with horizon as (select pg_snapshot_xmin(pg_current_snapshot()) as xmin),
       pending as (
         -- Is a row of this reader's at or past the horizon? Only the newest rows past it are
         -- looked at, walking the key down from the end, so a reader of governance's events is
         -- not kept polling by the access records other transactions are always writing. Past
         -- PENDING_PROBE_ROWS such rows it answers yes without knowing, as it did for every reader before.
         select coalesce(bool_or(${passesFilters('beyond')}), false)
                or count(*) = ${PENDING_PROBE_ROWS} as pending
         from (select p.type, p.stream_id from event_store.events p
               where p.transaction_id >= (select xmin from horizon)
               order by p.transaction_id desc, p.global_position desc
               limit ${PENDING_PROBE_ROWS}) beyond),
       head as (
         select h.transaction_id::text as head_transaction_id, h.global_position as head_position
         from event_store.events h
         where h.transaction_id < (select xmin from horizon)
         order by h.transaction_id desc, h.global_position desc
         limit 1),
       page as (
         select ${EVENT_COLUMNS} from event_store.events e
         where (e.transaction_id, e.global_position) > ($1::text::xid8, $2::bigint)
           and e.transaction_id < (select xmin from horizon)
           and ${passesFilters('e')}
         order by e.transaction_id, e.global_position
         limit $5)
       select pending.pending, head.*, page.* from pending left join head on true left join page on true
       order by page.transaction_id::xid8, page.global_position`,
      [
        String(after.transactionId),
        String(after.globalPosition),
        options.types ?? null,
        options.streamPrefix === undefined ? null : likePrefix(options.streamPrefix),
        options.limit,
      ],
    );
    const [first] = rows;
    const events = rows.filter((row) => row.event_id !== null).map(toRecorded);
    const endOfLog = events.length < options.limit;
    if (!endOfLog) return { events, checkpoint: events[events.length - 1].checkpoint, endOfLog, pending: first.pending };
    // One statement, so one snapshot: a filtered reader that reached the end may skip straight
    // to the head of the readable log, past everything its filter passed over.
    const head =
      first.head_transaction_id !== null ? encodePostgresCheckpoint(first.head_transaction_id, first.head_position!) : undefined;
    const furthest = [options.after, head].filter((c): c is Checkpoint => c !== undefined);
    const checkpoint = furthest.sort((a, b) => this.compareCheckpoints(a, b)).pop();
    return { events, checkpoint, endOfLog, pending: first.pending };
  }

  async head(): Promise<Checkpoint | undefined> {
    // Below the horizon, as readAll's head: an event of a transaction still open is not readable yet.
    // Ordered by the columns themselves: the text of the transaction id would sort 999 after 1003.
    const { rows } = await this.pool.query<{ transaction: string; position: string }>(
      `select e.transaction_id::text as transaction, e.global_position as position from event_store.events e
       where e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
       order by e.transaction_id desc, e.global_position desc limit 1`,
    );
    return rows[0] && encodePostgresCheckpoint(rows[0].transaction, rows[0].position);
  }

  onAppended(listener: (hint: AppendedHint) => void): () => void {
    this.listeners.add(listener);
    this.listener.start();
    return () => {
      this.listeners.delete(listener);
    };
  }

  compareCheckpoints(a: Checkpoint, b: Checkpoint): number {
    const x = decodePostgresCheckpoint(a);
    const y = decodePostgresCheckpoint(b);
    if (x.transactionId !== y.transactionId) return x.transactionId < y.transactionId ? -1 : 1;
    if (x.globalPosition !== y.globalPosition) return x.globalPosition < y.globalPosition ? -1 : 1;
    return 0;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.notifying;
    this.listeners.clear();
    await this.listener.close();
    await this.pool.end();
  }

  /**
   * Tells listeners here at once and in other processes through NOTIFY, sent after the append
   * committed, at most one in flight and at most one per `notifyIntervalMs`: a NOTIFY inside the
   * append would take PostgreSQL's notification lock at commit and serialise every writer's
   * commit behind it, and one per append would cost busy writers a tenth of their throughput.
   * A subscriber elsewhere hears of an append within that interval; a lost one, at its next poll.
   * The payload lists the streams and types appended since the last one, so that readers of
   * others (every projection, while the gateways append access records) stay asleep.
   */
  private announceAppend(streamId: string, types: readonly string[]): void {
    this.wake({ streams: new Set([streamId]), types: new Set(types) });
    this.unannounced.streams.add(streamId);
    for (const type of types) this.unannounced.types.add(type);
    if (this.notifying) {
      this.notifyAgain = true;
      return;
    }
    this.notifyOthers();
  }

  private notifyOthers(): void {
    const payload = JSON.stringify({ streams: [...this.unannounced.streams], types: [...this.unannounced.types] });
    this.unannounced = { streams: new Set(), types: new Set() };
    const started = Date.now();
    this.notifying = this.pool
      // Past PostgreSQL's 8000-byte payload limit, an empty payload: "anything may have come".
      .query('select pg_notify($1, $2)', [NOTIFY_CHANNEL, payload.length < MAX_NOTIFY_PAYLOAD ? payload : ''])
      .then(
        () => undefined,
        () => undefined, // Subscribers poll as well: a lost notification only delays them.
      )
      .then(() => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, this.notifyIntervalMs - (Date.now() - started)))))
      .finally(() => {
        this.notifying = undefined;
        if (this.notifyAgain && !this.closed) {
          this.notifyAgain = false;
          this.notifyOthers();
        }
      });
  }

  private wake(hint: AppendedHint): void {
    for (const listener of this.listeners) listener(hint);
  }
}
