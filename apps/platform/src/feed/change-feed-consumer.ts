import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { ChangeSubscription } from './change-subscription.js';
import { isCursor, type CursorFile } from './cursor-file.js';
import { readEventStream, type ServerSentEvent } from './event-stream.js';
import { FeedProtocolError, FeedRefused } from './feed-errors.js';

/** Where the feed is asked for, and as whom: the gateway's `/graphql`, an API key, a declared purpose. */
export interface FeedGateway {
  url: string;
  apiKey: string;
  purpose: string;
}

/** How long to wait before asking again. */
export interface FeedRetry {
  /** After a dropped connection, doubling with each one in a row, up to `maxDelayMs`. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** After the gateway cut a slow consumer: short, the gateway said where to resume. */
  afterCutMs: number;
}

export const DEFAULT_RETRY: FeedRetry = { initialDelayMs: 500, maxDelayMs: 30_000, afterCutMs: 1_000 };

/** Where changes are printed: `process.stdout`, whose callback says the line was handed on. */
export interface FeedOutput {
  write(chunk: string, callback: (error?: Error | null) => void): boolean;
}

export interface ChangeFeedRun {
  gateway: FeedGateway;
  subscription: ChangeSubscription;
  cursorFile: CursorFile;
  /** Where to start: after this cursor, or, when null, wherever the gateway starts a feed without one. */
  after: string | null;
  out: FeedOutput;
  /** One line of diagnostics (stderr). */
  log: (line: string) => void;
  /** Aborted on SIGINT or SIGTERM: the feed ends between two changes, its cursor file whole. */
  signal: AbortSignal;
  retry?: FeedRetry;
}

interface GraphQLError {
  message?: unknown;
  extensions?: { code?: unknown; cursor?: unknown };
}

/** How one connection ended, when the feed goes on. */
type Ending =
  | { type: 'stopped' }
  | { type: 'cut'; cursor: string }
  | { type: 'dropped'; reason: string; retryAfterMs?: number }
  | { type: 'completed' };

interface Progress {
  after: string | null;
  /** The last cursor printed (or resumed after): a change the gateway sends again is not printed again. */
  last: string | null;
  printed: number;
}

/** Answers a load balancer or a gateway in a rolling restart gives for a moment. */
const MOMENTARY_STATUS = new Set([429, 502, 503, 504]);

/**
 * Follows a change feed until `signal` is aborted: prints each change as one JSON line, then
 * keeps its cursor, so that the cursor file never names a change that was not printed (a crash
 * between the two prints that change again at the next start: at least once, never lost).
 * A stream the gateway cut for a slow consumer resumes where its error says, after a short
 * pause; a dropped connection is asked again after the last cursor, waiting longer after each
 * failure in a row. Resolves when stopped; rejects with FeedRefused when the gateway refuses the
 * feed, FeedProtocolError when it answers something else than GraphQL over SSE.
 */
export const consumeChangeFeed = async (run: ChangeFeedRun): Promise<void> => {
  const retry = run.retry ?? DEFAULT_RETRY;
  const progress: Progress = { after: run.after, last: run.after, printed: 0 };
  let failures = 0;
  while (!run.signal.aborted) {
    const printedBefore = progress.printed;
    const ending = await connect(run, progress);
    if (progress.printed > printedBefore) failures = 0;
    switch (ending.type) {
      case 'stopped':
        return;
      case 'cut':
        run.log(`feed: the gateway cut the stream (a slow consumer); resuming after ${ending.cursor}`);
        progress.after = ending.cursor;
        await pause(retry.afterCutMs, run.signal);
        break;
      case 'dropped':
      case 'completed': {
        failures += 1;
        const backoff = Math.min(retry.maxDelayMs, retry.initialDelayMs * 2 ** (failures - 1));
        // Jitter, so that the consumers of a gateway that restarted do not all come back at once.
        const wait = Math.max(ending.type === 'dropped' ? (ending.retryAfterMs ?? 0) : 0, Math.round(backoff * (0.5 + Math.random() / 2)));
        const why = ending.type === 'dropped' ? ending.reason : 'the gateway ended the stream';
        run.log(`feed: ${why}; asking again ${progress.after === null ? 'without a cursor' : `after ${progress.after}`} in ${wait} ms`);
        await pause(wait, run.signal);
        break;
      }
      default: {
        const _exhaustive: never = ending;
        return _exhaustive;
      }
    }
  }
};

const connect = async (run: ChangeFeedRun, progress: Progress): Promise<Ending> => {
  // The connection's own abort closes it once its stream has said what it had to say.
  const connection = new AbortController();
  const signal = AbortSignal.any([run.signal, connection.signal]);
  const correlationId = randomUUID();
  try {
    let response: Response;
    try {
      response = await fetch(run.gateway.url, {
        method: 'POST',
        headers: {
          accept: 'text/event-stream',
          'content-type': 'application/json',
          authorization: `Bearer ${run.gateway.apiKey}`,
          'x-purpose': run.gateway.purpose,
          // The gateway's access records carry it: the operator can find this connection's.
          'x-correlation-id': correlationId,
        },
        body: JSON.stringify({ query: run.subscription.query, variables: { after: progress.after }, operationName: 'ChangeFeed' }),
        signal,
      });
    } catch (error) {
      return run.signal.aborted ? { type: 'stopped' } : { type: 'dropped', reason: `cannot reach ${run.gateway.url}: ${describe(error)}` };
    }
    const type = response.headers.get('content-type') ?? '';
    if (response.status === 200 && /^text\/event-stream\b/i.test(type) && response.body) {
      run.log(`feed: following ${run.subscription.name} ${progress.after === null ? 'without a cursor' : `after ${progress.after}`} (correlation id ${correlationId})`);
      return await readChanges(response.body, run, progress);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      return run.signal.aborted ? { type: 'stopped' } : { type: 'dropped', reason: `the answer was cut: ${describe(error)}` };
    }
    return refusal(response, text);
  } finally {
    connection.abort();
  }
};

