import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitUntil } from '@shuzhi/shared-kernel';
import { feedCommand } from './feed.command.js';

/** What the gateway's log holds for the feed: cursors are positions, the gaps changes others see. */
const LOG = [1, 2, 4, 5, 7, 8].map((position, index) => ({
  cursor: String(position),
  kind: index === 0 ? 'CREATED' : 'UPDATED',
  occurredAt: `2026-12-01T08:00:0${index}.000Z`,
  resident: { id: `resident-${position}`, name: index === 2 ? '张三' : `居民${position}` },
}));
const after = (cursor: string | null) => LOG.filter((change) => Number(change.cursor) > Number(cursor ?? 0));
const line = (change: (typeof LOG)[number]) => JSON.stringify(change);

interface Request {
  headers: IncomingHttpHeaders;
  body: { query: string; variables: { after: string | null }; operationName?: string };
}

/** How the gateway answers the nth connection (the last one for any later). */
type Answer = (response: ServerResponse, request: Request) => Promise<void>;

const send = (response: ServerResponse, text: string | Uint8Array) => new Promise<void>((resolve) => response.write(text, () => resolve()));
const streamHead = (response: ServerResponse) => {
  response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  response.flushHeaders();
};
const next = (result: unknown) => `event: next\ndata: ${JSON.stringify(result)}\n\n`;
const change = (c: (typeof LOG)[number]) => next({ data: { residentChanges: c } });
/** A live feed: every change after the cursor asked for, then the connection held open for more. */
const live: Answer = async (response, request) => {
  streamHead(response);
  for (const c of after(request.body.variables.after)) await send(response, change(c));
};

