import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { Inject, Injectable, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { getGraphQLWSOptions } from '@graphql-hive/gateway-runtime';
import type { ExecutionResult, GraphQLError, GraphQLFormattedError } from 'graphql';
import { CloseCode, type ConnectionInitMessage, type Context, type Disposable } from 'graphql-ws';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { GatewayClients } from '../authentication/gateway-clients.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config.js';
import { gatewayError, toApiError } from '../runtime/api-errors.js';
import type { GatewayContextAdditions } from '../runtime/gateway-request.js';
import { GatewayRuntimeHost } from '../runtime/gateway-runtime.host.js';
import { admitOperation, authenticateCaller, forwardedHeaders, keyRefusal, type CallerPresentation } from './caller-admission.js';

/** Where graphql-ws listens: the same door as GraphQL over HTTP. */
export const GRAPHQL_PATH = '/graphql';

/** A socket that has not said who it is within this long is closed (4408): an unauthenticated socket holds nothing long. */
export const CONNECTION_INIT_TIMEOUT_MS = 3_000;

/** Where a graphql-ws client gives its key. */
const PRESENT_KEY = 'connection parameter authorization: Bearer <apiKey>';

/** WebSocket's "try again later": a key not looked at yet is not a wrong key, and graphql-ws clients retry on it. */
const TRY_AGAIN_LATER = 1013;

/** What one operation on a socket runs with, as an HTTP request's would: its caller, and a Request of its own. */
type OperationAdmission = GatewayContextAdditions & { request: Request };
type OperationExtra = { operation: OperationAdmission };
type SocketExtra = Extra & Partial<OperationExtra>;
type SocketContext = Context<ConnectionInitMessage['payload'], SocketExtra>;

/**
 * GraphQL over WebSocket (`graphql-transport-ws`, the `graphql-ws` library) on the gateway's
 * `/graphql`, as Hive Gateway serves it (`useServer` with the runtime's `getGraphQLWSOptions`):
 * every operation goes through the runtime's own pipeline, so query limits, contract
 * enforcement, access records, masking and feeds decide it exactly as over HTTP.
 *
 * The caller is admitted as over HTTP, from its connection parameters, which stand for headers
 * (`authorization`, `purpose` for X-Purpose, `x-correlation-id`, `x-partial`) over those of its
 * upgrade request. Its key is checked at `connection_init`, failures counting against the socket's
 * address like any wrong key; a refused key closes the socket (4403, or 1013 when the key was not
 * looked at: retry later). It is checked again for every operation, so a key revoked meanwhile
 * serves nothing more on a socket it opened (its feeds end through the feed registry). A purpose
 * is an operation's matter, as for reads: a feed without one is refused with PURPOSE_REQUIRED.
 *
 * Bounds: a message is at most the HTTP body limit (larger closes the socket, 1009); a socket
 * must say who it is within CONNECTION_INIT_TIMEOUT_MS; a silent peer is dropped by the
 * keep-alive ping; a feed is written only as fast as its socket takes it, so a slow reader fills
 * its own feed's buffer and is cut there; and the feeds one client may hold open are counted
 * by the enforcement whichever transport opened them.
 */
@Injectable()
export class GraphqlWebSocketServer implements OnModuleInit, BeforeApplicationShutdown {
  /** The caller each acknowledged socket presented at `connection_init`. */
  private readonly callers = new WeakMap<SocketContext, CallerPresentation>();
  private server: Disposable | undefined;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly clients: GatewayClients,
    private readonly host: GatewayRuntimeHost,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    const sockets = new WebSocketServer({ server: this.adapterHost.httpAdapter.getHttpServer(), path: GRAPHQL_PATH, maxPayload: this.config.maxBodyBytes });
    const hive = getGraphQLWSOptions<GatewayContextAdditions, SocketExtra>(this.host.runtime, (ctx) => ({
      ...ctx.extra.operation,
      // Hive merges connection parameters into the headers the policies read: the key would be among them.
      connectionParams: undefined,
    }));
    this.server = useServer<ConnectionInitMessage['payload'], OperationExtra>(
      {
        ...hive,
        connectionInitWaitTimeout: CONNECTION_INIT_TIMEOUT_MS,
        onConnect: (ctx) => this.connect(ctx),
        onSubscribe: async (ctx, id, payload) => {
          const operation = await this.admit(ctx);
          if ('refused' in operation) return [operation.refused];
          return hive.onSubscribe!({ ...ctx, extra: { ...ctx.extra, operation } }, id, payload);
        },
        onNext: (_ctx, _id, _payload, _args, result) => (result.errors ? asDelivered(result) : undefined),
        onError: (_ctx, _id, _payload, errors) => errors.map(asDeliveredError),
      },
      sockets,
    );
  }

  /**
   * Open sockets close (1001, going away: graphql-ws clients reconnect elsewhere and resume after
   * the last change they were given) before the HTTP server closes, which waits for every
   * connection; their feeds end with them.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.server?.dispose();
  }

  private async connect(ctx: SocketContext): Promise<boolean> {
    const { request, socket } = ctx.extra;
    const presented: CallerPresentation = { headers: presentedHeaders(request, ctx.connectionParams), remoteAddress: request.socket.remoteAddress };
    try {
      const authentication = await authenticateCaller(this.clients.authenticator, presented);
      if (!authentication.ok) {
        const refusal = keyRefusal(authentication, PRESENT_KEY);
        socket.close(refusal.status === 429 ? TRY_AGAIN_LATER : CloseCode.Forbidden, refusal.reason);
        return false;
      }
    } catch (error) {
      console.error('gateway: a graphql-ws connection could not be authenticated:', error);
      socket.close(CloseCode.InternalServerError, 'internal error');
      return false;
    }
    this.callers.set(ctx, presented);
    return true;
  }

  /** One operation's admission, as an HTTP request's: the key checked again, the caller's purpose and correlation id taken. */
  private async admit(ctx: SocketContext): Promise<OperationAdmission | { refused: GraphQLError }> {
    // Set for every socket graphql-ws acknowledged, and it takes operations only from those.
    const presented = this.callers.get(ctx)!;
    try {
      const authentication = await authenticateCaller(this.clients.authenticator, presented);
      if (!authentication.ok) return { refused: gatewayError('UNAUTHENTICATED', keyRefusal(authentication, PRESENT_KEY).reason) };
      return {
        shuzhi: admitOperation(presented.headers, authentication.caller, closedSignal(ctx.extra.socket)),
        // One Request per operation, never shared: the policies keep an operation's finishers by
        // it. POST, as an operation over HTTP is sent: the runtime refuses a mutation by GET.
        request: new this.host.runtime.fetchAPI.Request(new URL(ctx.extra.request.url ?? GRAPHQL_PATH, 'http://gateway'), {
          method: 'POST',
          headers: forwardedHeaders(presented.headers, false),
        }),
      };
    } catch (error) {
      console.error('gateway: a graphql-ws operation could not be admitted:', error);
      return { refused: gatewayError('INTERNAL', 'internal error') };
    }
  }
}

