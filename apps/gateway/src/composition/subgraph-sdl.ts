import { randomUUID, type KeyObject } from 'node:crypto';
import { CALLER_CONTEXT_HEADER, newNonce, signCallerContext } from '@shuzhi/signing';
import { graphqlUrlOf, type SubgraphEndpoints } from './subgraph-endpoints.js';

export interface SubgraphSdl {
  name: string;
  /** The GraphQL endpoint the supergraph routes to. */
  url: string;
  sdl: string;
}

/**
 * The gateway asking on its own behalf: it reads schemas, so it needs no role, and a subgraph
 * accepts nothing unsigned, the schema query included.
 */
export const GATEWAY_CLIENT = { clientId: 'gateway', department: 'data-bureau', roles: [] } as const;

const SERVICE_SDL_QUERY = JSON.stringify({ query: '{ _service { sdl } }' });

/** Each subgraph's federation SDL (`{ _service { sdl } }`), asked with the gateway's signature. */
export const fetchSubgraphSdls = (subgraphs: SubgraphEndpoints, privateKey: KeyObject, timeoutMs = 10_000): Promise<SubgraphSdl[]> =>
  Promise.all(Object.entries(subgraphs).map(([name, baseUrl]) => fetchSubgraphSdl(name, graphqlUrlOf(baseUrl), privateKey, timeoutMs)));

const fetchSubgraphSdl = async (name: string, url: string, privateKey: KeyObject, timeoutMs: number): Promise<SubgraphSdl> => {
  const body = SERVICE_SDL_QUERY;
  const context = signCallerContext(
    {
      clientId: GATEWAY_CLIENT.clientId,
      department: GATEWAY_CLIENT.department,
      roles: [...GATEWAY_CLIENT.roles],
      purpose: null,
      decisionId: randomUUID(),
      correlationId: randomUUID(),
      audience: name,
      nonce: newNonce(),
      issuedAt: new Date().toISOString(),
    },
    privateKey,
    { body },
  );
  let answer: { data?: { _service?: { sdl?: unknown } }; errors?: Array<{ message: string }> };
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', [CALLER_CONTEXT_HEADER]: context },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    answer = (await response.json()) as typeof answer;
  } catch (error) {
    throw new Error(`subgraph ${name} (${url}) did not give its schema: ${(error as Error).message}`, { cause: error });
  }
  const sdl = answer.data?._service?.sdl;
  if (typeof sdl !== 'string') {
    const reasons = answer.errors?.map((error) => error.message).join('; ') ?? 'no _service.sdl in the answer';
    throw new Error(`subgraph ${name} (${url}) did not give its schema: ${reasons}`);
  }
  return { name, url, sdl };
};
