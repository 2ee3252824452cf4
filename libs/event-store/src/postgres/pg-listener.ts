import pg, { type ClientConfig } from 'pg';

const RETRY_MS = 1_000;

/**
 * A LISTEN on one channel that keeps itself connected. `onSignal` runs on every notification
 * and also after each (re)connection: a notification sent while the connection was down is
 * lost, so a listener must then look for itself. Those who rely on it also poll, so a lost
 * notification delays them, never loses anything.
 */
export class PgListener {
  private client: pg.Client | undefined;
  private retry: NodeJS.Timeout | undefined;
  private closed = false;
  private failures = 0;

  constructor(
    private readonly connection: ClientConfig,
    private readonly channel: string,
    private readonly onSignal: (payload: string | undefined) => void,
  ) {}

  start(): void {
    if (!this.client && !this.retry && !this.closed) void this.connect();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }

  private async connect(): Promise<void> {
    this.retry = undefined;
    if (this.closed) return;
    const client = new pg.Client(this.connection);
    const reconnect = () => {
      if (this.client !== client) return;
      this.client = undefined;
      client.end().catch(() => {});
      this.onSignal(undefined);
      if (!this.closed) this.retry = setTimeout(() => void this.connect(), RETRY_MS);
    };
    client.on('notification', (message) => this.onSignal(message.payload));
    client.on('error', reconnect);
    client.on('end', reconnect);
    this.client = client;
    try {
      await client.connect();
      await client.query(`listen "${this.channel.replace(/"/g, '""')}"`);
      this.failures = 0;
      this.onSignal(undefined);
    } catch (error) {
      // Closed while it connected: the attempt was ended, it did not fail.
      if (this.closed) return;
      // Said once, not every second.
      if (this.failures++ === 0) console.warn(`LISTEN ${this.channel} failed, falling back to polling: ${(error as Error).message}`);
      reconnect();
    }
  }
}
