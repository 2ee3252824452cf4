import {
  ANY,
  BACKWARDS,
  END,
  NO_STREAM,
  START,
  KurrentDBClient,
  StreamNotFoundError,
  WrongExpectedVersionError,
  eventTypeFilter,
  excludeSystemEvents,
  jsonEvent,
  streamNameFilter,
  type AllStreamSubscription,
  type AppendStreamState,
  type CurrentStreamState,
  type Filter,
  type JSONType,
  type Position,
  type ReadStreamOptions as KurrentReadStreamOptions,
} from '@kurrent/kurrentdb-client';
import type {
  AppendedHint,
  AppendOptions,
  AppendResult,
  Checkpoint,
  EventMetadata,
  EventStore,
  ExpectedVersion,
  NewEvent,
  ReadAllOptions,
  ReadAllResult,
  ReadStreamOptions,
  RecordedEvent,
} from '../event-store.js';
import { ConcurrencyConflict, InvalidEventInput } from '../errors.js';
import { prepareAppend, type PreparedEvent } from '../prepare-events.js';

const RESUBSCRIBE_DELAY_MS = 1_000;

/** What the server sends for a `$all` position it does not know (servers before 22.6). */
const NO_POSITION = 2n ** 64n - 1n;

/** The part of the client's recorded event that the envelope is made from (stream and `$all` reads alike). */
interface StoredEvent {
  id: string;
  streamId: string;
  revision: bigint;
  type: string;
  created: Date;
  isJson: boolean;
  data: unknown;
  metadata: unknown;
  position?: Position;
}

/** `<commit>:<prepare>`: the two halves of a `$all` position, both unsigned 64-bit. */
export const encodeKurrentCheckpoint = (position: Position) => `${position.commit}:${position.prepare}` as Checkpoint;

export const decodeKurrentCheckpoint = (checkpoint: Checkpoint): Position => {
  const match = /^(\d+):(\d+)$/.exec(checkpoint);
  if (!match) throw new InvalidEventInput(`"${checkpoint}" is not a checkpoint of the KurrentDB event store`);
  return { commit: BigInt(match[1]), prepare: BigInt(match[2]) };
};

/** `$all` order: by commit position, then by prepare position. */
export const comparePositions = (a: Position, b: Position): number => {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
};

export const toStreamState = (expected: ExpectedVersion): AppendStreamState => {
  if (expected === 'any') return ANY;
  if (expected === 'no-stream') return NO_STREAM;
  return BigInt(expected);
};

/** A negative revision is how the server reports a deleted stream: there is no version to expect. */
export const toActualVersion = (state: CurrentStreamState): number | 'no-stream' =>
  state === NO_STREAM || state < 0n ? 'no-stream' : Number(state);

/** Event types and stream ids starting with `$` belong to KurrentDB itself (projections, metadata, links). */
export const isSystemEvent = (event: { type: string; streamId: string }): boolean =>
  event.type.startsWith('$') || event.streamId.startsWith('$');

export const matchesReadAll = (
  event: { type: string; streamId: string },
  { types, streamPrefix }: Pick<ReadAllOptions, 'types' | 'streamPrefix'>,
): boolean =>
  !isSystemEvent(event) &&
  (types === undefined || types.includes(event.type)) &&
  (streamPrefix === undefined || event.streamId.startsWith(streamPrefix));

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The narrowest filter the server can apply for a global read. It takes one filter only (on the
 * event type or on the stream name), so with both `types` and `streamPrefix` the types go to the
 * server and `matchesReadAll` applies the rest; it always runs, so the server filter only has to
 * be at least as wide as the request.
 */
export const serverFilterFor = ({ types, streamPrefix }: Pick<ReadAllOptions, 'types' | 'streamPrefix'>): Filter => {
  // The server matches a type regex anywhere in the name: anchor it so that it means "one of".
  if (types !== undefined && types.length > 0) {
    return eventTypeFilter({ regex: `^(?:${types.map(escapeRegex).join('|')})$` });
  }
  if (streamPrefix) return streamNameFilter({ prefixes: [streamPrefix] });
  return excludeSystemEvents();
};

const positionOf = (event: StoredEvent): Position => {
  if (!event.position || event.position.commit === NO_POSITION) {
    throw new Error(
      `KurrentDB gave no $all position for event ${event.id} of stream ${event.streamId}: ` +
        'this store needs EventStoreDB 22.6 or later, and events written outside explicit transactions',
    );
  }
  return event.position;
};

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);

/** Events this store writes are JSON with our metadata; anything else was written around it. */
const writtenByUs = (event: StoredEvent): boolean => event.isJson && isPlainObject(event.metadata);

