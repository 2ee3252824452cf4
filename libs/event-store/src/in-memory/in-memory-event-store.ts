import type {
  AppendedHint,
  AppendOptions,
  AppendResult,
  Checkpoint,
  EventStore,
  NewEvent,
  ReadAllOptions,
  ReadAllResult,
  ReadStreamOptions,
  RecordedEvent,
} from '../event-store.js';
import { ConcurrencyConflict, InvalidEventInput } from '../errors.js';
import { prepareAppend } from '../prepare-events.js';

const checkpointOf = (globalPosition: number) => String(globalPosition) as Checkpoint;

/** A copy, so that callers can neither change the log nor see it change under them. */
const copyOf = (event: RecordedEvent): RecordedEvent => ({
  ...event,
  data: JSON.parse(JSON.stringify(event.data)),
  metadata: JSON.parse(JSON.stringify(event.metadata)),
  recordedAt: new Date(event.recordedAt),
});

const positionOf = (checkpoint: Checkpoint): number => {
  if (!/^\d+$/.test(checkpoint)) throw new InvalidEventInput(`"${checkpoint}" is not an in-memory checkpoint`);
  return Number(checkpoint);
};

/**
 * For decider and handler unit tests only: no durability, one process. It follows the same
 * contract suite as the real adapters so that a unit test cannot pass on behaviour they lack.
 */
export class InMemoryEventStore implements EventStore {
  private readonly log: RecordedEvent[] = [];
  private readonly listeners = new Set<(hint: AppendedHint) => void>();

  constructor(private readonly clock: () => Date = () => new Date()) {}

  async appendToStream(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    const now = this.clock();
    const prepared = prepareAppend(streamId, events, options, now);
    const ids = new Set(prepared.map((e) => e.eventId));
    const known = this.log.filter((e) => ids.has(e.eventId));
    if (known.length > 0) {
      if (known.length !== prepared.length || known.some((e) => e.streamId !== streamId)) {
        throw new InvalidEventInput(
          `append to ${streamId} refused: some of these event ids were already written, others not`,
        );
      }
      const order = prepared.map((e) => e.eventId);
      return this.resultOf(known.sort((a, b) => order.indexOf(a.eventId) - order.indexOf(b.eventId)), true);
    }
    const stream = this.log.filter((e) => e.streamId === streamId);
    const current = stream.length === 0 ? undefined : stream.length - 1;
    const expected = options.expectedVersion;
    if ((expected === 'no-stream' && current !== undefined) || (typeof expected === 'number' && expected !== current)) {
      throw new ConcurrencyConflict(streamId, expected, current ?? 'no-stream');
    }
    const recorded = prepared.map((event, i): RecordedEvent => {
      const globalPosition = this.log.length + i + 1;
      return copyOf({
        ...event,
        streamId,
        streamVersion: (current ?? -1) + i + 1,
        globalPosition,
        checkpoint: checkpointOf(globalPosition),
        recordedAt: now,
      });
    });
    this.log.push(...recorded);
    const hint = { streams: new Set([streamId]), types: new Set(recorded.map((event) => event.type)) };
    queueMicrotask(() => this.listeners.forEach((listener) => listener(hint)));
    return this.resultOf(recorded, false);
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    return this.log
      .filter(
        (e) =>
          e.streamId === streamId &&
          e.streamVersion >= (options.fromVersion ?? 0) &&
          e.streamVersion <= (options.untilVersion ?? Infinity) &&
          (!options.untilTime || e.recordedAt <= options.untilTime),
      )
      .map(copyOf);
  }

  async readAll(options: ReadAllOptions): Promise<ReadAllResult> {
    const after = options.after ? positionOf(options.after) : 0;
    const matching = this.log.filter(
      (e) =>
        e.globalPosition > after &&
        (!options.types || options.types.includes(e.type)) &&
        (options.streamPrefix === undefined || e.streamId.startsWith(options.streamPrefix)),
    );
    const events = matching.slice(0, options.limit).map(copyOf);
    const endOfLog = events.length < options.limit;
    const last = endOfLog ? this.log[this.log.length - 1] : events[events.length - 1];
    return {
      events,
      checkpoint: last && last.globalPosition > after ? last.checkpoint : options.after,
      endOfLog,
      // One process, no transactions: whatever was appended is readable.
      pending: false,
    };
  }

  async head(): Promise<Checkpoint | undefined> {
    return this.log[this.log.length - 1]?.checkpoint;
  }

  onAppended(listener: (hint: AppendedHint) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  compareCheckpoints(a: Checkpoint, b: Checkpoint): number {
    return positionOf(a) - positionOf(b);
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }

  private resultOf(events: RecordedEvent[], resent: boolean): AppendResult {
    const last = events.reduce((a, b) => (a.globalPosition > b.globalPosition ? a : b));
    return {
      nextExpectedVersion: last.streamVersion,
      positions: events.map(({ eventId, streamVersion, globalPosition }) => ({ eventId, streamVersion, globalPosition })),
      checkpoint: last.checkpoint,
      resent,
    };
  }
}