describe('npm run feed, against a gateway that speaks GraphQL over SSE', () => {
  let server: Server;
  let url: string;
  let folder: string;
  let requests: Request[];
  let answers: Answer[];
  let stop: AbortController;
  let out: { text: string; write: (chunk: string, callback: (error?: Error | null) => void) => boolean };
  let err: { text: string; write: (chunk: string) => boolean };

  beforeEach(async () => {
    requests = [];
    answers = [live];
    stop = new AbortController();
    out = { text: '', write: (chunk, callback) => ((out.text += chunk), setImmediate(callback), true) };
    err = { text: '', write: (chunk) => ((err.text += chunk), true) };
    folder = await mkdtemp(join(tmpdir(), 'feed-'));
    server = createServer((incoming, response) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => {
        const request = { headers: incoming.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Request['body'] };
        requests.push(request);
        void answers[Math.min(requests.length, answers.length) - 1](response, request);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });

  afterEach(async () => {
    stop.abort();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rm(folder, { recursive: true, force: true });
  });

  const cursorFile = () => join(folder, 'feed.residentChanges.SUBSIDY_ELIGIBILITY.cursor');
  const savedCursor = async () => (JSON.parse(await readFile(cursorFile(), 'utf8')) as { cursor: string }).cursor;
  const feed = (args: string[] = [], env: Record<string, string> = {}) =>
    feedCommand(['residentChanges', '--purpose', 'SUBSIDY_ELIGIBILITY', ...args], {
      env: { SHUZHI_API_KEY: 'sk_consumer_key', SHUZHI_URL: url, ...env },
      out,
      err,
      signal: stop.signal,
      cwd: folder,
      retry: { initialDelayMs: 5, maxDelayMs: 20, afterCutMs: 5 },
    });
  const printed = () => out.text.split('\n').filter(Boolean);
  /** Runs the feed until it printed `count` lines, then stops it as SIGINT does; its exit status. */
  const feedUntil = async (count: number, args: string[] = []) => {
    const running = feed(args);
    await waitUntil(() => printed().length >= count, { timeoutMs: 10_000, what: `${count} changes printed` }).catch((error: Error) => {
      throw new Error(`${error.message}; the feed said:\n${err.text}`);
    });
    stop.abort();
    return running;
  };

  it('prints each change as it came, keeps its cursor, and stops cleanly on a signal', async () => {
    answers = [
      async (response) => {
        streamHead(response);
        // CRLF, keep-alives, an unnamed event, data over several lines, pieces that split lines and a character.
        const text = [
          ':\r\n\r\n',
          change(LOG[0]).replaceAll('\n', '\r\n'),
          ': keep-alive\r\n\r\n',
          `data: ${JSON.stringify({ data: { residentChanges: LOG[1] } }, null, 1).replaceAll('\n', '\ndata: ')}\r\n\r\n`,
          change(LOG[2]).replaceAll('\n', '\r\n'),
        ].join('');
        const bytes = Buffer.from(text, 'utf8');
        // Between a CR and its LF, inside 张, inside a field name, and before the last blank line.
        const cuts = [bytes.indexOf('\r\n') + 1, bytes.indexOf(Buffer.from('张')) + 1, bytes.indexOf('event') + 3, bytes.length - 2, bytes.length];
        let from = 0;
        for (const to of cuts.sort((a, b) => a - b)) {
          await send(response, bytes.subarray(from, to));
          from = to;
        }
      },
    ];
    expect(await feedUntil(3)).toBe(0);
    expect(printed()).toEqual(LOG.slice(0, 3).map(line));
    expect(await savedCursor()).toBe('4');
    expect(requests).toHaveLength(1);
    expect(requests[0].body.variables).toEqual({ after: null });
    expect(requests[0].headers).toMatchObject({ accept: 'text/event-stream', authorization: 'Bearer sk_consumer_key', 'x-purpose': 'SUBSIDY_ELIGIBILITY', 'content-type': 'application/json' });
    expect(requests[0].body.query).toBe('subscription ChangeFeed($after: String) { residentChanges(after: $after) { cursor kind occurredAt resident { id } } }');
    expect(err.text).toMatch(/feed: stopped\n$/);
    expect(await readdir(folder)).toEqual(['feed.residentChanges.SUBSIDY_ELIGIBILITY.cursor']);
  });

  it('resumes after the cursor file’s change at its next start, with the fields asked for', async () => {
    answers = [
      async (response) => {
        streamHead(response);
        await send(response, change(LOG[0]) + change(LOG[1]));
      },
      live,
    ];
    expect(await feedUntil(2)).toBe(0);
    stop = new AbortController();
    out.text = '';
    expect(await feedUntil(4, ['--fields', 'id,name'])).toBe(0);
    expect(requests.map((r) => r.body.variables.after)).toEqual([null, '2']);
    expect(requests[1].body.query).toContain('resident { id name }');
    expect(printed()).toEqual(after('2').map(line));
    expect(await savedCursor()).toBe('8');
  });

  it('resumes a stream cut for a slow consumer after the error’s cursor, printing nothing twice', async () => {
    answers = [
      async (response) => {
        streamHead(response);
        await send(response, change(LOG[0]) + change(LOG[1]));
        // Position 4 was not for this consumer, or not sent yet: the gateway resumes after it.
        await send(response, next({ errors: [{ message: 'too slow: resume after 4', extensions: { code: 'QUOTA_EXCEEDED', cursor: '4' } }] }));
        await send(response, 'event: complete\ndata:\n\n');
        response.end();
      },
      live,
    ];
    expect(await feedUntil(5)).toBe(0);
    expect(printed()).toEqual([LOG[0], LOG[1], ...after('4')].map(line));
    expect(requests.map((r) => r.body.variables.after)).toEqual([null, '4']);
    expect(await savedCursor()).toBe('8');
    expect(err.text).toContain('resuming after 4');
  });

  it('asks again after the last printed cursor when the connection drops or the gateway is away, with half an event unprinted', async () => {
    answers = [
      async (response) => {
        streamHead(response);
        await send(response, change(LOG[0]) + change(LOG[1]) + change(LOG[2]).slice(0, 30));
        response.socket!.destroy();
      },
      async (response) => {
        response.writeHead(503, { 'content-type': 'text/plain' }).end('restarting');
      },
      async (response, request) => {
        streamHead(response);
        await send(response, change(after(request.body.variables.after)[0]));
        response.end();
      },
      live,
    ];
    expect(await feedUntil(6)).toBe(0);
    expect(printed()).toEqual(LOG.map(line));
    expect(requests.map((r) => r.body.variables.after)).toEqual([null, '2', '2', '4']);
    expect(await savedCursor()).toBe('8');
    expect(err.text).toMatch(/the connection (failed|closed)/);
    expect(err.text).toContain('the gateway answered 503');
  });

  it('asks again when the gateway cannot be reached at all', async () => {
    const port = (server.address() as AddressInfo).port;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    const running = feed();
    await waitUntil(() => (err.text.match(/cannot reach/g) ?? []).length >= 2, { timeoutMs: 10_000, what: 'two attempts' });
    server = createServer((_incoming, response) => void live(response, { headers: {}, body: { query: '', variables: { after: null } } }));
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    await waitUntil(() => printed().length === LOG.length, { timeoutMs: 10_000, what: 'the feed once the gateway is back' });
    stop.abort();
    expect(await running).toBe(0);
    expect(err.text).toContain('ECONNREFUSED');
  });

  it('does not print twice a change the gateway sends again after a resume', async () => {
    answers = [
      async (response) => {
        streamHead(response);
        await send(response, change(LOG[0]) + change(LOG[1]));
        response.end();
      },
      async (response, request) => {
        streamHead(response);
        // A gateway resuming *at* the cursor rather than after it.
        for (const c of LOG.filter((c) => Number(c.cursor) >= Number(request.body.variables.after))) await send(response, change(c));
      },
    ];
    expect(await feedUntil(6)).toBe(0);
    expect(printed()).toEqual(LOG.map(line));
    expect(err.text).toContain('the gateway sent the change at 2 again');
  });

  it('stops with the code of a refusal answered as JSON (401 UNAUTHENTICATED), printing and keeping nothing', async () => {
    answers = [
      async (response) => {
        response.writeHead(401, { 'content-type': 'application/json; charset=utf-8', 'www-authenticate': 'Bearer' });
        response.end(JSON.stringify({ errors: [{ message: 'a valid API key is required: Authorization: Bearer <apiKey>', extensions: { code: 'UNAUTHENTICATED' } }] }));
      },
    ];
    expect(await feed()).toBe(1);
    expect(err.text).toContain('refused by the gateway: UNAUTHENTICATED: a valid API key is required');
    expect(out.text).toBe('');
    expect(requests).toHaveLength(1);
    expect(await readdir(folder)).toEqual([]);
  });

  it('stops with the code of a refusal that ends the stream (CONTRACT_REQUIRED), keeping the changes printed before it', async () => {
    answers = [
      async (response) => {
        streamHead(response);
        await send(response, change(LOG[0]));
        await send(response, next({ data: null, errors: [{ message: 'no contract for this purpose', extensions: { code: 'CONTRACT_REQUIRED' } }] }));
        await send(response, 'event: complete\n\n');
        response.end();
      },
    ];
    expect(await feed()).toBe(1);
    expect(err.text).toContain('refused by the gateway: CONTRACT_REQUIRED: no contract for this purpose');
    expect(printed()).toEqual([line(LOG[0])]);
    expect(await savedCursor()).toBe('1');
    expect(requests).toHaveLength(1);
  });

  it('stops on an answer that is not GraphQL over SSE', async () => {
    answers = [
      async (response) => {
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { residentChanges: LOG[0] } }));
      },
    ];
    expect(await feed()).toBe(1);
    expect(err.text).toContain('not an event stream');
    expect(out.text).toBe('');
  });

  it('refuses a corrupt cursor file without asking the gateway, and leaves the file as it was', async () => {
    const corrupt = '{"subscription":"residentChanges","purpose":"SUBSIDY_ELIGIBILITY","cursor":"4';
    await writeFile(cursorFile(), corrupt);
    expect(await feed()).toBe(2);
    expect(err.text).toContain(`the cursor file ${cursorFile()} is not a cursor file (not JSON)`);
    expect(requests).toHaveLength(0);
    expect(await readFile(cursorFile(), 'utf8')).toBe(corrupt);
  });

  it('starts from the beginning of the log with --from-start, and refuses it when a cursor file would be ignored', async () => {
    expect(await feedUntil(6, ['--from-start'])).toBe(0);
    expect(requests.map((r) => r.body.variables.after)).toEqual(['0']);
    stop = new AbortController();
    expect(await feed(['--from-start'])).toBe(2);
    expect(err.text).toContain(`--from-start, but ${cursorFile()} resumes after 8`);
    expect(requests).toHaveLength(1);
  });

  it.each([
    [['residentChanges', '--purpose', 'SUBSIDY_ELIGIBILITY', '--fields', 'id } } mutation { x'], {}, /GraphQL field names/],
    [['residentChanges'], {}, /--purpose is a registered purpose code/],
    [['residentChanges', '--purpose', 'subsidy\r\nX-Admin: 1'], {}, /--purpose is a registered purpose code/],
    [['residents', '--purpose', 'SUBSIDY_ELIGIBILITY'], {}, /<entity>Changes/],
    [['residentChanges', '--purpose', 'SUBSIDY_ELIGIBILITY', '--verbose'], {}, /Unknown option '--verbose'/],
    [['residentChanges', '--purpose', 'SUBSIDY_ELIGIBILITY'], { SHUZHI_API_KEY: '' }, /SHUZHI_API_KEY must hold the API key/],
    [['residentChanges', '--purpose', 'SUBSIDY_ELIGIBILITY'], { SHUZHI_URL: 'ftp://gateway/graphql' }, /SHUZHI_URL must be http or https/],
  ])('refuses %j before asking the gateway', async (args, env, why) => {
    const code = await feedCommand(args, {
      env: { SHUZHI_API_KEY: 'sk_consumer_key', SHUZHI_URL: url, ...env },
      out,
      err,
      signal: stop.signal,
      cwd: folder,
    });
    expect(code).toBe(2);
    expect(err.text).toMatch(why);
    expect(err.text).toContain('usage: npm run -s feed');
    expect(requests).toHaveLength(0);
  });
});
