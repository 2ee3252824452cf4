import type { KeyObject } from 'node:crypto';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { CALLER_CONTEXT_HEADER, newNonce, signCallerContext } from '@shuzhi/signing';
import { graphqlUrlOf, type SubgraphEndpoints } from '../composition/subgraph-endpoints.js';
import type { GatewayContextAdditions, GatewayRequest } from './gateway-request.js';

/**
 * Signs the caller context onto every request the runtime sends to a subgraph, bound to the
 * exact body sent, addressed to that subgraph, with a nonce of its own: `onFetch` is the last
 * hook before the bytes leave, after the query planner and the transport have built the body,
 * so entity fetches and retries are covered too, each signed anew. A request without a caller,
 * or to a URL that is no known subgraph's, is not sent at all.
 */
export const useCallerContextSigning = (privateKey: KeyObject, subgraphs: SubgraphEndpoints): GatewayPlugin<GatewayContextAdditions> => {
  const audiences = new Map(Object.entries(subgraphs).map(([name, baseUrl]) => [graphqlUrlOf(baseUrl), name]));
  return {
    onFetch({ url, options, setOptions, context }) {
      const request = 'shuzhi' in context ? (context.shuzhi as GatewayRequest | undefined) : undefined;
      if (!request) throw new Error(`refusing to call ${url} without an authenticated caller`);
      const audience = audiences.get(url);
      if (audience === undefined) throw new Error(`refusing to call ${url}: it is no known subgraph's`);
      if (typeof options.body !== 'string') throw new Error(`refusing to call ${url}: the body to sign is not a string`);
      const signed = signCallerContext(
        {
          clientId: request.caller.clientId,
          department: request.caller.department,
          roles: request.caller.roles,
          purpose: request.purpose,
          decisionId: request.decisionId,
          correlationId: request.correlationId,
          audience,
          nonce: newNonce(),
          issuedAt: new Date().toISOString(),
        },
        privateKey,
        { body: options.body },
      );
      setOptions({ ...options, headers: { ...headersOf(options.headers), [CALLER_CONTEXT_HEADER]: signed } });
    },
  };
};

const headersOf = (headers: unknown): Record<string, string> => {
  if (headers === undefined || headers === null) return {};
  if (headers instanceof Headers) return Object.fromEntries(headers.entries());
  if (Array.isArray(headers)) return Object.fromEntries(headers as Array<[string, string]>);
  return headers as Record<string, string>;
};
