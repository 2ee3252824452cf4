import type { IncomingMessage, ServerResponse } from 'node:http';
import { logger } from './logger.js';
import { metrics } from './metrics.js';
import { runInRequest, type RequestContext } from './request-context.js';

type Next = (error?: unknown) => void;

/** Express sets `route` on the request it routed; anything else is one label, not one per URL. */
const routeOf = (request: IncomingMessage): string => {
  const route = (request as IncomingMessage & { route?: { path?: unknown } }).route?.path;
  return typeof route === 'string' ? route : 'unmatched';
};

export interface HttpObservationOptions {
  /**
   * The request's correlation id when it is known before anything else runs (the gateway's,
   * from `x-correlation-id` or made up); a subgraph learns it later, from the signed context.
   */
  correlationIdOf?: (request: IncomingMessage, response: ServerResponse) => string | undefined;
}

/**
 * Express middleware, first in line: the request runs in its own context (so every log line
 * written while serving it carries its correlation id), and when it is answered, one log line and
 * the HTTP and GraphQL counters. Scrapes and probes are counted but not logged.
 */
export const observeHttp =
  (options: HttpObservationOptions = {}) =>
  (request: IncomingMessage, response: ServerResponse, next: Next): void => {
    const started = process.hrtime.bigint();
    const context: RequestContext = { correlationId: options.correlationIdOf?.(request, response) };
    response.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeOf(request);
      const method = request.method ?? 'GET';
      const observed = metrics();
      observed.httpRequests.inc({ method, route, status: String(response.statusCode) });
      observed.httpDuration.observe({ method, route }, seconds);
      if (context.operationType) {
        observed.graphqlOperations.inc({ operation_type: context.operationType, outcome: context.outcome ?? 'ok' });
      }
      if (route === '/health' || route === '/metrics') return;
      runInRequest(context, () =>
        logger().info(
          {
            method,
            route,
            status: response.statusCode,
            ms: Math.round(seconds * 1_000),
            ...(context.operationType ? { operationType: context.operationType, outcome: context.outcome ?? 'ok' } : {}),
          },
          'request served',
        ),
      );
    });
    runInRequest(context, next);
  };

/** API.md codes and Apollo's own are upper-case words; anything else is not a label value. */
export const outcomeOf = (errors: ReadonlyArray<{ extensions?: Record<string, unknown> }> | undefined): string => {
  if (!errors || errors.length === 0) return 'ok';
  const code = errors[0].extensions?.code;
  return typeof code === 'string' && /^[A-Z][A-Z_]{0,39}$/.test(code) ? code : 'INTERNAL';
};
