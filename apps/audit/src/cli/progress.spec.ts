import { createCliProgress, type CliOutput } from './progress.js';

const sink = (isTTY: boolean) => {
  const out = { text: '', isTTY, columns: 120, write: (chunk: string) => ((out.text += chunk), true), cursorTo: () => true, clearLine: () => true, moveCursor: () => true };
  return out as typeof out & CliOutput;
};

describe('CLI progress', () => {
  it('writes a plain line at most every interval when not on a terminal, and the last state at the end', () => {
    let now = 0;
    const out = sink(false);
    const bar = createCliProgress(out, { intervalMs: 1000, now: () => now }).start('verifying');
    bar.update(0, 400);
    now = 500;
    bar.update(100, 400);
    now = 1000;
    bar.update(200, 400);
    now = 1500;
    bar.update(300, 400);
    bar.stop();
    bar.stop();
    expect(out.text.split('\n')).toEqual([
      'verifying: 0/400 (0%), 0/s, ETA ?',
      'verifying: 200/400 (50%), 200/s, ETA 1 s',
      'verifying: 300/400 (75%), 200/s, ETA 1 s',
      '',
    ]);
  });

  it('draws a bar with rate and ETA on a terminal', () => {
    let now = 0;
    const out = sink(true);
    const bar = createCliProgress(out, { now: () => now }).start('verifying');
    bar.update(0, 1000);
    now = 2000;
    bar.update(500, 1000);
    bar.stop();
    expect(out.text).toMatch(/verifying \[[█░]+\] 50% \| 500\/1000 \| 250\/s \| ETA/);
  });
});
