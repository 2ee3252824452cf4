import { feedCommand } from '../apps/platform/src/feed/feed.command.js';

/**
 * `npm run -s feed -- <subscription> --purpose P`: follows a change feed of the gateway at
 * SHUZHI_URL with the key in SHUZHI_API_KEY, one JSON line per change on stdout, its cursor kept
 * in a file so that a restart resumes. SIGINT or SIGTERM stops it between two changes; a second
 * one stops it at once (the cursor file is whole either way: it is replaced, never rewritten).
 */
const stop = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stop.signal.aborted) process.exit(130);
    stop.abort();
  });
}

feedCommand(process.argv.slice(2), { env: process.env, out: process.stdout, err: process.stderr, signal: stop.signal }).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
