import { GraphQLError, type ExecutionResult } from 'graphql';
import { metrics } from '@shuzhi/observability';
import { gatewayError } from '../runtime/api-errors.js';

/** What becomes of one change from the subgraph, decided at delivery. */
export type FeedStep =
  /** Sent to the caller; `cursor` is the change's. */
  | { deliver: ExecutionResult; cursor: string }
  /** Not the caller's to see: not sent, but its cursor is passed. */
  | { skip: true; cursor: string }
  /**
   * The stream ends with `error` (recorded already where it is a refusal); the change is not
   * passed. `resumable`: subscribing again after the feed's cursor (added to the error) may go on.
   */
  | { end: GraphQLError; resumable?: boolean };

/** Decides, shapes and records one change; the enforcement point's per-change step. */
export type ChangeFinisher = (result: ExecutionResult) => Promise<FeedStep>;

/**
 * A subscription's results as the caller gets them. Changes are taken from the subgraph as fast
 * as it sends them into a buffer of at most `bufferSize`; each is decided, shaped and recorded
 * only when the caller's transport asks for the next one (delivery time), so a grant withdrawn
 * meanwhile applies. A caller that reads slower than changes come fills the buffer and is cut:
 * its stream ends with QUOTA_EXCEEDED and `extensions.cursor`, the cursor of the last change it
 * was given or passed (none is lost: the buffered ones come again after it). The subgraph is
 * never held back by a slow caller, so neither are its other subscribers.
 *
 * `end(error)` ends the stream from outside (a revoked key, a suspended contract) at once, even
 * while it waits for a change; `return()` (the caller went away) stops the subgraph's stream.
 */
export class GovernedFeed implements AsyncIterableIterator<ExecutionResult> {
  private readonly upstream: AsyncIterator<ExecutionResult>;
  private buffer: ExecutionResult[] = [];
  private upstreamDone = false;
  private upstreamFailure: unknown;
  /** The last words, sent once before the stream ends. */
  private ending: GraphQLError | undefined;
  private finished = false;
  private wake: (() => void) | undefined;
  private cursor: string;

  constructor(
    upstream: AsyncIterable<ExecutionResult>,
    private readonly finish: ChangeFinisher,
    /** Where the stream started: the cursor to resume from before any change is passed. */
    startCursor: string,
    private readonly bufferSize: number,
    private readonly onClose: () => void = () => undefined,
  ) {
    this.upstream = upstream[Symbol.asyncIterator]();
    this.cursor = startCursor;
    metrics().feedsOpen.inc();
    void this.pump();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** The cursor of the last change given or passed: where a new subscription would resume. */
  get position(): string {
    return this.cursor;
  }

  /**
   * Ends the stream with `error` as its last result (unless it has ended already); a resumable
   * error carries the cursor to subscribe again after. A refusal does not: it would be refused again.
   */
  end(error: GraphQLError, { resumable = false } = {}): void {
    if (this.finished || this.ending) return;
    this.ending = resumable ? new GraphQLError(error.message, { extensions: { ...error.extensions, cursor: this.cursor } }) : error;
    metrics().feedEnds.inc({ code: String(error.extensions.code ?? 'INTERNAL') });
    this.buffer = [];
    this.stopUpstream();
    this.wake?.();
  }

  async next(): Promise<IteratorResult<ExecutionResult>> {
    for (;;) {
      if (this.finished) return { done: true, value: undefined };
      if (this.ending) return this.last({ errors: [this.ending] });
      const change = this.buffer.shift();
      if (change) {
        const step = await this.finish(change);
        if (this.finished) return { done: true, value: undefined };
        if ('end' in step) {
          this.end(step.end, { resumable: step.resumable });
          continue;
        }
        this.cursor = step.cursor;
        metrics().feedChanges.inc({ outcome: 'skip' in step ? 'withheld' : 'delivered' });
        if ('skip' in step) continue;
        return { done: false, value: step.deliver };
      }
      if (this.upstreamFailure !== undefined) {
        this.end(gatewayError('INTERNAL', 'the change feed broke off behind the gateway; resume after extensions.cursor'), { resumable: true });
        continue;
      }
      if (this.upstreamDone) return this.close();
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }

  async return(): Promise<IteratorResult<ExecutionResult>> {
    return this.close();
  }

  private async pump(): Promise<void> {
    try {
      for (;;) {
        const { done, value } = await this.upstream.next();
        if (this.finished || this.ending) return;
        if (done) break;
        this.buffer.push(value);
        if (this.buffer.length > this.bufferSize) {
          this.end(
            gatewayError(
              'QUOTA_EXCEEDED',
              `this change feed was read slower than its changes came: more than ${this.bufferSize} waited to be sent, so it is cut; subscribe again with after: extensions.cursor`,
            ),
            { resumable: true },
          );
          return;
        }
        this.wake?.();
      }
      this.upstreamDone = true;
    } catch (error) {
      this.upstreamFailure = error;
      console.error('gateway: a change feed\'s subgraph stream failed:', error);
    }
    this.wake?.();
  }

  private last(result: ExecutionResult): IteratorResult<ExecutionResult> {
    this.ending = undefined;
    this.close();
    return { done: false, value: result };
  }

  private close(): IteratorResult<ExecutionResult> {
    if (!this.finished) {
      this.finished = true;
      metrics().feedsOpen.dec();
      this.buffer = [];
      this.stopUpstream();
      this.onClose();
      this.wake?.();
    }
    return { done: true, value: undefined };
  }

  private stopUpstream(): void {
    void this.upstream.return?.().catch(() => undefined);
  }
}