const toRecorded = (event: StoredEvent): RecordedEvent => {
  if (!writtenByUs(event)) {
    throw new Error(
      `event ${event.id} of stream ${event.streamId} was not written by this event store (not JSON with metadata)`,
    );
  }
  const position = positionOf(event);
  return {
    eventId: event.id.toLowerCase(),
    streamId: event.streamId,
    streamVersion: Number(event.revision),
    globalPosition: Number(position.commit),
    checkpoint: encodeKurrentCheckpoint(position),
    type: event.type,
    data: event.data,
    metadata: event.metadata as unknown as EventMetadata,
    recordedAt: event.created,
  };
};

/** Stream versions are whole numbers; anything else is refused rather than rounded. */
const wholeVersion = (name: string, value: number | undefined): number | undefined => {
  if (value === undefined || Number.isSafeInteger(value)) return value;
  throw new InvalidEventInput(`readStream ${name} must be a whole number; got ${value}`);
};

/** The first stored event for each of `ids`: a stream may hold an id twice (see `appendToStream`). */
const firstById = (stored: readonly StoredEvent[], ids: ReadonlySet<string>): Map<string, StoredEvent> => {
  const found = new Map<string, StoredEvent>();
  for (const event of stored) {
    const id = event.id.toLowerCase();
    if (ids.has(id) && !found.has(id)) found.set(id, event);
  }
  return found;
};

/** The result of the append that wrote `prepared`, from the stored events; all must be found. */
const appendResultOf = (prepared: readonly PreparedEvent[], found: ReadonlyMap<string, StoredEvent>, resent: boolean): AppendResult => {
  const stored = prepared.map(({ eventId }) => found.get(eventId)!);
  const last = stored.reduce((a, b) => (comparePositions(positionOf(a), positionOf(b)) >= 0 ? a : b));
  return {
    nextExpectedVersion: Math.max(...stored.map((event) => Number(event.revision))),
    positions: stored.map((event) => ({
      eventId: event.id.toLowerCase(),
      streamVersion: Number(event.revision),
      globalPosition: Number(positionOf(event).commit),
    })),
    checkpoint: encodeKurrentCheckpoint(positionOf(last)),
    resent,
  };
};

/**
 * The event log on KurrentDB (or EventStoreDB 22.6+, same protocol). Stream versions are
 * KurrentDB revisions; the global log is `$all`, and a checkpoint is a `$all` position.
 *
 * Reads go through the client's native bridge, appends and the live subscription through gRPC:
 * the connection string must lead both to the leader (the default node preference), because an
 * append is read back at once.
 */
export class KurrentDbEventStore implements EventStore {
  private readonly listeners = new Set<(hint: AppendedHint) => void>();
  private subscription: AllStreamSubscription | undefined;
  private resubscribeTimer: NodeJS.Timeout | undefined;
  private notifyScheduled = false;
  private closed = false;

  constructor(readonly client: KurrentDBClient) {}

  /** `connectionString` as KurrentDB clients take it, e.g. `kurrentdb://localhost:2113?tls=false`. */
  static connect(connectionString: string): KurrentDbEventStore {
    return new KurrentDbEventStore(KurrentDBClient.connectionString(connectionString));
  }

