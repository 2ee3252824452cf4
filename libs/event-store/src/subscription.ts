import pg, { type ClientConfig } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import type { PostgresDataSourceOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions.js';
import type { AppendedHint, Checkpoint, EventStore, RecordedEvent } from './event-store.js';
import { LOCK_NAMESPACE } from './postgres/migrations.js';

/** Applies one batch inside the transaction that also advances the checkpoint. */
export type SubscriptionHandler = (events: RecordedEvent[], tx: EntityManager) => Promise<void>;

export interface SubscriptionOptions {
  name: string;
  handler: SubscriptionHandler;
  batchSize?: number;
  types?: readonly string[];
  streamPrefix?: string;
  /** Fallback when a notification is lost; notifications normally wake the reader at once. */
  pollIntervalMs?: number;
  /** How often a standby replica tries to take the lock over. */
  lockRetryMs?: number;
  /** Told of a failed batch; the batch is retried after `pollIntervalMs`. */
  onError?: (error: unknown) => void;
  /** Runs each time this consumer takes the lead, before its first batch. */
  onLeadership?: () => Promise<void>;
}

interface LeaderTask {
  run: () => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** Thrown inside a batch when another consumer advanced the checkpoint first: we are not the leader. */
export class LostLeadership extends Error {
  override readonly name = 'LostLeadership';
}

/**
 * A catch-up-then-live subscription to the global log with at-least-once delivery: the
 * handler's writes and the new checkpoint commit in one transaction of the read-model
 * database, so a crash replays the uncommitted batch and never skips one.
 *
 * One live consumer per name: the consumer holds a session advisory lock on a connection of its
 * own; a standby keeps trying and takes over when that connection dies with its process. The
 * checkpoint update also compares the previous value, so even two consumers that both believe
 * they lead (a partitioned one whose lock was already lost) can never both apply a batch.
 */
export class Subscription {
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly lockRetryMs: number;
  private stopping = false;
  /** Ends a sleep that waits for news (an append, a leader task, a lost lock). */
  private wakeForNews: (() => void) | undefined;
  /** Ends any sleep: the subscription is stopping. */
  private wakeForStop: (() => void) | undefined;
  /** Set by a notification, cleared before each read: one that lands mid-read is not lost. */
  private appended = false;
  private lockClient: pg.Client | undefined;
  /**
   * A standby's connection, kept from one attempt to the next: a new one every retry would cost
   * PostgreSQL a backend and both sides an authentication each time, for as long as it waits.
   */
  private standbyClient: pg.Client | undefined;
  private running: Promise<void> | undefined;
  private position: Checkpoint | undefined;
  private readonly progressWaiters = new Set<() => void>();
  private readonly leaderTasks: LeaderTask[] = [];
  private attempts = 0;

  constructor(
    private readonly store: EventStore,
    private readonly dataSource: DataSource,
    private readonly options: SubscriptionOptions,
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.lockRetryMs = options.lockRetryMs ?? 1_000;
  }

  get name(): string {
    return this.options.name;
  }

  /** The checkpoint of the last committed batch, as this consumer knows it. */
  get checkpoint(): Checkpoint | undefined {
    return this.position;
  }

  /** Starts consuming in the background (as leader or standby); `stop()` ends it. */
  start(): void {
    this.stopping = false;
    this.running ??= this.run().finally(() => {
      this.running = undefined;
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeForStop?.();
    await this.running;
  }

  /**
   * How far the committed checkpoint (whoever leads) is behind the readable log: the events this
   * subscription has yet to apply, counted up to `limit` (so "at least"), and the age in seconds
   * of the oldest of them. A standby can answer too, which is what a metrics scrape of any
   * replica needs.
   */
  lag(limit?: number): Promise<SubscriptionLag> {
    return subscriptionLag(this.store, this.dataSource, this.options, limit);
  }

  /** How many times this consumer has tried to take the lead (for metrics and tests). */
  get lockAttempts(): number {
    return this.attempts;
  }

  /** Resolves once this consumer has committed everything up to `checkpoint` (tests, read-your-writes). */
  async waitFor(checkpoint: Checkpoint, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.position || this.store.compareCheckpoints(this.position, checkpoint) < 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`subscription ${this.name} did not reach ${checkpoint} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 100));
        this.progressWaiters.add(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /**
   * Runs `task` while this consumer leads and no batch is in flight, then resumes from the
   * checkpoint as stored (the task may have moved it). Waits for the lead if a standby.
   */
  runAsLeader<T>(task: () => Promise<T>): Promise<T> {
    if (!this.running || this.stopping) {
      return Promise.reject(new Error(`subscription ${this.name} is not running: start it first`));
    }
    return new Promise<T>((resolve, reject) => {
      this.leaderTasks.push({ run: task, resolve: resolve as (value: unknown) => void, reject });
      this.wakeForNews?.();
    });
  }

  /** Whether an append may hold events this reader reads: appends of access records, say, leave a projection asleep. */
  private mayRead({ streams, types }: AppendedHint): boolean {
    const { types: wanted, streamPrefix } = this.options;
    if (wanted && types && !wanted.some((type) => types.has(type))) return false;
    if (streamPrefix !== undefined && streams && ![...streams].some((stream) => stream.startsWith(streamPrefix))) return false;
    return true;
  }

  private async run(): Promise<void> {
    const unsubscribe = this.store.onAppended((hint) => {
      if (!this.mayRead(hint)) return;
      this.appended = true;
      this.wakeForNews?.();
    });
    try {
      while (!this.stopping) {
        if (!(await this.acquireLock())) {
          // A standby waits its turn whatever happens in the log.
          await this.sleep(this.lockRetryMs, 'stop');
          continue;
        }
        try {
          await this.consumeWhileLeader();
        } catch (error) {
          // Leading failed before any batch (the leadership hook): step down, then try again.
          this.options.onError?.(error);
          await this.releaseLock();
          await this.sleep(this.pollIntervalMs, 'stop');
        } finally {
          await this.releaseLock();
        }
      }
    } finally {
      unsubscribe();
      await this.dropStandbyClient();
      for (const task of this.leaderTasks.splice(0)) task.reject(new Error(`subscription ${this.name} stopped`));
    }
  }

  private async consumeWhileLeader(): Promise<void> {
    await this.options.onLeadership?.();
    this.position = await readCheckpoint(this.dataSource.manager, this.name);
    let pendingBackoff = PENDING_BACKOFF_MS;
    while (!this.stopping && this.lockClient) {
      try {
        await this.runLeaderTasks();
        this.appended = false;
        const page = await this.store.readAll({
          after: this.position,
          limit: this.batchSize,
          types: this.options.types,
          streamPrefix: this.options.streamPrefix,
        });
        if (page.checkpoint && page.checkpoint !== this.position) {
          await this.commitBatch(page.events, page.checkpoint);
        }
        if (!page.endOfLog) continue;
        if (page.pending) {
          // Appended but not yet readable (an older transaction is still open): its
          // notification is spent, so look again soon rather than at the next poll.
          await this.sleep(Math.min(pendingBackoff, this.pollIntervalMs), 'news');
          pendingBackoff = Math.min(pendingBackoff * 2, MAX_PENDING_BACKOFF_MS);
        } else {
          pendingBackoff = PENDING_BACKOFF_MS;
          await this.sleep(this.pollIntervalMs, 'news');
        }
      } catch (error) {
        if (error instanceof LostLeadership) return;
        this.options.onError?.(error);
        await this.sleep(this.pollIntervalMs, 'stop');
      }
    }
  }

  private async runLeaderTasks(): Promise<void> {
    if (this.leaderTasks.length === 0) return;
    for (let task = this.leaderTasks.shift(); task; task = this.leaderTasks.shift()) {
      await task.run().then(task.resolve, task.reject);
    }
    this.position = await readCheckpoint(this.dataSource.manager, this.name);
  }

  private async commitBatch(events: RecordedEvent[], next: Checkpoint): Promise<void> {
    const previous = this.position;
    await this.dataSource.transaction(async (tx) => {
      if (events.length > 0) await this.options.handler(events, tx);
      const advanced = await advanceCheckpoint(tx, this.name, previous, next);
      if (!advanced) throw new LostLeadership(`another consumer of ${this.name} moved its checkpoint`);
    });
    this.position = next;
    for (const waiter of this.progressWaiters) waiter();
    this.progressWaiters.clear();
  }

  private async acquireLock(): Promise<boolean> {
    this.attempts++;
    try {
      const client = (this.standbyClient ??= await this.connectLockClient());
      const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock($1, hashtext($2)) as locked', [
        LOCK_NAMESPACE.subscription,
        this.name,
      ]);
      if (!rows[0].locked) return false;
      this.standbyClient = undefined;
      if (this.stopping) {
        await client.end().catch(() => {});
        return false;
      }
      this.lockClient = client;
      return true;
    } catch (error) {
      this.options.onError?.(error);
      await this.dropStandbyClient();
      return false;
    }
  }

  private async connectLockClient(): Promise<pg.Client> {
    const client = new pg.Client(lockConnectionConfig(this.dataSource));
    client.on('error', () => {
      // The lock died with its connection: stop leading at once, and wake to notice.
      if (this.lockClient === client) this.lockClient = undefined;
      if (this.standbyClient === client) this.standbyClient = undefined;
      this.wakeForNews?.();
    });
    try {
      await client.connect();
      return client;
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
  }

  private async dropStandbyClient(): Promise<void> {
    const client = this.standbyClient;
    this.standbyClient = undefined;
    await client?.end().catch(() => {});
  }

  private async releaseLock(): Promise<void> {
    const client = this.lockClient;
    this.lockClient = undefined;
    // Ending the session releases its advisory locks.
    await client?.end().catch(() => {});
  }

  /** `'news'` sleeps end early on an append, a leader task or a lost lock; `'stop'` sleeps only on stop. */
  private sleep(ms: number, until: 'news' | 'stop'): Promise<void> {
    if (this.stopping) return Promise.resolve();
    if (until === 'news' && (this.appended || this.leaderTasks.length > 0)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeForNews = undefined;
        this.wakeForStop = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeForStop = done;
      if (until === 'news') this.wakeForNews = done;
    });
  }
}

const PENDING_BACKOFF_MS = 10;
const MAX_PENDING_BACKOFF_MS = 200;

/**
 * The lock's own connection, made like the DataSource's (URL or parts, TLS), with TCP
 * keepalives both ways: if the leader's host vanishes rather than its process, the server
 * notices within a minute and frees the lock for a standby, instead of after hours.
 */
const lockConnectionConfig = (dataSource: DataSource): ClientConfig => {
  const options = dataSource.options as PostgresDataSourceOptions;
  return {
    connectionString: options.url,
    host: options.host,
    port: options.port,
    user: options.username,
    password: typeof options.password === 'string' ? options.password : undefined,
    database: options.database,
    ssl: options.ssl as ClientConfig['ssl'],
    keepAlive: true,
    options: '-c tcp_keepalives_idle=10 -c tcp_keepalives_interval=5 -c tcp_keepalives_count=3',
  };
};

export interface SubscriptionLag {
  /** Events not yet applied, counted up to the limit asked for. */
  events: number;
  /** Age of the oldest of them, in seconds; 0 when caught up. */
  seconds: number;
}

/** The lag of the subscription of that name and filter, read from its stored checkpoint (see `Subscription.lag`). */
export const subscriptionLag = async (
  store: EventStore,
  dataSource: DataSource,
  subscription: Pick<SubscriptionOptions, 'name' | 'types' | 'streamPrefix'>,
  limit = 1_000,
): Promise<SubscriptionLag> => {
  const page = await store.readAll({
    after: await readCheckpoint(dataSource.manager, subscription.name),
    limit,
    types: subscription.types,
    streamPrefix: subscription.streamPrefix,
  });
  const oldest = page.events[0];
  return { events: page.events.length, seconds: oldest ? Math.max(0, (Date.now() - oldest.recordedAt.getTime()) / 1_000) : 0 };
};

export const readCheckpoint = async (tx: EntityManager, name: string): Promise<Checkpoint | undefined> => {
  const rows: Array<{ checkpoint: string | null }> = await tx.query(
    'select checkpoint from event_store.subscription_checkpoints where name = $1',
    [name],
  );
  return (rows[0]?.checkpoint ?? undefined) as Checkpoint | undefined;
};

/**
 * Compare-and-set: moves the checkpoint from `previous` to `next` and answers whether it did.
 * The row is created on the first batch.
 */
export const advanceCheckpoint = async (
  tx: EntityManager,
  name: string,
  previous: Checkpoint | undefined,
  next: Checkpoint,
): Promise<boolean> => {
  // Both are SELECTs over a data-modifying CTE, so the driver returns rows whatever the verb.
  const rows: Array<{ n: number }> =
    previous === undefined
      ? await tx.query(
          `with moved as (
             insert into event_store.subscription_checkpoints (name, checkpoint) values ($1, $2)
             on conflict (name) do update set checkpoint = excluded.checkpoint, updated_at = now()
               where event_store.subscription_checkpoints.checkpoint is null
             returning 1)
           select count(*)::int as n from moved`,
          [name, next],
        )
      : await tx.query(
          `with moved as (
             update event_store.subscription_checkpoints set checkpoint = $3, updated_at = now()
             where name = $1 and checkpoint = $2
             returning 1)
           select count(*)::int as n from moved`,
          [name, previous, next],
        );
  return rows[0].n === 1;
};
