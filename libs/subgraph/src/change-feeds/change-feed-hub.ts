import type { Checkpoint, EventStore, RecordedEvent } from '@shuzhi/event-store';
import { logger } from '@shuzhi/observability';
import { ValidationFailed, type Decider } from '@shuzhi/shared-kernel';
import { apiError } from '../errors.js';
import type { ChangeKind } from './change-models.js';

/** One change of an entity: where it is in the log, what it did, and the entity right after it. */
export interface Change<Entity> {
  /** The log position of the event: `after: cursor` resumes after this change. */
  cursor: string;
  kind: ChangeKind;
  occurredAt: Date;
  entity: Entity | null;
}

/** What a subgraph feeds: the events that change one entity type, and the entity after each. */
export interface ChangeFeedSource<Entity> {
  /** The subscription's name, for logs. */
  name: string;
  streamPrefix: string;
  types: readonly string[];
  kindOf(event: RecordedEvent): ChangeKind;
  /** The entity right after each of `events`, all of one stream and in version order. */
  entitiesAfter(streamId: string, events: readonly RecordedEvent[]): Promise<Array<Entity | null>>;
}

/**
 * `entitiesAfter` for an aggregate: its stream read once up to the last of the events and folded
 * with its decider, taking the state after each.
 */
export const foldedEntities =
  <Event extends { type: string; data: unknown }, State, Entity>(
    store: EventStore,
    decider: Pick<Decider<unknown, Event, State>, 'initialState' | 'evolve'>,
    entityOf: (state: State, version: number) => Entity | null,
  ) =>
  async (streamId: string, events: readonly RecordedEvent[]): Promise<Array<Entity | null>> => {
    const wanted = new Set(events.map((e) => e.streamVersion));
    const history = await store.readStream(streamId, { untilVersion: events[events.length - 1].streamVersion });
    const after = new Map<number, Entity | null>();
    let state = decider.initialState;
    for (const recorded of history) {
      state = decider.evolve(state, recorded as unknown as Event);
      if (wanted.has(recorded.streamVersion)) after.set(recorded.streamVersion, entityOf(state, recorded.streamVersion));
    }
    return events.map((e) => after.get(e.streamVersion) ?? null);
  };

export interface ChangeFeedOptions {
  /** Changes kept in memory for subscribers that are live. */
  ringSize?: number;
  /**
   * How many changes a live subscriber may fall behind before it is cut (the error carries the
   * cursor to resume from). Below `ringSize`, so a live subscriber is cut before the ring forgets
   * what it has yet to read.
   */
  maxLag?: number;
  /** Events read from the log at a time. */
  pageSize?: number;
  /** A read when no append was heard of, in case a notification was lost. */
  pollIntervalMs?: number;
}

/** The error that ends a subscriber's stream when it fell too far behind: resume after `cursor`. */
export const feedCut = (cursor: string | undefined, maxLag: number) =>
  apiError(
    'QUOTA_EXCEEDED',
    `this change feed fell more than ${maxLag} changes behind the log: it is cut so that others are not slowed; subscribe again with after: extensions.cursor`,
    { cursor: cursor ?? FEED_ORIGIN },
  );

const MAX_CURSOR_LENGTH = 64;

/** The cursor before every change: `after: "0"` reads a feed from the beginning of the log. */
export const FEED_ORIGIN = '0';

interface Waiter {
  resolve: () => void;
}

/**
 * One reader of the log per feed and process, for every subscriber: it follows the log from its
 * head (woken by append notifications) and keeps the latest changes, each with its entity folded
 * once, in a ring that subscribers read at their own pace. A subscriber that asks from an older
 * cursor catches up from the log page by page first, then reads the ring; nothing is skipped and
 * nothing comes twice, since each reads strictly after its own last position. A live subscriber
 * that falls `maxLag` changes behind is cut with the cursor to resume from: the ring is bounded,
 * and a slow consumer never holds the others back.
 */
export class ChangeFeedHub<Entity> {
  private readonly ringSize: number;
  private readonly maxLag: number;
  private readonly pageSize: number;
  private readonly pollIntervalMs: number;
  private ring: Array<Change<Entity>> = [];
  /** The ring holds every change after this position (undefined: since the log began). */
  private ringFrom: Checkpoint | undefined;
  /** Where the hub has read to. */
  private position: Checkpoint | undefined;
  private starting: Promise<void> | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private appended = false;
  private wake: (() => void) | undefined;
  private unlisten: (() => void) | undefined;
  private waiters = new Set<Waiter>();

