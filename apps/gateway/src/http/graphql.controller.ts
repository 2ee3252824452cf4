import type { IncomingMessage, ServerResponse } from 'node:http';
import { Controller, Get, Inject, Post, Req, Res } from '@nestjs/common';
import type { GraphQLFormattedError } from 'graphql';
import { GatewayClients } from '../authentication/gateway-clients.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config.js';
import { toApiError, type ApiErrorCode } from '../runtime/api-errors.js';
import type { GatewayContextAdditions } from '../runtime/gateway-request.js';
import { GatewayRuntimeHost } from '../runtime/gateway-runtime.host.js';
import { admitOperation, authenticateCaller, forwardedHeaders, keyRefusal, type KeyRefusal } from './caller-admission.js';
import { checkRequestBody, readBody } from './graphql-request-body.js';

/**
 * The one door: `/graphql`. Authentication, the body limit and the body's shape are checked
 * here, before anything is parsed as GraphQL; the rest is the runtime's.
 */
@Controller('graphql')
export class GraphqlController {
  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly clients: GatewayClients,
    private readonly host: GatewayRuntimeHost,
  ) {}

  @Post()
  async post(@Req() request: IncomingMessage, @Res() response: ServerResponse): Promise<void> {
    await this.serve(request, response, async () => {
      const read = await readBody(request, this.config.maxBodyBytes);
      if (!read.ok) {
        return refusal(413, 'VALIDATION_FAILED', `the request body is larger than ${this.config.maxBodyBytes} bytes`);
      }
      const verdict = checkRequestBody(read.body);
      return verdict.ok ? read.body : refusal(400, 'VALIDATION_FAILED', verdict.reason);
    });
  }

  @Get()
  async get(@Req() request: IncomingMessage, @Res() response: ServerResponse): Promise<void> {
    await this.serve(request, response, async () => undefined);
  }

  private async serve(
    request: IncomingMessage,
    response: ServerResponse,
    readRequestBody: () => Promise<string | undefined | Refusal>,
  ): Promise<void> {
    try {
      const authentication = await authenticateCaller(this.clients.authenticator, { headers: request.headers, remoteAddress: request.socket.remoteAddress });
      if (!authentication.ok) {
        request.resume();
        return sendUnauthenticated(response, keyRefusal(authentication, 'Authorization: Bearer <apiKey>'));
      }
      const body = await readRequestBody();
      if (typeof body === 'object') return send(response, body);
      const gone = new AbortController();
      response.once('close', () => gone.abort());
      const context: GatewayContextAdditions = { shuzhi: admitOperation(request.headers, authentication.caller, gone.signal) };
      const answer = await this.host.runtime.fetch(
        new URL(request.url ?? '/graphql', 'http://gateway'),
        { method: request.method, headers: forwardedHeaders(request.headers, body !== undefined), body },
        context,
      );
      response.statusCode = answer.status;
      answer.headers.forEach((value, name) => response.setHeader(name, value));
      if (answer.body && /^text\/event-stream/.test(answer.headers.get('content-type') ?? '')) return await stream(answer.body, response);
      response.end(Buffer.from(await answer.arrayBuffer()));
    } catch (error) {
      console.error('gateway: request failed:', error);
      if (!response.headersSent) send(response, refusal(500, 'INTERNAL', 'internal error'));
      else response.destroy();
    }
  }
}

/**
 * A subscription's events, written as the caller reads them: the next is taken from the runtime
 * only once the socket has room (so a slow reader fills its feed's buffer, and is cut there,
 * rather than the gateway's memory), and a caller that goes away ends the stream behind it.
 */
const stream = async (body: ReadableStream<Uint8Array>, response: ServerResponse): Promise<void> => {
  const reader = body.getReader();
  let gone = false;
  response.on('close', () => {
    gone = true;
    void reader.cancel().catch(() => undefined);
  });
  response.flushHeaders();
  while (!gone) {
    const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
    if (done) break;
    if (!response.write(value) && !gone) await drained(response);
  }
  response.end();
};

/** Until the socket takes writes again or closes; either way the other listener goes, so a long stream does not gather them. */
const drained = (response: ServerResponse): Promise<void> =>
  new Promise((resolve) => {
    const done = () => {
      response.off('drain', done).off('close', done);
      resolve();
    };
    response.once('drain', done).once('close', done);
  });

const sendUnauthenticated = (response: ServerResponse, { status, reason, retryAfterSeconds }: KeyRefusal): void =>
  send(
    response,
    refusal(status, 'UNAUTHENTICATED', reason),
    retryAfterSeconds === undefined ? { 'www-authenticate': 'Bearer' } : { 'retry-after': String(retryAfterSeconds) },
  );

interface Refusal {
  status: number;
  error: GraphQLFormattedError;
}

const refusal = (status: number, code: ApiErrorCode, reason: string): Refusal => ({
  status,
  error: toApiError({ message: reason, extensions: { code } }),
});

const send = (response: ServerResponse, { status, error }: Refusal, headers: Record<string, string> = {}): void => {
  response.statusCode = status;
  response.setHeader('content-type', 'application/json; charset=utf-8');
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  response.end(JSON.stringify({ errors: [error] }));
};
