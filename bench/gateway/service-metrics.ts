/**
 * What our services' own Prometheus metrics (GET /metrics) say over a run: the subgraphs' and
 * the gateways' event-loop delay and GC, and the gateways' own timings. Each is read before and
 * after the run; counters and histograms are cumulative, so the difference covers the run.
 */

/** One service's /metrics text, read at one moment. */
export type MetricsReading = Map<string, string>;

/** Every service's /metrics, by name (base URLs, without /graphql). */
export const readMetrics = async (services: Record<string, string>): Promise<MetricsReading> =>
  new Map(await Promise.all(Object.entries(services).map(async ([name, url]) => [name, await (await fetch(`${url}/metrics`)).text()] as const)));

/** The value of every sample of `name` whose labels include each of `labels` (`le="0.1"`), summed; 0 when absent. */
const sampleSum = (text: string, name: string, ...labels: string[]): number =>
  text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .filter((line) => labels.every((label) => line.includes(label)))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);

/** How much a cumulative metric (a counter, or a histogram's count, sum or bucket) grew between two readings. */
export const increase = (before: string, after: string, name: string, ...labels: string[]): number =>
  sampleSum(after, name, ...labels) - sampleSum(before, name, ...labels);

/**
 * Each service's POST (GraphQL) requests per request of the run (a subgraph's are the gateway's
 * calls to it), its event-loop delay over the run, and its GC in ms per request. prom-client
 * resets its event-loop delay monitor at each scrape, so the delays cover the time since the
 * reading before.
 */
export const stallsBetween = (before: MetricsReading, after: MetricsReading, requests: number): string =>
  [...after]
    .map(([name, end]) => {
      const difference = (metric: string, ...labels: string[]) => increase(before.get(name)!, end, metric, ...labels);
      const gcMs = (difference('shuzhi_nodejs_gc_duration_seconds_sum') * 1000) / Math.max(1, requests);
      const longPauses = difference('shuzhi_nodejs_gc_duration_seconds_count') - difference('shuzhi_nodejs_gc_duration_seconds_bucket', 'le="0.01"');
      const served = difference('shuzhi_http_requests_total', 'method="POST"') / Math.max(1, requests);
      return (
        `${name} ${served.toFixed(2)} POST requests per request, event-loop delay p99 ${(sampleSum(end, 'shuzhi_nodejs_eventloop_lag_p99_seconds') * 1000).toFixed(1)} ms, ` +
        `max ${(sampleSum(end, 'shuzhi_nodejs_eventloop_lag_max_seconds') * 1000).toFixed(1)} ms, ` +
        `GC ${gcMs.toFixed(2)} ms per request with ${longPauses} pauses of 10 ms or more`
      );
    })
    .join('; ');

/**
 * A gateway's own timings over the run: the mean of each duration (ms), how many, and how many
 * took 100 ms or more; and the mean access records per append.
 */
export const gatewayTimingsBetween = (before: string, after: string): string => {
  const difference = (metric: string, ...labels: string[]) => increase(before, after, metric, ...labels);
  const summary = (name: string, asDuration: boolean, ...labels: string[]) => {
    const count = difference(`${name}_count`, ...labels);
    if (count === 0) return 'none';
    const mean = difference(`${name}_sum`, ...labels) / count;
    if (!asDuration) return `${mean.toFixed(1)} (${count})`;
    return `${(mean * 1000).toFixed(2)} (${count}, ${count - difference(`${name}_bucket`, ...labels, 'le="0.1"')} of 100 ms or more)`;
  };
  return [
    // Only GraphQL requests: not the scrapes that read these figures.
    `request ${summary('shuzhi_http_request_duration_seconds', true, 'route="/graphql"')} ms`,
    `subgraph call ${summary('shuzhi_subgraph_request_duration_seconds', true)} ms`,
    `access-record append ${summary('shuzhi_access_record_append_seconds', true)} ms`,
    `records per append ${summary('shuzhi_access_record_batch_size', false)}`,
  ].join(', ');
};
