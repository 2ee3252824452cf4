import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const CORRELATION_ID_HEADER = 'x-correlation-id';

/** A plain token: anything else could smuggle text into logs and events. */
const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The client's own correlation id when it is a plain token, a new one otherwise. */
export const plainCorrelationId = (given: string | undefined): string => (given && CORRELATION_ID.test(given) ? given : randomUUID());

/**
 * The request's correlation id, settled before anything else runs. It is written back onto the
 * request, where the GraphQL controller takes it for the caller context (and so for the events'
 * metadata and the access record), and echoed on the response, so the caller can quote it.
 */
export const settleCorrelationId = (request: IncomingMessage, response: ServerResponse): string => {
  const given = request.headers[CORRELATION_ID_HEADER];
  const correlationId = plainCorrelationId((Array.isArray(given) ? given[0] : given)?.trim());
  request.headers[CORRELATION_ID_HEADER] = correlationId;
  response.setHeader(CORRELATION_ID_HEADER, correlationId);
  return correlationId;
};