  constructor(
    private readonly store: EventStore,
    private readonly source: ChangeFeedSource<Entity>,
    options: ChangeFeedOptions = {},
  ) {
    this.ringSize = options.ringSize ?? 4_096;
    this.maxLag = options.maxLag ?? 1_024;
    this.pageSize = options.pageSize ?? 256;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    if (this.maxLag >= this.ringSize) throw new RangeError('a feed\'s maxLag must be below its ring size');
  }

  /**
   * The changes after `after` (a cursor; `FEED_ORIGIN` for the beginning of the log; undefined
   * for from now on, which is fixed when this resolves), for as long as the caller reads. A
   * malformed cursor, or one ahead of the log (no change carried it: waiting for the log to reach
   * it would pass every change until then without a word), is refused (VALIDATION_FAILED) before
   * anything is read.
   */
  async subscribe(after: string | undefined): Promise<AsyncIterableIterator<Change<Entity>>> {
    const from = after === undefined || after === FEED_ORIGIN ? undefined : this.checkpointOf(after);
    await this.ready();
    if (from !== undefined) {
      const head = await this.store.head();
      if (head === undefined || this.compare(from, head) > 0) {
        throw new ValidationFailed(`"${from}" is ahead of the log: no change has carried it; give one a change carried, or "${FEED_ORIGIN}" for the beginning`, { field: 'after' });
      }
    }
    return new FeedReader(this, after === undefined ? this.position : from);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unlisten?.();
    this.wake?.();
    for (const waiter of this.waiters) waiter.resolve();
    await this.running;
  }

  /** Starts the log reader once, at the head of the log. */
  ready(): Promise<void> {
    this.starting ??= (async () => {
      this.position = await this.store.head();
      this.ringFrom = this.position;
      this.unlisten = this.store.onAppended(({ types, streams }) => {
        if (types && !this.source.types.some((t) => types.has(t))) return;
        if (streams && ![...streams].some((s) => s.startsWith(this.source.streamPrefix))) return;
        this.appended = true;
        this.wake?.();
      });
      this.running = this.follow();
    })();
    return this.starting;
  }

  /** @internal The next step of a reader at `position`: changes to hand out, a wait, or a cut. */
  async step(position: Checkpoint | undefined, live: boolean): Promise<{ changes: Array<Change<Entity>>; position: Checkpoint | undefined; live: boolean } | 'wait' | 'end'> {
    if (this.stopped) return 'end';
    const covered = this.ringFrom === undefined || (position !== undefined && this.compare(position, this.ringFrom) >= 0);
    if (covered) {
      const index = this.firstAfter(position);
      const behind = this.ring.length - index;
      if (live || behind <= this.maxLag) {
        if (behind > this.maxLag) throw feedCut(position, this.maxLag);
        if (behind === 0) return 'wait';
        const change = this.ring[index];
        return { changes: [change], position: change.cursor as Checkpoint, live: true };
      }
    } else if (live) {
      throw feedCut(position, this.maxLag);
    }
    // Behind the ring (or too far behind in it to go live): a page from the log.
    const page = await this.store.readAll({ after: position, types: this.source.types, streamPrefix: this.source.streamPrefix, limit: this.pageSize });
    const next = page.checkpoint ?? position;
    if (page.events.length === 0 && next === position) return 'wait';
    return { changes: await this.changesOf(page.events), position: next, live: false };
  }

  /** @internal Resolves at the next change of the ring (or when the hub stops). */
  nextChange(): { promise: Promise<void>; cancel: () => void } {
    let waiter!: Waiter;
    const promise = new Promise<void>((resolve) => {
      waiter = { resolve };
      this.waiters.add(waiter);
    });
    return { promise, cancel: () => (this.waiters.delete(waiter), waiter.resolve()) };
  }

