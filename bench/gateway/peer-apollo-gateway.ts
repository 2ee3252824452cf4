import { randomUUID, type KeyObject } from 'node:crypto';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { CALLER_CONTEXT_HEADER, newNonce, signCallerContext, type CallerContext } from '@shuzhi/signing';
import { readSupergraphGraphs } from './supergraph-graphs.js';

export interface PeerGateway {
  url: string;
  stop(): Promise<void>;
}

/**
 * `@apollo/gateway` on the same static supergraph, as a peer in the benchmark only. Our subgraphs
 * answer only a caller context signed over the exact body, so the data source signs in its
 * `fetcher`: the last step before the bytes leave, where the body is the serialized string.
 * Every request is vouched for as one fixed caller: the peer authenticates no one and
 * enforces nothing, like our gateway with its plugins off.
 */
export const startApolloGateway = async (
  supergraphSdl: string,
  privateKey: KeyObject,
  caller: Pick<CallerContext, 'clientId' | 'department' | 'roles' | 'purpose'>,
): Promise<PeerGateway> => {
  const audiences = readSupergraphGraphs(supergraphSdl);
  const signingFetch = async (url: string, init?: RequestInit) => {
    const body = init?.body;
    if (typeof body !== 'string') throw new Error(`refusing to call ${url}: the body to sign is not a string`);
    const audience = audiences.get(url);
    if (!audience) throw new Error(`refusing to call ${url}: it is no subgraph of the supergraph`);
    const context = signCallerContext(
      { ...caller, decisionId: randomUUID(), correlationId: randomUUID(), audience, nonce: newNonce(), issuedAt: new Date().toISOString() },
      privateKey,
      { body },
    );
    const headers = new Headers(init?.headers as HeadersInit | undefined);
    headers.set(CALLER_CONTEXT_HEADER, context);
    return fetch(url, { ...init, headers });
  };
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ url }) => new RemoteGraphQLDataSource({ url, fetcher: signingFetch as never }),
  });
  const server = new ApolloServer({ gateway });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  return { url: url.replace(/\/$/, ''), stop: () => server.stop() };
};
