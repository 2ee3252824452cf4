/** One event of a `text/event-stream` body: its type (`message` when no `event:` line named one) and its data. */
export interface ServerSentEvent {
  event: string;
  data: string;
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * The `text/event-stream` format as the WHATWG HTML standard parses it (§9.2.6), fed text in
 * whatever pieces the network delivers: lines end in LF, CR or CRLF (a CR ending one piece and the
 * LF opening the next are one line end), `:` lines are comments (keep-alives), several `data:`
 * lines are one value joined by LF, and a blank line dispatches the event. An unfinished event at
 * the end of the stream is never dispatched: half an event is no event.
 *
 * One departure from the standard: an event that names its type but has no `data:` line is
 * dispatched too, with empty data, because a GraphQL over SSE `complete` may come that way and
 * must still end the stream.
 */
export class EventStreamParser {
  private line = '';
  private afterCR = false;
  private atStart = true;
  private type = '';
  private data: string[] = [];

  /** The events this piece of text completes, in order. */
  push(text: string): ServerSentEvent[] {
    const events: ServerSentEvent[] = [];
    // Decoding may yield nothing (half a character): that must not forget a CR waiting for its LF.
    if (text === '') return events;
    let from = 0;
    if (this.afterCR && text.charCodeAt(0) === LF) from = 1;
    this.afterCR = false;
    if (this.atStart) {
      this.atStart = false;
      // A byte order mark may open the stream, and only there.
      if (text.charCodeAt(from) === 0xfeff) from += 1;
    }
    for (let i = from; i < text.length; i += 1) {
      const code = text.charCodeAt(i);
      if (code !== LF && code !== CR) continue;
      const event = this.endLine(this.line + text.slice(from, i));
      this.line = '';
      if (event) events.push(event);
      if (code === CR) {
        if (i + 1 === text.length) this.afterCR = true;
        else if (text.charCodeAt(i + 1) === LF) i += 1;
      }
      from = i + 1;
    }
    this.line += text.slice(from);
    return events;
  }

  private endLine(line: string): ServerSentEvent | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.type = value;
    // `id` and `retry` serve EventSource's own reconnection; the feed resumes from its cursor instead.
    return undefined;
  }

  private dispatch(): ServerSentEvent | undefined {
    const event = this.data.length > 0 || this.type !== '' ? { event: this.type || 'message', data: this.data.join('\n') } : undefined;
    this.type = '';
    this.data = [];
    return event;
  }
}

/**
 * The events of a response body, decoded as UTF-8 across chunk boundaries (a character may be
 * split between two chunks). Ends when the body ends, whether or not the server ended its last
 * event properly.
 */
export async function* readEventStream(body: AsyncIterable<Uint8Array>): AsyncGenerator<ServerSentEvent> {
  const decoder = new TextDecoder('utf-8');
  const parser = new EventStreamParser();
  for await (const chunk of body) yield* parser.push(decoder.decode(chunk, { stream: true }));
  yield* parser.push(decoder.decode());
}
