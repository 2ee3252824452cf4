import { ApolloFederationDriver, type ApolloFederationDriverConfig } from '@nestjs/apollo';
import { Inject, Module, RequestMethod, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { GraphQLModule, GraphQLSchemaHost } from '@nestjs/graphql';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import type { KeyObject } from 'node:crypto';
import { NonceLedger } from '@shuzhi/signing';
import { callerFrom, type CallerCheck, type SubgraphContext } from './caller.js';
import { serveSubscriptions } from './change-feeds/sse-subscriptions.js';
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

const CALLER_CHECK = Symbol('CALLER_CHECK');

/** Subscriptions over SSE, answered before Apollo (which serves the rest of `/graphql`). */
@Module({})
class SubgraphSubscriptions implements NestModule {
  constructor(
    @Inject(CALLER_CHECK) private readonly check: CallerCheck,
    private readonly schemaHost: GraphQLSchemaHost,
  ) {}

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(serveSubscriptions(() => this.schemaHost.schema, this.check)).forRoutes({ path: 'graphql', method: RequestMethod.POST });
  }
}

/** The GraphQL module every Shuzhi subgraph mounts: federation, caller check, API.md errors, subscriptions. */
export const subgraphGraphQLModule = (options: SubgraphGraphQLOptions): DynamicModule => {
  const check: CallerCheck = { publicKey: options.gatewayPublicKey, audience: options.name, nonces: new NonceLedger() };
  const graphql = GraphQLModule.forRoot<ApolloFederationDriverConfig>({
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
  return {
    module: SubgraphSubscriptions,
    imports: [graphql],
    providers: [{ provide: CALLER_CHECK, useValue: check }],
    exports: [graphql],
  };
};
