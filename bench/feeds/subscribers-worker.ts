/**
 * bench:feeds' subscribers: every one a change feed of its own on one gateway (GraphQL over SSE,
 * a connection each), read as a department's system reads it, on a thread of its own, so that
 * their parsing shares an event loop with neither the gateway (a process of its own) nor the
 * writer. Each change is timed when it has been parsed: that is its delivery.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { EventStream, openEventStream } from '../../libs/testing/src/event-stream.js';
import { epochOf } from '../gateway/load.js';

/** What crosses into the worker. */
export interface SubscribersJob {
  /** The gateway's /graphql. */
  url: string;
  query: string;
  purpose: string;
  /** One key per subscriber: a client may hold only so many feeds open on a gateway. */
  apiKeys: readonly string[];
  /** Feeds being opened at once. */
  openConcurrency: number;
}

/** How the subscribers stand. */
export interface SubscribersTally {
  /** Subscribers that have had at least one change. */
  live: number;
  delivered: number;
  /** Feeds the gateway ended (an error, a `complete`, or the connection closed). */
  ended: number;
  errors: number;
  firstError?: string;
}

/**
 * `tally`: how they stand; `record`: from now on, keep each change's delivery time until
 * `report`, which answers them by cursor; `close`: drop every connection.
 */
export type SubscribersCommand = 'tally' | 'record' | 'report' | 'close';

export type SubscribersMessage =
  | { opened: number; ms: number }
  | { tally: SubscribersTally }
  /** Each change's cursor with the time (epoch ms) each subscriber parsed it. */
  | { deliveries: Array<[cursor: string, at: number[]]> }
  | { closed: true }
  | { failed: string };

/** Longer than any run: EventStream's wait is not meant to run out while a feed is quiet. */
const QUIET_MS = 86_400_000;
/** A gateway verifying keys asks to come back; it is not a refusal. */
const BUSY_RETRY_MS = 1_000;

const job = workerData as SubscribersJob;
const post = (message: SubscribersMessage) => parentPort!.postMessage(message);
const tally: SubscribersTally = { live: 0, delivered: 0, ended: 0, errors: 0 };
let recording: Map<string, number[]> | undefined;
let closing = false;

type ChangeAnswer = { data?: { residentChanges?: { cursor: string } | null } | null; errors?: unknown[] };

const opened: EventStream[] = [];

const open = async (apiKey: string): Promise<EventStream> => {
  for (;;) {
    const stream = await openEventStream(job.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${apiKey}`, 'x-purpose': job.purpose },
      body: JSON.stringify({ query: job.query }),
    });
    if (stream instanceof EventStream) return stream;
    if (stream.status !== 429) throw new Error(`a feed was refused (${stream.status}): ${JSON.stringify(stream.body).slice(0, 300)}`);
    await new Promise((resolve) => setTimeout(resolve, BUSY_RETRY_MS));
  }
};

const read = async (stream: EventStream): Promise<void> => {
  let delivered = 0;
  const ended = (error?: string) => {
    tally.ended++;
    if (error === undefined) return;
    tally.errors++;
    tally.firstError ??= error.slice(0, 400);
  };
  for (;;) {
    let event;
    try {
      event = await stream.next(QUIET_MS);
    } catch (error) {
      if (!closing) ended(String(error));
      return;
    }
    if (!event || event.event === 'complete') return ended();
    if (event.event !== 'next') continue;
    const answer = event.data as ChangeAnswer;
    const change = answer.data?.residentChanges;
    if (answer.errors?.length || !change) {
      // A feed's last word is its error (a cut, a refusal): the stream ends after it.
      tally.errors++;
      tally.firstError ??= JSON.stringify(answer).slice(0, 400);
      continue;
    }
    const at = epochOf(performance.now());
    if (delivered++ === 0) tally.live++;
    tally.delivered++;
    if (recording) {
      const times = recording.get(change.cursor);
      if (times) times.push(at);
      else recording.set(change.cursor, [at]);
    }
  }
};

const openAll = async () => {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(job.openConcurrency, job.apiKeys.length) }, async () => {
      while (next < job.apiKeys.length) {
        const stream = await open(job.apiKeys[next++]);
        opened.push(stream);
        void read(stream);
      }
    }),
  );
  post({ opened: opened.length, ms: performance.now() - started });
};

parentPort!.on('message', (command: SubscribersCommand) => {
  switch (command) {
    case 'tally':
      return post({ tally: { ...tally } });
    case 'record':
      recording = new Map();
      return;
    case 'report':
      post({ deliveries: [...(recording ?? [])] });
      recording = undefined;
      return;
    case 'close':
      closing = true;
      for (const stream of opened) stream.close();
      return post({ closed: true });
  }
});

openAll().catch((error: unknown) => post({ failed: String((error as Error).stack ?? error) }));
