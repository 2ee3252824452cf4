import type { Decider } from '@shuzhi/shared-kernel';
import type { AppendResult, EventMetadata, EventStore, NewEvent, ReadStreamOptions, RecordedEvent } from './event-store.js';
import { ConcurrencyConflict } from './errors.js';


export interface HandleCommandOptions {
  /** Filled into every appended event's metadata (actor, correlation and causation ids). */
  metadata?: Partial<EventMetadata>;
  /**
   * How many times to reload and decide again after a concurrency conflict. Only for commands
   * whose decision is still right on newer state (idempotent or commutative ones); default 0,
   * so a conflict reaches the caller as it is.
   */
  retries?: number;
  /**
   * Derives each new event's id from the command, so a command sent twice appends once
   * (the store treats a re-sent event id as a no-op). Receives the event's index in the decision.
   */
  eventIds?: (index: number) => string;
  /**
   * The version (-1: no stream yet) at which the caller read the state it chose this command
   * on. A stream found at any other version is a concurrency conflict, raised before deciding
   * and never retried: the caller reads again and chooses again. For steps whose event ids
   * name the version they were decided on. A step that already landed is found that way too,
   * as a conflict rather than answered as done: reading again shows it.
   */
  expectedVersion?: number;
}

export interface CommandResult<Event, State> {
  /** The events this command appended; empty when the decision was to change nothing. */
  events: Event[];
  state: State;
  /** The stream's version after the command (-1 when the stream still does not exist). */
  version: number;
  append: AppendResult | undefined;
}

/**
 * A recorded event read as one of an aggregate's own: the `type` and `data` its decider knows,
 * with the log's positions and metadata beside them.
 */
export type RecordedOf<Event extends { type: string; data: unknown }> = RecordedEvent & Event;

/** An aggregate as its stream stands. */
export interface AggregateStream<Event extends { type: string; data: unknown }, State> {
  state: State;
  /** The version of the stream's last event (-1 when the stream does not exist). */
  version: number;
  /** The events `state` was folded from, in order: for what the state does not keep (history, record times). */
  events: RecordedOf<Event>[];
}

/**
 * The one way to read an aggregate: its stream, folded with its decider's `evolve`. The store
 * keeps `{ type, data }` as the decider wrote them, so the stream's events are read as the
 * decider's own here and nowhere else.
 */
export const aggregateStream = async <Event extends { type: string; data: unknown }, State>(
  store: EventStore,
  streamId: string,
  decider: Pick<Decider<unknown, Event, State>, 'initialState' | 'evolve'>,
  options: ReadStreamOptions = {},
): Promise<AggregateStream<Event, State>> => {
  const events = (await store.readStream(streamId, options)) as RecordedOf<Event>[];
  return {
    state: events.reduce<State>((state, recorded) => decider.evolve(state, recorded), decider.initialState),
    version: events.length === 0 ? -1 : events[events.length - 1].streamVersion,
    events,
  };
};

/** A stream version as the store's options and conflicts spell it. */
const storeVersion = (version: number): number | 'no-stream' => (version === -1 ? 'no-stream' : version);

/**
 * The whole write path of an event-sourced command: load the stream, fold `evolve`, `decide`,
 * append with the version that was read. A command handler does nothing else.
 */
export const handleCommand = async <Command, Event extends { type: string; data: unknown }, State>(
  store: EventStore,
  streamId: string,
  decider: Decider<Command, Event, State>,
  command: Command,
  options: HandleCommandOptions = {},
): Promise<CommandResult<Event, State>> => {
  for (let attempt = 0; ; attempt++) {
    const { state, version } = await aggregateStream(store, streamId, decider);
    if (options.expectedVersion !== undefined && version !== options.expectedVersion) {
      throw new ConcurrencyConflict(streamId, storeVersion(options.expectedVersion), storeVersion(version));
    }
    const events = decider.decide(command, state);
    if (events.length === 0) return { events, state, version, append: undefined };
    const toAppend: NewEvent[] = events.map((event, index) => ({
      type: event.type,
      data: event.data,
      ...(options.eventIds ? { eventId: options.eventIds(index) } : {}),
    }));
    try {
      const append = await store.appendToStream(streamId, toAppend, {
        expectedVersion: storeVersion(version),
        metadata: options.metadata,
      });
      if (append.resent) {
        // A re-sent command whose events were already written (by this command's first send, or
        // by another writer that decided the same step with the same ids): the store appended
        // nothing, so the state is the stream's up to those events, not this decision again.
        const written = await aggregateStream(store, streamId, decider, { untilVersion: append.nextExpectedVersion });
        return { events: [], state: written.state, version: append.nextExpectedVersion, append };
      }
      return { events, state: events.reduce(decider.evolve, state), version: append.nextExpectedVersion, append };
    } catch (error) {
      if (error instanceof ConcurrencyConflict && options.expectedVersion === undefined && attempt < (options.retries ?? 0)) continue;
      throw error;
    }
  }
};

/**
 * What `handleCommand` would append now, appending nothing: the same load, fold and decision,
 * so a dry run gives exactly the verdict (events, or the decider's refusal) a real one would.
 */
export const previewCommand = async <Command, Event extends { type: string; data: unknown }, State>(
  store: EventStore,
  streamId: string,
  decider: Decider<Command, Event, State>,
  command: Command,
): Promise<Event[]> => decider.decide(command, (await aggregateStream(store, streamId, decider)).state);
