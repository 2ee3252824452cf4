import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CALLER_CONTEXT_HEADER, NonceLedger, verifyCallerContext, type CallerContext, type SigningKeyPair } from '@shuzhi/signing';

/** What the probe answers to a query: a result, or nothing ever (an upstream that hangs). */
export type ProbeAnswer = Record<string, unknown> | 'hang';

/**
 * A minimal federation subgraph on node:http: it serves a fixed SDL, checks the gateway's
 * signed context on every request like a Shuzhi subgraph does, and keeps what it verified,
 * so a test can see exactly what the gateway vouched for. Its `sdl` can change while it runs,
 * as a redeployed subgraph's would.
 */
export class ProbeSubgraph {
  private server!: Server;
  readonly received: Array<{ query: string; context: CallerContext }> = [];
  url = '';

  private constructor(public sdl: string) {}

  /** `name`: the name the gateway knows it by, which the contexts it receives must address. */
  static async start(
    sdl: string,
    gatewayKeys: SigningKeyPair,
    answer: (query: string) => ProbeAnswer = () => ({}),
    name = 'probe',
  ): Promise<ProbeSubgraph> {
    const probe = new ProbeSubgraph(sdl);
    const nonces = new NonceLedger();
    const received = probe.received;
    const server = (probe.server = createServer((request, response) => {
      if (request.method === 'GET' && request.url === '/health') return void response.end('{"status":"ok"}');
      void readAll(request).then((body) => {
        const send = (status: number, payload: unknown) => {
          response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
        };
        let context: CallerContext;
        try {
          const header = request.headers[CALLER_CONTEXT_HEADER];
          context = verifyCallerContext(Array.isArray(header) ? header[0] : header, gatewayKeys.publicKey, { now: new Date(), body, audience: name, nonces });
        } catch (error) {
          return send(401, { errors: [{ message: (error as Error).message, extensions: { code: 'UNAUTHENTICATED' } }] });
        }
        const { query } = JSON.parse(body) as { query: string };
        received.push({ query, context });
        if (query.includes('_service')) return send(200, { data: { _service: { sdl: probe.sdl } } });
        const data = answer(query);
        if (data !== 'hang') send(200, { data });
      });
    }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    probe.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return probe;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

const readAll = async (request: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};
