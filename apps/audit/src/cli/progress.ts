import cliProgress from 'cli-progress';

/** Where a command writes; a terminal when `isTTY` is set. */
export type CliOutput = NodeJS.WritableStream & { isTTY?: boolean };

/** One long run's progress. */
export interface ProgressBar {
  update(done: number, total: number): void;
  /** Writes the last state and lets go of the terminal; safe to call twice. */
  stop(): void;
}

/** What the commands are handed to show progress with. */
export interface CliProgress {
  start(label: string): ProgressBar;
}

export interface CliProgressOptions {
  /** Between plain lines when not on a terminal (default 5 s). */
  intervalMs?: number;
  now?: () => number;
}

const rateOf = (done: number, startedAt: number, now: number) => (now > startedAt ? (done * 1000) / (now - startedAt) : 0);

const formatSeconds = (seconds: number) =>
  !Number.isFinite(seconds) ? '?' : seconds < 90 ? `${Math.ceil(seconds)} s` : `${Math.floor(seconds / 60)} min ${Math.ceil(seconds % 60)} s`;

/**
 * A bar with rate and ETA on a terminal; on anything else (a CI log, a pipe) a plain line now
 * and then, which a log keeps readable where a redrawn bar would leave a mess of escapes.
 */
export const createCliProgress = (out: CliOutput = process.stdout, options: CliProgressOptions = {}): CliProgress => ({
  start: (label) => (out.isTTY ? terminalBar(label, out, options) : plainLines(label, out, options)),
});

const terminalBar = (label: string, out: CliOutput, options: CliProgressOptions): ProgressBar => {
  const now = options.now ?? Date.now;
  const startedAt = now();
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total} | {rate}/s | ETA {eta_formatted}`,
      stream: out as NodeJS.WritableStream & { isTTY: boolean },
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let state: 'idle' | 'running' | 'stopped' = 'idle';
  return {
    update(done, total) {
      if (state === 'stopped') return;
      const rate = Math.round(rateOf(done, startedAt, now()));
      if (state === 'idle') {
        bar.start(total, done, { rate });
        state = 'running';
      }
      bar.setTotal(total);
      bar.update(done, { rate });
    },
    stop() {
      if (state === 'running') bar.stop();
      state = 'stopped';
    },
  };
};

const plainLines = (label: string, out: CliOutput, options: CliProgressOptions): ProgressBar => {
  const now = options.now ?? Date.now;
  const intervalMs = options.intervalMs ?? 5000;
  const startedAt = now();
  let lastLineAt = Number.NEGATIVE_INFINITY;
  let last: { done: number; total: number; written: boolean } | undefined;
  let stopped = false;
  const line = (done: number, total: number) => {
    const rate = rateOf(done, startedAt, now());
    const percent = total > 0 ? Math.floor((done * 100) / total) : 100;
    out.write(`${label}: ${done}/${total} (${percent}%), ${Math.round(rate)}/s, ETA ${formatSeconds((total - done) / rate)}\n`);
  };
  return {
    update(done, total) {
      if (stopped) return;
      const written = now() - lastLineAt >= intervalMs;
      last = { done, total, written };
      if (!written) return;
      lastLineAt = now();
      line(done, total);
    },
    stop() {
      if (!stopped && last !== undefined && !last.written) line(last.done, last.total);
      stopped = true;
    },
  };
};
