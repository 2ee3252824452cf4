import { EventStreamParser, readEventStream, type ServerSentEvent } from './event-stream.js';

const parse = (...pieces: string[]): ServerSentEvent[] => {
  const parser = new EventStreamParser();
  return pieces.flatMap((piece) => parser.push(piece));
};

/** A stream as graphql-yoga and GraphQL over SSE servers write one, every case of the format in it. */
const stream = [
  ': connected',
  '',
  'event: next',
  'data: {"data":{"residentChanges":{"cursor":"1","resident":{"name":"张三"}}}}',
  '',
  ':',
  '',
  'data: {"data":',
  'data:  {"residentChanges":{"cursor":"2"}}}',
  '',
  'event:next',
  'id: 7',
  'retry: 1000',
  'data:{"data":{"residentChanges":{"cursor":"3"}}}',
  '',
  'event: complete',
  'data:',
  '',
  '',
];
const expected: ServerSentEvent[] = [
  { event: 'next', data: '{"data":{"residentChanges":{"cursor":"1","resident":{"name":"张三"}}}}' },
  { event: 'message', data: '{"data":\n {"residentChanges":{"cursor":"2"}}}' },
  { event: 'next', data: '{"data":{"residentChanges":{"cursor":"3"}}}' },
  { event: 'complete', data: '' },
];

describe('the text/event-stream parser', () => {
  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['CR', '\r'],
  ])('reads events, comments, unnamed and multi-line data with %s line ends', (_name, end) => {
    expect(parse(stream.join(end))).toEqual(expected);
  });

  it('reads the same events however the text is split in two, a CRLF included', () => {
    for (const end of ['\n', '\r\n']) {
      const text = stream.join(end);
      for (let at = 0; at <= text.length; at += 1) {
        expect({ at, end, events: parse(text.slice(0, at), text.slice(at)) }).toEqual({ at, end, events: expected });
      }
    }
  });

  it('reads the same events fed one character at a time, with empty pieces between', () => {
    const text = stream.join('\r\n');
    expect(parse(...[...text].flatMap((character) => [character, '']))).toEqual(expected);
  });

  it('takes a CR then an LF in the next piece as one line end, not a blank line', () => {
    expect(parse('data: a\r', '\ndata: b\r\n\r\n')).toEqual([{ event: 'message', data: 'a\nb' }]);
    expect(parse('data: a\r', '', '\ndata: b\r\n\r\n')).toEqual([{ event: 'message', data: 'a\nb' }]);
  });

  it('dispatches an event only at its blank line: an unfinished one is never read', () => {
    const parser = new EventStreamParser();
    expect(parser.push('event: next\ndata: {"data":1}\n')).toEqual([]);
    expect(parser.push('\n')).toEqual([{ event: 'next', data: '{"data":1}' }]);
    expect(parse('data: {"data":\n')).toEqual([]);
  });

  it('dispatches a named event without data, and nothing for a blank line alone', () => {
    expect(parse('event: complete\n\n')).toEqual([{ event: 'complete', data: '' }]);
    expect(parse('\n\n\n')).toEqual([]);
  });

  it('reads a field without a colon as an empty value, and strips one space only', () => {
    expect(parse('data\ndata:  two spaces\n\n')).toEqual([{ event: 'message', data: '\n two spaces' }]);
  });

  it('drops a byte order mark opening the stream, and only there', () => {
    expect(parse('\ufeffdata: a\n\n', '\ufeffdata: b\n\n')).toEqual([{ event: 'message', data: 'a' }]);
  });
});

describe('an event stream read from a body', () => {
  const bytes = new TextEncoder().encode(stream.join('\r\n'));
  async function* chunks(...pieces: Uint8Array[]) {
    for (const piece of pieces) yield piece;
  }
  const read = async (body: AsyncIterable<Uint8Array>) => {
    const events: ServerSentEvent[] = [];
    for await (const event of readEventStream(body)) events.push(event);
    return events;
  };

  it('decodes UTF-8 split anywhere, inside a character too', async () => {
    const inside = bytes.indexOf(0xe5) + 1; // 张 is e5 bc a0: split after its first byte
    expect(await read(chunks(bytes.subarray(0, inside), bytes.subarray(inside)))).toEqual(expected);
    for (let at = 0; at <= bytes.length; at += 7) {
      expect(await read(chunks(bytes.subarray(0, at), bytes.subarray(at)))).toEqual(expected);
    }
  });

  it('ends with the body, an unfinished event left unread', async () => {
    const cut = new TextEncoder().encode('event: next\ndata: {"data":{"residentChanges":{"cursor":"1"}}}\n\nevent: next\ndata: {"da');
    expect(await read(chunks(cut))).toEqual([{ event: 'next', data: '{"data":{"residentChanges":{"cursor":"1"}}}' }]);
  });
});
