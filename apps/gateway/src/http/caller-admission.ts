import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { ApiKeyAuthenticator, Authentication } from '../authentication/api-key-authenticator.js';
import { sourceOfAddress } from '../authentication/failed-key-attempts.js';
import { plainCorrelationId } from '../observability/correlation-id.js';
import type { AuthenticatedCaller, GatewayRequest } from '../runtime/gateway-request.js';

/**
 * A caller as either door sees it: the headers it sent (over graphql-ws, its upgrade request's
 * with its connection parameters over them) and the address of its socket. Both doors admit it
 * with the functions here, so a key, a purpose and a correlation id mean the same over each.
 */
export interface CallerPresentation {
  /** Lower-case names, as Node gives them. */
  headers: IncomingHttpHeaders;
  remoteAddress: string | undefined;
}

// Request headers the runtime and the policies may read; the API key stays here.
const FORWARDED_HEADERS = /^(accept|content-type|x-.*)$/;

/** The caller its `authorization: Bearer <apiKey>` names, or why it is refused. */
export const authenticateCaller = (authenticator: ApiKeyAuthenticator, presented: CallerPresentation): Promise<Authentication> => {
  const match = /^Bearer +(\S+) *$/i.exec(header(presented.headers, 'authorization') ?? '');
  if (!match) return Promise.resolve({ ok: false, refused: 'WRONG_KEY' });
  // Failures count against the socket's address: a forwarding header is the client's to write.
  return authenticator.authenticate(match[1], sourceOfAddress(presented.remoteAddress));
};

/** A refused key in the caller's words: wrong (HTTP 401), or not looked at yet (429, with when to retry). */
export interface KeyRefusal {
  status: 401 | 429;
  reason: string;
  retryAfterSeconds?: number;
}

/** Why the key was refused; `presentKey` says where this door expects the key. */
export const keyRefusal = (authentication: Authentication & { ok: false }, presentKey: string): KeyRefusal => {
  if (authentication.refused === 'WRONG_KEY') return { status: 401, reason: `a valid API key is required: ${presentKey}` };
  const reason =
    authentication.refused === 'TOO_MANY_FAILURES'
      ? `too many wrong API keys from this address: keys not yet verified are refused for ${authentication.retryAfterSeconds} s`
      : 'too many API keys are being verified at once: retry in a second';
  return { status: 429, reason, retryAfterSeconds: authentication.retryAfterSeconds };
};

/** One operation of an authenticated caller, as the runtime and the policies receive it. */
export const admitOperation = (headers: IncomingHttpHeaders, caller: AuthenticatedCaller, gone?: AbortSignal): GatewayRequest => ({
  caller,
  purpose: header(headers, 'x-purpose') ?? null,
  decisionId: randomUUID(),
  correlationId: plainCorrelationId(header(headers, 'x-correlation-id')),
  gone,
});

/** The headers the runtime is given: never the key. `jsonBody`: the body was read as JSON, whatever the client called it. */
export const forwardedHeaders = (headers: IncomingHttpHeaders, jsonBody: boolean): Headers => {
  const forwarded = new Headers();
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && FORWARDED_HEADERS.test(name)) forwarded.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  if (jsonBody) forwarded.set('content-type', 'application/json');
  return forwarded;
};

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return (Array.isArray(value) ? value[0] : value)?.trim() || undefined;
};
