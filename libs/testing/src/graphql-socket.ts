import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/** How the server closed a socket. */
export interface SocketClose {
  code: number;
  reason: string;
}

/**
 * One message of an operation over graphql-ws, in the order they came: a result (`next`), the
 * server's refusal of the operation (`error`, its GraphQL errors), its end (`complete`), or the
 * socket's close under it (`closed`).
 */
export type SocketMessage =
  | { event: 'next'; data: unknown }
  | { event: 'error'; data: unknown[] }
  | { event: 'complete'; data: null }
  | { event: 'closed'; data: SocketClose };

export interface GraphqlSocketOptions {
  /** The local address to connect from: each loopback address is a source of its own to a server. */
  localAddress?: string;
}

/**
 * A graphql-ws (`graphql-transport-ws`) connection to a gateway's `/graphql`, as a department's
 * system holds one: a single socket for all its operations, opened at once and kept open, never
 * reconnected, so that a refusal at `connection_init` is seen as the socket's close. Each
 * operation is read message by message, with a deadline, like an EventStream.
 */
export class GraphqlSocket {
  private closedWith: SocketClose | undefined;
  private acknowledged = false;
  private readonly watchers = new Set<() => void>();
  private readonly client: Client;

  constructor(gatewayUrl: string, connectionParams: Record<string, string>, options: GraphqlSocketOptions = {}) {
    const url = new URL('/graphql', gatewayUrl);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const { localAddress } = options;
    this.client = createClient({
      url: url.toString(),
      webSocketImpl: localAddress
        ? class extends WebSocket {
            constructor(address: string, protocols?: string | string[]) {
              super(address, protocols, { localAddress });
            }
          }
        : WebSocket,
      connectionParams,
      lazy: false,
      retryAttempts: 0,
      // A refused connection is read from `opened()` or from the operations it ends.
      onNonLazyError: () => undefined,
      on: {
        connected: () => this.settle(() => (this.acknowledged = true)),
        closed: (event) => {
          const { code, reason } = event as SocketClose;
          this.settle(() => (this.closedWith ??= { code, reason: String(reason) }));
        },
      },
    });
  }

  /** Once the server acknowledged the connection: `{ acknowledged: true }`; or how it closed it. */
  async opened(timeoutMs = 10_000): Promise<{ acknowledged: true } | { closed: SocketClose }> {
    await this.until(() => this.acknowledged || this.closedWith !== undefined, timeoutMs, 'the connection to be acknowledged or closed');
    return this.closedWith ? { closed: this.closedWith } : { acknowledged: true };
  }

  /** How the server closed the socket, once it has. */
  async closed(timeoutMs = 10_000): Promise<SocketClose> {
    await this.until(() => this.closedWith !== undefined, timeoutMs, 'the socket to close');
    return this.closedWith!;
  }

  /** Starts an operation (a subscription, query or mutation) on this socket. */
  operate(query: string, variables: Record<string, unknown> = {}): SocketOperation {
    return new SocketOperation(this.client, query, variables);
  }

  /** Closes the socket (1000) without completing its operations first, as a client that goes away. */
  async close(): Promise<void> {
    await this.client.dispose();
  }

  private settle(change: () => void): void {
    change();
    for (const watcher of [...this.watchers]) watcher();
  }

  private async until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (done()) return;
    let watcher: () => void = () => undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        watcher = () => done() && resolve();
        this.watchers.add(watcher);
        timer = setTimeout(() => reject(new Error(`waited ${timeoutMs} ms for ${what}`)), timeoutMs);
      });
    } finally {
      clearTimeout(timer);
      this.watchers.delete(watcher);
    }
  }
}

/** One operation's messages as they come; `cancel` completes it from the client's side. */
export class SocketOperation {
  private readonly messages: SocketMessage[] = [];
  private ended = false;
  private wake: (() => void) | undefined;
  readonly cancel: () => void;

  constructor(client: Client, query: string, variables: Record<string, unknown>) {
    this.cancel = client.subscribe(
      { query, variables },
      {
        next: (data) => this.push({ event: 'next', data }),
        error: (error) => {
          if (Array.isArray(error)) this.push({ event: 'error', data: error });
          else if (error && typeof error === 'object' && 'code' in error) {
            const { code, reason } = error as SocketClose;
            this.push({ event: 'closed', data: { code, reason: String(reason) } });
          } else this.push({ event: 'error', data: [{ message: String(error) }] });
          this.ended = true;
        },
        complete: () => {
          this.push({ event: 'complete', data: null });
          this.ended = true;
        },
      },
    );
  }

  /** The next message, or null once the operation has ended and every message was read. */
  async next(timeoutMs = 10_000): Promise<SocketMessage | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const message = this.messages.shift();
      if (message) return message;
      if (this.ended) return null;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no graphql-ws message within ${timeoutMs} ms`);
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        timer = setTimeout(resolve, left);
      }).finally(() => clearTimeout(timer));
      this.wake = undefined;
    }
  }

  /**
   * Every result until the operation ends: each `next`'s data, an `error` message as
   * `{ errors }`, a close under it as `{ closed }`.
   */
  async rest(timeoutMs = 10_000): Promise<unknown[]> {
    const results: unknown[] = [];
    for (let message = await this.next(timeoutMs); message && message.event !== 'complete'; message = await this.next(timeoutMs)) {
      results.push(message.event === 'next' ? message.data : message.event === 'error' ? { errors: message.data } : { closed: message.data });
    }
    return results;
  }

  private push(message: SocketMessage): void {
    this.messages.push(message);
    this.wake?.();
  }
}
