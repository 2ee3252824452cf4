/** What a subgraph's own Prometheus metrics say about its event loop and GC, read at one moment. */
interface StallReading {
  loopDelayP99: number;
  loopDelayMax: number;
  gcSeconds: number;
  /** GC pauses so far that took 10 ms or more. */
  gcPausesOver10ms: number;
}

/** The value of every sample of `name` (its labels ignored), summed; 0 when absent. */
const sampleSum = (text: string, name: string, labelFilter = ''): number =>
  text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .filter((line) => line.includes(labelFilter))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);

/**
 * Reads each subgraph's GET /metrics. prom-client resets its event-loop delay monitor at each
 * scrape, so a reading's delays cover the time since the one before; GC figures are cumulative.
 */
export const readSubgraphStalls = async (subgraphs: Record<string, string>): Promise<Map<string, StallReading>> =>
  new Map(
    await Promise.all(
      Object.entries(subgraphs).map(async ([name, url]) => {
        const text = await (await fetch(`${url}/metrics`)).text();
        const gcCount = sampleSum(text, 'shuzhi_nodejs_gc_duration_seconds_count');
        const reading: StallReading = {
          loopDelayP99: sampleSum(text, 'shuzhi_nodejs_eventloop_lag_p99_seconds') * 1000,
          loopDelayMax: sampleSum(text, 'shuzhi_nodejs_eventloop_lag_max_seconds') * 1000,
          gcSeconds: sampleSum(text, 'shuzhi_nodejs_gc_duration_seconds_sum'),
          gcPausesOver10ms: gcCount - sampleSum(text, 'shuzhi_nodejs_gc_duration_seconds_bucket', 'le="0.01"'),
        };
        return [name, reading] as const;
      }),
    ),
  );

/** Each subgraph's event-loop delay over the run, and its GC in ms per request, between two readings. */
export const subgraphStalls = (before: Map<string, StallReading>, after: Map<string, StallReading>, requests: number): string =>
  [...after]
    .map(([name, end]) => {
      const start = before.get(name)!;
      const gcMs = ((end.gcSeconds - start.gcSeconds) * 1000) / Math.max(1, requests);
      return (
        `${name} event-loop delay p99 ${end.loopDelayP99.toFixed(1)} ms, max ${end.loopDelayMax.toFixed(1)} ms, ` +
        `GC ${gcMs.toFixed(2)} ms per request with ${end.gcPausesOver10ms - start.gcPausesOver10ms} pauses of 10 ms or more`
      );
    })
    .join('; ');
