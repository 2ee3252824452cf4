import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { consumeChangeFeed, type FeedOutput, type FeedRetry } from './change-feed-consumer.js';
import { changeSubscription } from './change-subscription.js';
import { BEGINNING_OF_LOG, CursorFile } from './cursor-file.js';
import { FeedProtocolError, FeedRefused, FeedUsageError } from './feed-errors.js';

const DEFAULT_URL = 'http://localhost:4000/graphql';

export const FEED_USAGE = `usage: npm run -s feed -- <subscription> --purpose <PURPOSE> [--fields a,b,c] [--cursor-file <file>] [--from-start]
  <subscription>        residentChanges, householdChanges, enterpriseChanges (any <entity>Changes the gateway serves)
  --purpose <PURPOSE>   the purpose declared for every change (X-Purpose), a registered purpose code
  --fields a,b,c        the entity's fields to receive (default: its key, id; creditCode for an enterprise)
  --cursor-file <file>  keeps the last printed change's cursor (default ./feed.<subscription>.<PURPOSE>.cursor);
                        when it exists, the feed resumes after it
  --from-start          when there is no cursor file yet: from the beginning of the log, not from now
The API key is SHUZHI_API_KEY; the gateway SHUZHI_URL (default ${DEFAULT_URL}).
One JSON line per change on stdout, diagnostics on stderr. Exit status: 0 when stopped by SIGINT or
SIGTERM, 1 when the gateway refuses the feed, 2 on a usage error.`;

/** A purpose code as governance registers it (its registry decider's PURPOSE_CODE). */
const PURPOSE_CODE = /^[A-Z][A-Z0-9_]{1,62}$/;

export interface FeedCommandIo {
  env: Readonly<Record<string, string | undefined>>;
  out: FeedOutput;
  err: { write(chunk: string): unknown };
  signal: AbortSignal;
  /** The folder the default cursor file is kept in. */
  cwd?: string;
  retry?: FeedRetry;
}

/**
 * `npm run feed -- <subscription> --purpose P`: a department's consumer of a change feed, the one
 * to copy from. Every option is checked before the gateway is asked; the gateway's refusal is
 * said with its code.
 */
export const feedCommand = async (args: readonly string[], io: FeedCommandIo): Promise<number> => {
  const log = (line: string) => io.err.write(`${line}\n`);
  try {
    const run = await prepare(args, io);
    await consumeChangeFeed({ ...run, out: io.out, log, signal: io.signal, retry: io.retry });
    log('feed: stopped');
    return 0;
  } catch (error) {
    if (error instanceof FeedUsageError) {
      log(`${error.message}\n${FEED_USAGE}`);
      return 2;
    }
    if (error instanceof FeedRefused) {
      log(`feed: refused by the gateway: ${error.message}`);
      return 1;
    }
    if (error instanceof FeedProtocolError) {
      log(`feed: ${error.message}`);
      return 1;
    }
    throw error;
  }
};

const prepare = async (args: readonly string[], io: FeedCommandIo) => {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        purpose: { type: 'string' },
        fields: { type: 'string' },
        'cursor-file': { type: 'string' },
        'from-start': { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    throw new FeedUsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new FeedUsageError('name one subscription');
  const subscription = changeSubscription(positionals[0], values.fields);
  const purpose = values.purpose;
  if (purpose === undefined || !PURPOSE_CODE.test(purpose)) {
    throw new FeedUsageError(`--purpose is a registered purpose code, upper case letters, digits and underscores${purpose === undefined ? '' : `; got ${JSON.stringify(purpose)}`}`);
  }
  const apiKey = io.env.SHUZHI_API_KEY;
  if (!apiKey || !/^[\x21-\x7e]+$/.test(apiKey)) throw new FeedUsageError('SHUZHI_API_KEY must hold the API key (printable characters, no spaces)');
  const url = gatewayUrl(io.env.SHUZHI_URL ?? DEFAULT_URL);
  const cursorFile = new CursorFile(resolve(io.cwd ?? '.', values['cursor-file'] ?? `feed.${subscription.name}.${purpose}.cursor`), subscription.name, purpose);
  const saved = await cursorFile.read();
  if (saved !== null && values['from-start']) {
    throw new FeedUsageError(`--from-start, but ${cursorFile.path} resumes after ${saved}: remove that file to start from the beginning`);
  }
  const after = saved ?? (values['from-start'] ? BEGINNING_OF_LOG : null);
  return { gateway: { url, apiKey, purpose }, subscription, cursorFile, after };
};

const gatewayUrl = (text: string): string => {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new FeedUsageError(`SHUZHI_URL is not a URL: ${JSON.stringify(text)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new FeedUsageError(`SHUZHI_URL must be http or https: ${JSON.stringify(text)}`);
  return url.href;
};