/** A GraphQL answer instead of a stream: a refusal, a cut, or a gateway that is away for a moment. */
const refusal = (response: Response, text: string): Ending => {
  let errors: GraphQLError[] | undefined;
  try {
    const body = JSON.parse(text) as { errors?: unknown };
    if (Array.isArray(body.errors) && body.errors.length > 0) errors = body.errors as GraphQLError[];
  } catch {
    // Not JSON: a proxy's page; its status says whether to wait.
  }
  if (MOMENTARY_STATUS.has(response.status)) {
    const seconds = Number(response.headers.get('retry-after'));
    return {
      type: 'dropped',
      reason: `the gateway answered ${response.status}${errors ? ` ${describeErrors(errors)}` : ''}`,
      retryAfterMs: Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined,
    };
  }
  if (errors) return ended(errors);
  throw new FeedProtocolError(`the gateway answered ${response.status} ${response.headers.get('content-type') ?? 'without a content type'}, not an event stream: ${excerpt(text)}`);
};

const readChanges = async (body: AsyncIterable<Uint8Array>, run: ChangeFeedRun, progress: Progress): Promise<Ending> => {
  const events = readEventStream(body)[Symbol.asyncIterator]();
  for (;;) {
    let next: IteratorResult<ServerSentEvent>;
    try {
      next = await events.next();
    } catch (error) {
      return run.signal.aborted ? { type: 'stopped' } : { type: 'dropped', reason: `the connection failed: ${describe(error)}` };
    }
    if (next.done) return { type: 'dropped', reason: 'the connection closed before the stream completed' };
    const { event, data } = next.value;
    if (event === 'complete') return { type: 'completed' };
    // graphql-yoga has sent results both as `next` events and as unnamed (`message`) ones.
    if (event !== 'next' && event !== 'message') continue;
    const result = parseResult(data);
    const change = result.data?.[run.subscription.name];
    if (change === undefined || change === null) {
      if (result.errors) return ended(result.errors);
      throw new FeedProtocolError(`a result with neither a change nor an error: ${excerpt(data)}`);
    }
    if (result.errors) run.log(`feed: the change came with errors: ${describeErrors(result.errors)}`);
    await print(change, run, progress);
    // Stopped while printing: the change and its cursor are kept; nothing more is read.
    if (run.signal.aborted) return { type: 'stopped' };
  }
};

const parseResult = (data: string): { data?: Record<string, unknown> | null; errors?: GraphQLError[] } => {
  let result: unknown;
  try {
    result = JSON.parse(data);
  } catch {
    throw new FeedProtocolError(`an event whose data is not JSON: ${excerpt(data)}`);
  }
  if (typeof result !== 'object' || result === null) throw new FeedProtocolError(`an event whose data is not a GraphQL result: ${excerpt(data)}`);
  const { data: fields, errors } = result as { data?: unknown; errors?: unknown };
  return {
    data: typeof fields === 'object' ? (fields as Record<string, unknown> | null) : undefined,
    errors: Array.isArray(errors) && errors.length > 0 ? (errors as GraphQLError[]) : undefined,
  };
};

/** The errors a stream or an answer ended with: a cut says where to resume; anything else is a refusal. */
const ended = (errors: GraphQLError[]): Ending => {
  const cut = errors.find((error) => error.extensions?.cursor !== undefined && error.extensions.cursor !== null);
  if (cut) {
    if (!isCursor(cut.extensions!.cursor)) throw new FeedProtocolError(`a cut whose cursor is not one: ${excerpt(JSON.stringify(cut))}`);
    return { type: 'cut', cursor: cut.extensions!.cursor };
  }
  const code = errors[0].extensions?.code;
  throw new FeedRefused(typeof code === 'string' ? code : 'UNKNOWN', describeErrors(errors));
};

const print = async (change: unknown, run: ChangeFeedRun, progress: Progress): Promise<void> => {
  const cursor = (change as { cursor?: unknown }).cursor;
  if (typeof change !== 'object' || Array.isArray(change) || !isCursor(cursor)) {
    throw new FeedProtocolError(`a change without a cursor: ${excerpt(JSON.stringify(change))}`);
  }
  if (cursor === progress.last) {
    run.log(`feed: the gateway sent the change at ${cursor} again; it was printed already`);
    return;
  }
  await new Promise<void>((resolve, reject) => run.out.write(`${JSON.stringify(change)}\n`, (error) => (error ? reject(error) : resolve())));
  await run.cursorFile.write(cursor);
  progress.after = cursor;
  progress.last = cursor;
  progress.printed += 1;
};

const pause = async (ms: number, signal: AbortSignal): Promise<void> => {
  await delay(ms, undefined, { signal }).catch(() => undefined);
};

const describeErrors = (errors: GraphQLError[]): string =>
  errors.map((error) => `${typeof error.extensions?.code === 'string' ? error.extensions.code : 'ERROR'}: ${String(error.message)}`).join('; ');

const describe = (error: unknown): string => {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  const detail = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : undefined;
  return `${error instanceof Error ? error.message : String(error)}${detail ? ` (${detail})` : ''}`;
};

const excerpt = (text: string): string => (text.length > 300 ? `${text.slice(0, 300)}…` : text);