  /**
   * KurrentDB deduplicates event ids only where its commit check looks: at the revisions right
   * after the expected version, and, for `any`, in a cache of recent ids. A re-send expecting the
   * stream's current version (a command retried after its first append landed) would be written
   * a second time. So with a numeric expected version, or `no-stream`, the stream is first
   * searched for the ids, as the PostgreSQL store does before it writes; the caller has just read
   * that stream (or expects none), so this costs at most as much again, and it tells a re-send
   * (`resent`) for certain. With `any` the store does not read the stream (such streams can be
   * long) and relies on KurrentDB's best effort; a re-send KurrentDB recognises there reads back
   * as appended now. Ids are unique per stream here, not across streams: KurrentDB keeps no index
   * by event id.
   */
  async appendToStream(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    const prepared = prepareAppend(streamId, events, options);
    const expected = options.expectedVersion;
    if (expected !== 'any') {
      const earlier = await this.findAppended(streamId, prepared);
      if (earlier) return earlier;
    }
    let nextRevision: bigint;
    try {
      const result = await this.client.appendToStream(
        streamId,
        prepared.map((event) =>
          jsonEvent({
            id: event.eventId,
            type: event.type,
            // prepareAppend has checked that data is JSON; the client writes any JSON value with
            // JSON.stringify, though its type names only objects, arrays and strings.
            data: event.data as JSONType,
            metadata: { ...event.metadata },
          }),
        ),
        { streamState: toStreamState(expected) },
      );
      // Only a connection string with throwOnAppendFailure=false reports a conflict this way, and
      // then with an unreliable revision: ask the stream.
      if (!result.success) return await this.conflict(streamId, prepared, expected, undefined);
      nextRevision = result.nextExpectedRevision;
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        return await this.conflict(streamId, prepared, expected, toActualVersion(error.actualState));
      }
      throw error;
    }
    return this.readBack(streamId, prepared, nextRevision);
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const from = Math.max(0, wholeVersion('fromVersion', options.fromVersion) ?? 0);
    const until = wholeVersion('untilVersion', options.untilVersion);
    if (until !== undefined && until < from) return [];
    const stored = await this.readStoredStream(streamId, {
      fromRevision: BigInt(from),
      ...(until === undefined ? {} : { maxCount: until - from + 1 }),
    });
    const untilTime = options.untilTime?.getTime();
    return stored.filter((event) => untilTime === undefined || event.created.getTime() <= untilTime).map(toRecorded);
  }

  /**
   * Filters run on the server where it can (see `serverFilterFor`), so non-matching events are
   * not sent, but then the last event returned is not where the scan stopped. A read that
   * reaches the end of the log therefore moves the checkpoint to the head of `$all` as it was
   * before the read started: every event up to it was scanned, and a filtered reader does not
   * rescan the same stretch of log after every append.
   */
  async readAll(options: ReadAllOptions): Promise<ReadAllResult> {
    if (!Number.isSafeInteger(options.limit) || options.limit < 1) {
      throw new InvalidEventInput(`readAll limit must be a whole number of at least 1; got ${options.limit}`);
    }
    const after = options.after === undefined ? undefined : decodeKurrentCheckpoint(options.after);
    // Read first, so that the page below (on the same node) covers everything up to it.
    const head = await this.headPosition();
    // A read of $all from a position includes the event at that position (unlike a
    // subscription): ask for one more, and drop what is not after `after`.
    const maxCount = options.limit + (after ? 1 : 0);
    let returned = 0;
    const scanned: StoredEvent[] = [];
    for await (const resolved of this.client.readAll({
      fromPosition: after ?? START,
      maxCount,
      filter: serverFilterFor(options),
      requiresLeader: true,
    })) {
      returned++;
      if (resolved.event && (!after || comparePositions(resolved.event.position, after) > 0)) {
        scanned.push(resolved.event);
      }
    }
    // The server stops at maxCount or at the end of the log, whichever comes first.
    const endOfLog = returned < maxCount;
    const page = scanned.slice(0, options.limit);
    // Another tool's events in $all are passed over, not fatal: one must not stall every reader.
    const events = page.filter((event) => matchesReadAll(event, options) && writtenByUs(event)).map(toRecorded);
    let checkpoint = page.length > 0 ? encodeKurrentCheckpoint(positionOf(page[page.length - 1])) : options.after;
    if (endOfLog && head && (!checkpoint || comparePositions(head, decodeKurrentCheckpoint(checkpoint)) > 0)) {
      checkpoint = encodeKurrentCheckpoint(head);
    }
    // KurrentDB gives $all positions at commit, so nothing committed is ever unreadable.
    return { events, checkpoint, endOfLog, pending: false };
  }

  async head(): Promise<Checkpoint | undefined> {
    const head = await this.headPosition();
    return head && encodeKurrentCheckpoint(head);
  }

  /**
   * One live subscription to the end of `$all` serves every listener; it starts with the first
   * and stops with the last. Listeners are woken when it is confirmed and when it breaks, as well
   * as for each event: an event appended before the confirmation, or while it was down, came with
   * no wake-up, and a woken reader looks for itself.
   */
  onAppended(listener: (hint: AppendedHint) => void): () => void {
    this.listeners.add(listener);
    if (!this.subscription && !this.resubscribeTimer) this.subscribe();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) void this.unsubscribe();
    };
  }

  compareCheckpoints(a: Checkpoint, b: Checkpoint): number {
    return comparePositions(decodeKurrentCheckpoint(a), decodeKurrentCheckpoint(b));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    await this.unsubscribe();
    await this.client.dispose();
  }

  /**
   * After a refused append: if these events are already in the stream (an idempotent re-send
   * that KurrentDB's check did not recognise), the original result; if some are, a refusal;
   * otherwise the conflict.
   */
  private async conflict(
    streamId: string,
    prepared: readonly PreparedEvent[],
    expected: ExpectedVersion,
    actual: number | 'no-stream' | undefined,
  ): Promise<AppendResult> {
    const earlier = await this.findAppended(streamId, prepared);
    if (earlier) return earlier;
    throw new ConcurrencyConflict(streamId, expected, actual ?? (await this.currentVersion(streamId)));
  }

  /**
   * Positions come from reading the appended revisions back, never from the append's reply: for
   * an idempotent re-send KurrentDB answers with the original revisions but not reliably with
   * their positions, and even for a new append it reports one position for the whole batch. The
   * revisions `next - n + 1 .. next` hold these events whether they were written now or before.
   */
  private async readBack(streamId: string, prepared: readonly PreparedEvent[], next: bigint): Promise<AppendResult> {
    const ids = new Set(prepared.map((event) => event.eventId));
    const first = next - BigInt(prepared.length - 1);
    if (first >= 0n) {
      const stored = await this.readStoredStream(streamId, {
        fromRevision: first,
        maxCount: prepared.length,
        requiresLeader: true,
      });
      const found = firstById(stored, ids);
      if (found.size === ids.size) return appendResultOf(prepared, found, false);
    }
    // Not where the reply said: KurrentDB recognised the ids elsewhere in the stream.
    const earlier = await this.findAppended(streamId, prepared);
    if (earlier) return earlier;
    throw new Error(`appended to ${streamId} at revision ${next}, but the events are not in the stream`);
  }

  /** The original result if every one of these events is already in the stream; undefined if none is. */
  private async findAppended(streamId: string, prepared: readonly PreparedEvent[]): Promise<AppendResult | undefined> {
    const ids = new Set(prepared.map((event) => event.eventId));
    const found = firstById(await this.readStoredStream(streamId, { requiresLeader: true }), ids);
    if (found.size === 0) return undefined;
    if (found.size < ids.size) {
      throw new InvalidEventInput(
        `append to ${streamId} refused: some of these event ids were already written, others not`,
      );
    }
    return appendResultOf(prepared, found, true);
  }

  private async currentVersion(streamId: string): Promise<number | 'no-stream'> {
    const [last] = await this.readStoredStream(streamId, {
      direction: BACKWARDS,
      fromRevision: END,
      maxCount: 1,
      requiresLeader: true,
    });
    return last ? Number(last.revision) : 'no-stream';
  }

  /** A stream's events; none for a stream that does not exist. */
  private async readStoredStream(streamId: string, options: KurrentReadStreamOptions): Promise<StoredEvent[]> {
    const stored: StoredEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(streamId, options)) {
        if (resolved.event) stored.push(resolved.event);
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return stored;
  }

  /** The position of the last event in `$all`, system events included; undefined for an empty log. */
  private async headPosition(): Promise<Position | undefined> {
    for await (const resolved of this.client.readAll({
      direction: BACKWARDS,
      fromPosition: END,
      maxCount: 1,
      requiresLeader: true,
    })) {
      return resolved.event?.position;
    }
    return undefined;
  }

  private subscribe(): void {
    this.resubscribeTimer = undefined;
    if (this.closed || this.listeners.size === 0) return;
    const subscription = this.client.subscribeToAll({ fromPosition: END, filter: excludeSystemEvents() });
    this.subscription = subscription;
    // A stopped subscription may still emit; only the current one counts. The handlers stay
    // attached so that a late 'error' always has a listener and cannot crash the process.
    const broken = () => {
      if (this.subscription !== subscription) return;
      this.subscription = undefined;
      void subscription.unsubscribe().catch(() => {});
      this.notify();
      if (!this.closed && this.listeners.size > 0) {
        this.resubscribeTimer = setTimeout(() => this.subscribe(), RESUBSCRIBE_DELAY_MS);
      }
    };
    subscription.on('confirmation', () => {
      if (this.subscription === subscription) this.notify();
    });
    subscription.on('data', () => {
      if (this.subscription === subscription) this.notify();
    });
    subscription.on('error', broken);
    subscription.on('end', broken);
    subscription.on('close', broken);
  }

  private async unsubscribe(): Promise<void> {
    clearTimeout(this.resubscribeTimer);
    this.resubscribeTimer = undefined;
    const subscription = this.subscription;
    this.subscription = undefined;
    await subscription?.unsubscribe().catch(() => {});
  }

  /** Folds a burst of events into one wake-up per turn of the event loop: it is a hint, not a delivery. */
  private notify(): void {
    if (this.notifyScheduled) return;
    this.notifyScheduled = true;
    setImmediate(() => {
      this.notifyScheduled = false;
      for (const listener of [...this.listeners]) listener({});
    });
  }
}
