/**
 * The event log's one interface. Three adapters implement it: PostgreSQL (the default,
 * embedded when no DATABASE_URL is set), KurrentDB/EventStoreDB, and in-memory (decider
 * unit tests only). The contract suite in `test/event-store.contract.ts` is what "implements"
 * means: every adapter must pass it.
 */

/** Who caused an event: the client of a department, acting in one role. */
export interface Actor {
  department: string;
  client: string;
  role: string;
}

/** Stored with every event; `correlationId` follows a request across services. */
export interface EventMetadata {
  correlationId: string;
  causationId: string | null;
  actor: Actor;
  occurredAt: string;
  schemaVersion: number;
}

/** An event as a command produces it. `type` is the stored contract, never a class name. */
export interface NewEvent<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
  /** Re-sending an event id is a no-op that returns the original positions. */
  eventId?: string;
  metadata?: Partial<EventMetadata>;
}

/**
 * A position in the global log. Opaque to callers: the PostgreSQL adapter encodes its
 * `(transaction_id, global_position)` pair, KurrentDB its `(commit, prepare)` pair. Positions
 * of one adapter compare with `compareCheckpoints`, never as strings.
 */
export type Checkpoint = string & { readonly __checkpoint: unique symbol };

export interface RecordedEvent<Type extends string = string, Data = unknown> {
  eventId: string;
  streamId: string;
  /** 0-based: the first event of a stream has version 0. */
  streamVersion: number;
  /** Monotonic within one adapter's log; a gap is allowed (rolled-back transactions). */
  globalPosition: number;
  /** Where a global reader resumes after this event. */
  checkpoint: Checkpoint;
  type: Type;
  data: Data;
  metadata: EventMetadata;
  recordedAt: Date;
}

/**
 * `'no-stream'`: the stream must not exist. `'any'`: no check. A number: the version of the
 * stream's last event (0-based), so the next event lands at `expectedVersion + 1`.
 */
export type ExpectedVersion = number | 'no-stream' | 'any';

export interface AppendOptions {
  expectedVersion: ExpectedVersion;
  /** Filled into every event's metadata where the event does not say otherwise. */
  metadata?: Partial<EventMetadata>;
}

export interface AppendResult {
  /** The stream's version after the append (the last event's version). */
  nextExpectedVersion: number;
  /** One per appended event, in order; for an idempotent re-send, the original positions. */
  positions: Array<{ eventId: string; streamVersion: number; globalPosition: number }>;
  /** Where a global reader will find every appended event once it has read past this. */
  checkpoint: Checkpoint;
  /**
   * True when every event was in the stream already (an idempotent re-send, its own or another
   * writer's with the same ids): this call appended nothing.
   */
  resent: boolean;
}

export interface ReadStreamOptions {
  fromVersion?: number;
  /** Inclusive. */
  untilVersion?: number;
  /** Inclusive: events recorded at or before this instant. */
  untilTime?: Date;
}

export interface ReadAllOptions {
  /** Exclusive: start after this position. Omitted: from the beginning. */
  after?: Checkpoint;
  limit: number;
  types?: readonly string[];
  streamPrefix?: string;
}

export interface ReadAllResult {
  events: RecordedEvent[];
  /**
   * Where the next read starts. With filters it may be past the last returned event (the
   * reader skipped non-matching ones), so a filtered reader never rescans them.
   */
  checkpoint: Checkpoint | undefined;
  /** True when nothing readable was left after `checkpoint` at the time of the read. */
  endOfLog: boolean;
  /**
   * True when events that pass the filters were appended but are not readable yet because an
   * older transaction is still open: a reader should look again soon, as no further notification
   * may come for them. Others' unreadable events do not count: they are no reason to look again.
   */
  pending: boolean;
}

/**
 * What an append hint knows of what was appended: the streams and event types when the adapter
 * can tell (a reader filtered on others need not wake), nothing otherwise (it may be anything).
 */
export interface AppendedHint {
  streams?: ReadonlySet<string>;
  types?: ReadonlySet<string>;
}

export interface EventStore {
  appendToStream(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options: ReadAllOptions): Promise<ReadAllResult>;
  /**
   * The position of the last readable event (undefined for an empty log): a reader that starts
   * after it sees only what comes next, without scanning what came before.
   */
  head(): Promise<Checkpoint | undefined>;
  /**
   * Calls `listener` soon after new events may be readable: a hint to stop waiting, never the
   * events themselves. Returns the function that unsubscribes.
   */
  onAppended(listener: (hint: AppendedHint) => void): () => void;
  /** Negative when `a` is before `b` in the log, 0 when equal, positive when after. */
  compareCheckpoints(a: Checkpoint, b: Checkpoint): number;
  close(): Promise<void>;
}