/**
 * The headers a graphql-ws caller presents: its upgrade request's, and over them its connection
 * parameters, each standing for the header of its name (as Hive Gateway reads them), `purpose`
 * for X-Purpose as API.md names it. Only text is a header.
 */
const closedSignals = new WeakMap<Extra['socket'], AbortSignal>();

/** Aborts when the socket closes: the feeds it carried are closed behind it. One per socket. */
const closedSignal = (socket: Extra['socket']): AbortSignal => {
  let signal = closedSignals.get(socket);
  if (!signal) {
    const closed = new AbortController();
    socket.once('close', () => closed.abort());
    closedSignals.set(socket, (signal = closed.signal));
  }
  return signal;
};

const presentedHeaders = (request: IncomingMessage, params: Readonly<Record<string, unknown>> | null | undefined): IncomingHttpHeaders => {
  const headers: IncomingHttpHeaders = { ...request.headers };
  for (const [name, value] of Object.entries(params ?? {})) {
    const lower = name.toLowerCase();
    if (typeof value === 'string') headers[lower === 'purpose' ? 'x-purpose' : lower] = value;
  }
  return headers;
};

/**
 * An error as HTTP's answers carry it (API.md codes, nothing of the subgraph request), less
 * `extensions.http`, which Yoga reads and strips from HTTP answers and no socket message needs.
 */
const asDeliveredError = (error: GraphQLError | GraphQLFormattedError): GraphQLFormattedError => {
  const formatted = toApiError(error);
  const { http: _http, ...extensions } = formatted.extensions ?? {};
  return { ...formatted, extensions };
};

// Over HTTP the runtime gives every error its API.md code as the answer is written (an
// onResultProcess hook, which graphql-ws does not run); here each message is written by graphql-ws.
const asDelivered = (result: ExecutionResult) => ({ ...result, errors: result.errors!.map(asDeliveredError) });
