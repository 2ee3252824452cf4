import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { metrics } from '@shuzhi/observability';

/**
 * How long the gateway waits for each subgraph, by subgraph and outcome, measured around the
 * very fetch the runtime sends (entity fetches included): `ok`, `http_<status>`, or `failed`
 * when no answer came (refused, timed out).
 */
export const useUpstreamLatency = (): GatewayPlugin => ({
  onFetch({ url, executionRequest, fetchFn, setFetchFn }) {
    const timer = metrics().upstreamDuration.startTimer({ subgraph: executionRequest?.subgraphName ?? new URL(url).host });
    setFetchFn(async (...args) => {
      try {
        const response = await fetchFn(...args);
        timer({ outcome: response.ok ? 'ok' : `http_${response.status}` });
        return response;
      } catch (error) {
        timer({ outcome: 'failed' });
        throw error;
      }
    });
  },
});
