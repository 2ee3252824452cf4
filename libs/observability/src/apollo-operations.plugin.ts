import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { Plugin } from '@nestjs/apollo';
import { outcomeOf } from './http-observation.js';
import { currentRequest } from './request-context.js';

/**
 * A subgraph's GraphQL operations for the request's log line and the operation counter: the
 * correlation id the gateway signed into the caller context, the operation's type and outcome.
 * Found by @nestjs/apollo among the application's providers.
 */
@Plugin()
export class GraphQLOperationsPlugin implements ApolloServerPlugin<{ caller?: { correlationId?: string } }> {
  async requestDidStart({ contextValue }: { contextValue: { caller?: { correlationId?: string } } }): Promise<GraphQLRequestListener<{ caller?: { correlationId?: string } }>> {
    const request = currentRequest();
    if (request && contextValue.caller?.correlationId) request.correlationId = contextValue.caller.correlationId;
    return {
      async didResolveOperation({ operation }) {
        if (request) request.operationType = operation?.operation ?? 'unknown';
      },
      async willSendResponse({ response }) {
        if (!request) return;
        request.operationType ??= 'unknown';
        request.outcome = response.body.kind === 'single' ? outcomeOf(response.body.singleResult.errors as never) : 'ok';
      },
    };
  }
}
