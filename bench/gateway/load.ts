/**
 * One measured run of a load: closed-loop (`concurrency` requests in flight, each answered
 * before the next), or open-loop at `ratePerSecond` (requests sent on a fixed schedule whether or
 * not earlier ones were answered, each timed from when it was due, so a stall counts in full).
 */
export interface LoadResult {
  requests: number;
  /** When the run started, in milliseconds since the epoch: `slowest[].at` counts from it. */
  startedAt: number;
  /** Answers that were not HTTP 200 with data and no errors. */
  failures: number;
  firstFailure?: string;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  /** Every request's latency (ms), in the order they were answered: runs can be pooled. */
  latencies: number[];
  /**
   * The slowest requests, slowest first: when each was due (ms into the run), how long it took,
   * and how late this thread sent it (a stall of the load's own thread, not of what it measures).
   */
  slowest: Array<{ at: number; ms: number; late: number }>;
}

export interface LoadOptions {
  url: string;
  headers: Record<string, string>;
  /** Request bodies, cycled through in order. */
  bodies: readonly string[];
  concurrency: number;
  /** Open-loop: this many requests a second on a fixed schedule instead of `concurrency` loops. */
  ratePerSecond?: number;
  durationMs: number;
  maxRequests: number;
  /** Extra headers computed per request from its exact body (the direct subgraph's signature). */
  sign?: (body: string) => Record<string, string>;
  /** Whether an answer is the one expected; by default any answer with data and no errors. */
  check?: (answer: { data?: unknown; errors?: unknown[] }) => boolean;
}

/** An answer to the benchmark query with the resident's household and enterprises, and no errors. */
export const isFederatedAnswer = (answer: { data?: unknown; errors?: unknown[] }): boolean => {
  const resident = (answer.data as { resident?: { household?: unknown; enterprises?: unknown } | null } | null | undefined)?.resident;
  return !answer.errors && resident !== undefined && resident !== null && resident.household !== undefined && Array.isArray(resident.enterprises);
};

/** A `performance.now()` reading as milliseconds since the epoch: comparable with readings of other threads and processes. */
export const epochOf = (now: number): number => performance.timeOrigin + now;

/** The median and 99th percentile of latencies in any order (each the smallest value that 50% or 99% of them do not exceed). */
export const latencyPercentiles = (latencies: readonly number[]): { p50: number; p99: number } => {
  const sorted = Float64Array.from(latencies).sort();
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
  return { p50: at(50), p99: at(99) };
};

/** Stops at `maxRequests` or `durationMs`, whichever comes first. */
export const runLoad = async (options: LoadOptions, offset = 0): Promise<LoadResult> => {
  const latencies: number[] = [];
  const dueAt: number[] = [];
  const lateBy: number[] = [];
  let next = offset;
  let issued = 0;
  let failures = 0;
  let firstFailure: string | undefined;
  const started = performance.now();
  const deadline = started + options.durationMs;
  const check = options.check ?? ((answer) => answer.data !== undefined && answer.data !== null && !answer.errors);
  const send = async (due: number) => {
    const body = options.bodies[next++ % options.bodies.length];
    const headers = { 'content-type': 'application/json', ...options.headers, ...options.sign?.(body) };
    let ok = false;
    let text: string;
    const late = performance.now() - due;
    try {
      const response = await fetch(options.url, { method: 'POST', headers, body });
      text = await response.text();
      ok = response.status === 200 && check(JSON.parse(text));
    } catch (error) {
      text = String(error);
    }
    latencies.push(performance.now() - due);
    dueAt.push(due - started);
    lateBy.push(late);
    if (!ok) {
      failures++;
      firstFailure ??= text.slice(0, 400);
    }
  };
  const worker = async () => {
    while (issued < options.maxRequests && performance.now() < deadline) {
      issued++;
      await send(performance.now());
    }
  };
  if (options.ratePerSecond) {
    const interval = 1000 / options.ratePerSecond;
    const inFlight: Array<Promise<void>> = [];
    for (let i = 0; i < options.maxRequests; i++) {
      const due = started + i * interval;
      if (due >= deadline) break;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      inFlight.push(send(due));
    }
    await Promise.all(inFlight);
  } else {
    await Promise.all(Array.from({ length: options.concurrency }, worker));
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    requests: latencies.length,
    startedAt: epochOf(started),
    failures,
    firstFailure,
    seconds,
    perSecond: latencies.length / seconds,
    ...latencyPercentiles(latencies),
    latencies,
    slowest: latencies
      .map((ms, i) => ({ at: Math.round(dueAt[i]), ms: Math.round(ms), late: Math.round(lateBy[i]) }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 12),
  };
};
