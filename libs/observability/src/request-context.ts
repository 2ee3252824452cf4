import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What the process knows about the request it is serving, for its log lines and metrics. Filled
 * as the request goes: the gateway knows the correlation id at once; a subgraph learns it from
 * the gateway's signed context, once that has been verified.
 */
export interface RequestContext {
  correlationId?: string;
  /** `query`, `mutation`: the GraphQL operation this request ran, once parsed. */
  operationType?: string;
  /** `ok`, or the API.md code of the operation's first error. */
  outcome?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `serve` (and everything it starts) as one request's work. */
export const runInRequest = <T>(context: RequestContext, serve: () => T): T => storage.run(context, serve);

/** The request being served, or undefined outside any request. */
export const currentRequest = (): RequestContext | undefined => storage.getStore();