  private async follow(): Promise<void> {
    while (!this.stopped) {
      this.appended = false;
      let endOfLog = true;
      let pending = false;
      try {
        const page = await this.store.readAll({ after: this.position, types: this.source.types, streamPrefix: this.source.streamPrefix, limit: this.pageSize });
        const changes = await this.changesOf(page.events);
        if (changes.length > 0) {
          this.ring.push(...changes);
          const over = this.ring.length - this.ringSize;
          if (over > 0) {
            this.ringFrom = this.ring[over - 1].cursor as Checkpoint;
            this.ring.splice(0, over);
          }
        }
        this.position = page.checkpoint ?? this.position;
        endOfLog = page.endOfLog;
        pending = page.pending;
        if (changes.length > 0) {
          const waiting = this.waiters;
          this.waiters = new Set();
          for (const waiter of waiting) waiter.resolve();
        }
      } catch (error) {
        logger().error({ err: error, feed: this.source.name }, 'a change feed could not read the log; it tries again');
        pending = true;
      }
      if (!endOfLog || this.appended) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pending ? 50 : this.pollIntervalMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  /** The changes of a page of events, each stream's entities folded with one read of it. */
  private async changesOf(events: readonly RecordedEvent[]): Promise<Array<Change<Entity>>> {
    const byStream = new Map<string, RecordedEvent[]>();
    for (const event of events) byStream.set(event.streamId, [...(byStream.get(event.streamId) ?? []), event]);
    const entities = new Map<RecordedEvent, Entity | null>();
    const streams = [...byStream];
    // A few streams at a time: a page of many streams must not take every pooled connection.
    for (let i = 0; i < streams.length; i += 8) {
      await Promise.all(
        streams.slice(i, i + 8).map(async ([streamId, ofStream]) => {
          const after = await this.source.entitiesAfter(streamId, ofStream);
          ofStream.forEach((event, n) => entities.set(event, after[n]));
        }),
      );
    }
    return events.map((event) => ({
      cursor: event.checkpoint,
      kind: this.source.kindOf(event),
      occurredAt: event.recordedAt,
      entity: entities.get(event) ?? null,
    }));
  }

  /** The index of the first change of the ring after `position`. */
  private firstAfter(position: Checkpoint | undefined): number {
    if (position === undefined) return 0;
    let low = 0;
    let high = this.ring.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.compare(this.ring[middle].cursor as Checkpoint, position) <= 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  private compare(a: Checkpoint, b: Checkpoint): number {
    return this.store.compareCheckpoints(a, b);
  }

  private checkpointOf(cursor: string): Checkpoint {
    try {
      // A log position is two 64-bit numbers at most; a longer text is not one, whatever its digits.
      if (cursor.length > MAX_CURSOR_LENGTH) throw new RangeError('too long');
      this.store.compareCheckpoints(cursor as Checkpoint, cursor as Checkpoint);
    } catch {
      throw new ValidationFailed(`"${cursor.slice(0, 64)}" is not a cursor of this feed: give one a change carried, or "${FEED_ORIGIN}" for the beginning`, { field: 'after' });
    }
    return cursor as Checkpoint;
  }
}

/**
 * One subscriber: reads strictly after its own position. `return()` ends it at once, even while
 * it waits for the next change (an async generator would only notice at its next change).
 */
class FeedReader<Entity> implements AsyncIterableIterator<Change<Entity>> {
  private live = false;
  private queue: Array<Change<Entity>> = [];
  private done = false;
  private cancelWait: (() => void) | undefined;

  constructor(
    private readonly hub: ChangeFeedHub<Entity>,
    /** Strictly after this (undefined: from the beginning of the log). */
    private position: Checkpoint | undefined,
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<Change<Entity>>> {
    while (!this.done) {
      const queued = this.queue.shift();
      if (queued) return { done: false, value: queued };
      // Registered before looking, so that a change landing meanwhile wakes us.
      const wait = this.hub.nextChange();
      this.cancelWait = wait.cancel;
      try {
        const step = await this.hub.step(this.position, this.live);
        if (step === 'end') break;
        if (step === 'wait') {
          await wait.promise;
          continue;
        }
        this.queue.push(...step.changes);
        this.position = step.position;
        this.live = step.live;
      } catch (error) {
        this.done = true;
        throw error;
      } finally {
        wait.cancel();
        this.cancelWait = undefined;
      }
    }
    this.done = true;
    return { done: true, value: undefined };
  }

  async return(): Promise<IteratorResult<Change<Entity>>> {
    this.done = true;
    this.queue = [];
    this.cancelWait?.();
    return { done: true, value: undefined };
  }
}
