import { getEventListeners } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import httpTransport from '@graphql-mesh/transport-http';
import { parse } from 'graphql';
import { waitUntil } from '@shuzhi/testing';

/**
 * The HTTP transport the gateway calls subgraphs with, as patched in patches/ (see the patch's
 * comment): a request must not leave a listener behind on a signal that outlives it, and
 * disposing the executor (a recomposition retiring the old one) must still abort a request
 * in flight.
 */
describe('subgraph HTTP transport', () => {
  let server: Server;
  let url: string;
  let held: ServerResponse | undefined;
  let heldClosed = false;
  const answer = (request: IncomingMessage, response: ServerResponse) => {
    request.resume();
    request.on('end', () => {
      if (request.headers['x-hold'] === 'yes') {
        held = response;
        response.on('close', () => (heldClosed = true));
        return;
      }
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ data: { ping: 'pong' } }));
    });
  };

  beforeAll(async () => {
    server = createServer(answer);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  afterAll(async () => {
    held?.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  const executorFor = () =>
    httpTransport.getSubgraphExecutor({
      subgraphName: 'probe',
      transportEntry: { kind: 'http', subgraph: 'probe', location: url },
      fetch: fetch as never,
      getDisposeReason: () => new Error('executor disposed'),
    } as never) as unknown as ((request: object) => Promise<{ data?: unknown; errors?: Array<{ message: string }> }>) & AsyncDisposable;

  it('leaves no abort listener behind on any signal once its requests are answered', async () => {
    const execute = executorFor();
    const signals = new Set<EventTarget>();
    // Every signal a listener is added to, whoever adds it: the transport's own are private.
    const original = EventTarget.prototype.addEventListener;
    EventTarget.prototype.addEventListener = function (this: EventTarget, ...args: Parameters<EventTarget['addEventListener']>) {
      if (args[0] === 'abort') signals.add(this);
      return original.apply(this, args);
    };
    try {
      for (let i = 0; i < 40; i++) {
        expect(await execute({ document: parse('{ ping }') })).toEqual({ data: { ping: 'pong' } });
      }
    } finally {
      EventTarget.prototype.addEventListener = original;
    }
    // Unpatched, the executor's dispose signal held one listener per request answered (40 here).
    const most = Math.max(...[...signals].map((signal) => getEventListeners(signal, 'abort').length));
    expect(most).toBeLessThan(5);
    await execute[Symbol.asyncDispose]();
  });

  it('aborts a request in flight when the executor is disposed', async () => {
    const execute = executorFor();
    const pending = execute({ document: parse('{ ping }'), extensions: { headers: { 'x-hold': 'yes' } } });
    await waitUntil(() => held !== undefined, { what: 'the held request to arrive' });
    let result: Awaited<typeof pending> | undefined;
    void pending.then((settled) => (result = settled));
    await execute[Symbol.asyncDispose]();
    await waitUntil(() => result !== undefined, { what: 'the request in flight to end' });
    expect(result!.errors?.[0]?.message).toMatch(/disposed/);
    await waitUntil(() => heldClosed, { what: 'the aborted request to close its connection' });
  });
});
