/** One server-sent event: its name (`message` when it gave none) and its data, parsed as JSON when it is. */
export interface ServerSentEvent {
  event: string;
  data: unknown;
}

/**
 * A `text/event-stream` response read event by event, the way a GraphQL over SSE client reads it
 * (comment lines skipped, CRLF or LF, data over several lines joined). `next` waits at most its
 * timeout and says so; `close` drops the connection, as a client that goes away does.
 */
export class EventStream {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();
  private buffered = '';
  private readonly events: ServerSentEvent[] = [];
  private ended = false;

  constructor(
    readonly response: Response,
    private readonly abort: AbortController,
  ) {
    this.reader = response.body!.getReader();
  }

  /** The next event, or null once the server ended the stream. */
  async next(timeoutMs = 10_000): Promise<ServerSentEvent | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const event = this.events.shift();
      if (event) return event;
      if (this.ended) return null;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no server-sent event within ${timeoutMs} ms`);
      let timer: NodeJS.Timeout | undefined;
      const chunk = await Promise.race([
        this.reader.read(),
        new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), left))),
      ]).finally(() => clearTimeout(timer));
      if (chunk === 'timeout') continue;
      if (chunk.done) this.ended = true;
      else this.take(this.decoder.decode(chunk.value, { stream: true }));
    }
  }

  /** Every `next` event's data until `complete` or the end of the stream. */
  async rest(timeoutMs = 10_000): Promise<unknown[]> {
    const results: unknown[] = [];
    for (let event = await this.next(timeoutMs); event && event.event !== 'complete'; event = await this.next(timeoutMs)) {
      results.push(event.data);
    }
    return results;
  }

  close(): void {
    this.abort.abort();
  }

  private take(text: string): void {
    this.buffered += text.replace(/\r\n/g, '\n');
    for (let end = this.buffered.indexOf('\n\n'); end >= 0; end = this.buffered.indexOf('\n\n')) {
      const block = this.buffered.slice(0, end);
      this.buffered = this.buffered.slice(end + 2);
      let name = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        if (line.startsWith('event:')) name = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (data.length === 0 && name === 'message') continue;
      const joined = data.join('\n');
      let parsed: unknown = joined;
      try {
        parsed = joined === '' ? null : JSON.parse(joined);
      } catch {
        // Not JSON: kept as text.
      }
      this.events.push({ event: name, data: parsed });
    }
  }
}

/** Opens an event stream with `fetch`; an answer that is not one is returned as it came. */
export const openEventStream = async (url: string, init: RequestInit): Promise<EventStream | { status: number; body: unknown }> => {
  const abort = new AbortController();
  const response = await fetch(url, { ...init, signal: abort.signal });
  if (!(response.headers.get('content-type') ?? '').includes('text/event-stream')) {
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON: kept as text.
    }
    return { status: response.status, body };
  }
  return new EventStream(response, abort);
};
