import { ApolloFederationDriver, type ApolloFederationDriverConfig } from '@nestjs/apollo';
import { GraphQLModule } from '@nestjs/graphql';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import type { KeyObject } from 'node:crypto';
import { NonceLedger } from '@shuzhi/signing';
import { callerFrom, type SubgraphContext } from './caller.js';
import { formatError } from './errors.js';

/**
 * Federation 2.9, not @nestjs/graphql's default 2.14: the composition library we use knows
 * v2.0 to v2.9 (shared/NOTES.md). `@cacheTag` is newer than 2.9, so it is left out.
 */
export const FEDERATION_DIRECTIVES = [
  '@authenticated', '@composeDirective', '@context', '@cost', '@extends', '@external', '@fromContext', '@inaccessible',
  '@interfaceObject', '@key', '@listSize', '@override', '@policy', '@provides', '@requires', '@requiresScopes',
  '@shareable', '@tag',
];

export interface SubgraphGraphQLOptions {
  /** The gateway's public key: requests must carry a context it signed. */
  gatewayPublicKey: KeyObject;
  /** This subgraph's name, as the gateway addresses its contexts (its name in the gateway's SUBGRAPHS). */
  name: string;
}

/** The GraphQL module every Shuzhi subgraph mounts: federation, caller check, API.md errors. */
export const subgraphGraphQLModule = (options: SubgraphGraphQLOptions) => {
  const check = { publicKey: options.gatewayPublicKey, audience: options.name, nonces: new NonceLedger() };
  return GraphQLModule.forRoot<ApolloFederationDriverConfig>({
    driver: ApolloFederationDriver,
    autoSchemaFile: {
      federation: { version: 2, importUrl: 'https://specs.apollo.dev/federation/v2.9', directives: FEDERATION_DIRECTIVES },
    },
    sortSchema: true,
    context: ({ req }: { req: Parameters<typeof callerFrom>[0] }): SubgraphContext => ({
      // Freshness is the transport's: real time, never a domain clock that tests move.
      caller: callerFrom(req, check, new Date()),
    }),
    formatError,
    includeStacktraceInErrorResponses: false,
    // Federated tracing is Apollo Studio's; our gateway records access itself.
    plugins: [ApolloServerPluginInlineTraceDisabled()],
    // Clients reach subgraphs only through the gateway, which decides about introspection.
    introspection: true,
    playground: false,
  });
};
