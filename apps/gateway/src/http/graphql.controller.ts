import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Controller, Get, Inject, Post, Req, Res } from '@nestjs/common';
import type { GraphQLFormattedError } from 'graphql';
import type { Authentication } from '../authentication/api-key-authenticator.js';
import { sourceOfAddress } from '../authentication/failed-key-attempts.js';
import { GatewayClients } from '../authentication/gateway-clients.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config.js';
import { toApiError, type ApiErrorCode } from '../runtime/api-errors.js';
import type { AuthenticatedCaller, GatewayContextAdditions, GatewayRequest } from '../runtime/gateway-request.js';
import { GatewayRuntimeHost } from '../runtime/gateway-runtime.host.js';
import { checkRequestBody, readBody } from './graphql-request-body.js';

// Request headers the runtime and the policies may read; the API key stays here.
const FORWARDED_HEADERS = /^(accept|content-type|x-.*)$/;
const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

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
      const authentication = await this.authenticate(request);
      if (!authentication.ok) {
        request.resume();
        return sendUnauthenticated(response, authentication);
      }
      const caller = authentication.caller;
      const body = await readRequestBody();
      if (typeof body === 'object') return send(response, body);
      const context: GatewayContextAdditions = { shuzhi: admit(request, caller) };
      const answer = await this.host.runtime.fetch(
        new URL(request.url ?? '/graphql', 'http://gateway'),
        { method: request.method, headers: forwardedHeaders(request, body !== undefined), body },
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

  private async authenticate(request: IncomingMessage): Promise<Authentication> {
    const match = /^Bearer +(\S+) *$/i.exec(request.headers.authorization ?? '');
    if (!match) return { ok: false, refused: 'WRONG_KEY' };
    // Failures count against the socket's address: a forwarding header is the client's to write.
    return this.clients.authenticator.authenticate(match[1], sourceOfAddress(request.socket.remoteAddress));
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
    if (!response.write(value) && !gone) await new Promise((resolve) => response.once('drain', resolve).once('close', resolve));
  }
  response.end();
};

const sendUnauthenticated = (response: ServerResponse, authentication: Authentication & { ok: false }): void => {
  if (authentication.refused === 'WRONG_KEY') {
    return send(response, refusal(401, 'UNAUTHENTICATED', 'a valid API key is required: Authorization: Bearer <apiKey>'), {
      'www-authenticate': 'Bearer',
    });
  }
  const reason =
    authentication.refused === 'TOO_MANY_FAILURES'
      ? `too many wrong API keys from this address: keys not yet verified are refused for ${authentication.retryAfterSeconds} s`
      : 'too many API keys are being verified at once: retry in a second';
  send(response, refusal(429, 'UNAUTHENTICATED', reason), { 'retry-after': String(authentication.retryAfterSeconds) });
};

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

const header = (request: IncomingMessage, name: string): string | undefined => {
  const value = request.headers[name];
  return (Array.isArray(value) ? value[0] : value)?.trim() || undefined;
};

const admit = (request: IncomingMessage, caller: AuthenticatedCaller): GatewayRequest => {
  const correlationId = header(request, 'x-correlation-id');
  return {
    caller,
    purpose: header(request, 'x-purpose') ?? null,
    decisionId: randomUUID(),
    // A client's own correlation id is kept when it is a plain token; anything else could
    // smuggle text into logs and events, so it is replaced.
    correlationId: correlationId && CORRELATION_ID.test(correlationId) ? correlationId : randomUUID(),
  };
};

const forwardedHeaders = (request: IncomingMessage, jsonBody: boolean): Headers => {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined && FORWARDED_HEADERS.test(name)) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  // The body was read as JSON above, whatever the client called it.
  if (jsonBody) headers.set('content-type', 'application/json');
  return headers;
};
