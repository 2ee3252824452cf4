import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  GraphQLError,
  getOperationAST,
  parse,
  subscribe,
  validate,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import { callerFrom, type CallerCheck, type SubgraphContext } from '../caller.js';
import { apiError, formatError } from '../errors.js';

/** A comment line now and then, so that an idle stream is seen alive (and a dead one found). */
const KEEP_ALIVE_MS = 15_000;

type Request = IncomingMessage & { rawBody?: Buffer; body?: unknown };

const acceptsEventStream = (request: IncomingMessage) => /\btext\/event-stream\b/.test(request.headers.accept ?? '');

const formatted = (result: ExecutionResult): { data?: unknown; errors?: GraphQLFormattedError[] } => ({
  ...(result.data !== undefined ? { data: result.data } : {}),
  ...(result.errors?.length ? { errors: result.errors.map((e) => formatError(e.toJSON(), e)) } : {}),
});

/**
 * Subscriptions over GraphQL over SSE (distinct connections), the way the gateway asks a
 * subgraph for them: `POST /graphql` with `Accept: text/event-stream`, the gateway's signed
 * context checked as for any request, then one `next` event per result and `complete` at the end.
 * Apollo Server serves queries and mutations; it does not serve subscriptions over HTTP, so
 * this answers those before it. Backpressure is the socket's: the next result is not asked for
 * until the last one is written, so a feed's own bound (cut with a cursor) is what a slow reader
 * meets.
 */
export const serveSubscriptions =
  (schemaOf: () => GraphQLSchema, check: CallerCheck) =>
  (request: Request, response: ServerResponse, next: () => void): void => {
    if (request.method !== 'POST' || !acceptsEventStream(request)) return next();
    const body = (request.body ?? {}) as { query?: unknown; variables?: unknown; operationName?: unknown };
    let document: DocumentNode;
    try {
      if (typeof body.query !== 'string') return next();
      document = parse(body.query);
    } catch {
      return next();
    }
    const operationName = typeof body.operationName === 'string' ? body.operationName : undefined;
    if (getOperationAST(document, operationName)?.operation !== 'subscription') return next();
    void stream(request, response, schemaOf(), check, document, operationName, body.variables);
  };

const stream = async (
  request: Request,
  response: ServerResponse,
  schema: GraphQLSchema,
  check: CallerCheck,
  document: DocumentNode,
  operationName: string | undefined,
  variables: unknown,
): Promise<void> => {
  let closed = false;
  response.on('close', () => (closed = true));
  const send = async (event: 'next' | 'complete', data?: unknown): Promise<void> => {
    if (closed) return;
    const ok = response.write(`event: ${event}\ndata: ${data === undefined ? '' : JSON.stringify(data)}\n\n`);
    if (!ok && !closed) await new Promise((resolve) => response.once('drain', resolve).once('close', resolve));
  };

  let context: SubgraphContext;
  try {
    context = { caller: callerFrom(request, check, new Date()) };
  } catch (error) {
    // As Apollo answers a request without the gateway's context: 401, no stream.
    const refused = error instanceof GraphQLError ? error : apiError('UNAUTHENTICATED', 'request refused');
    response.writeHead(401, { 'content-type': 'application/json; charset=utf-8' });
    return void response.end(JSON.stringify(formatted({ errors: [refused] })));
  }
  let result: ExecutionResult | AsyncIterable<ExecutionResult>;
  try {
    const errors = validate(schema, document);
    if (errors.length > 0) result = { errors };
    else if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) {
      result = { errors: [apiError('VALIDATION_FAILED', 'variables must be an object')] };
    } else {
      result = await subscribe({ schema, document, operationName, variableValues: variables as Record<string, unknown> | undefined, contextValue: context });
    }
  } catch (error) {
    result = { errors: [error instanceof GraphQLError ? error : new GraphQLError('internal error', { originalError: error as Error })] };
  }

  response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
  response.flushHeaders();
  if (!(Symbol.asyncIterator in result)) {
    await send('next', formatted(result));
    await send('complete');
    return void response.end();
  }
  const iterator = result[Symbol.asyncIterator]();
  // A reader that goes away ends its source at once (a feed waiting for its next change too).
  const end = () => void iterator.return?.();
  if (closed) end();
  else response.on('close', end);
  const keepAlive = setInterval(() => !closed && response.write(':\n\n'), KEEP_ALIVE_MS);
  try {
    while (!closed) {
      const { done, value } = await iterator.next();
      if (done) break;
      await send('next', formatted(value));
    }
  } catch (error) {
    // The source ended in error (a feed cut, say): its last word, in API.md's shape.
    const failure = error instanceof GraphQLError ? error : new GraphQLError('internal error', { originalError: error as Error });
    await send('next', formatted({ errors: [failure] }));
  } finally {
    clearInterval(keepAlive);
  }
  await send('complete');
  response.end();
};
