import { KeyVerificationQueue } from './key-verification-queue.js';

describe('the key verification queue', () => {
  it('runs one task at a time, lets two wait, and takes no more', async () => {
    const queue = new KeyVerificationQueue(1, 2);
    let running = 0;
    let mostAtOnce = 0;
    const releases: Array<() => void> = [];
    const task = () =>
      new Promise<string>((resolve) => {
        running++;
        mostAtOnce = Math.max(mostAtOnce, running);
        releases.push(() => {
          running--;
          resolve('done');
        });
      });
    const accepted = [queue.run(task), queue.run(task), queue.run(task)];
    expect(accepted.every((result) => result !== undefined)).toBe(true);
    expect(queue.run(task)).toBeUndefined();
    for (let turn = 0; turn < 3; turn++) {
      await new Promise((resolve) => setImmediate(resolve));
      expect(releases).toHaveLength(turn + 1);
      releases[turn]();
    }
    expect(await Promise.all(accepted)).toEqual(['done', 'done', 'done']);
    expect(mostAtOnce).toBe(1);
    // Room again once the line has gone through, also after a task that failed.
    await expect(queue.run(() => Promise.reject(new Error('scrypt failed')))).rejects.toThrow('scrypt failed');
    await expect(queue.run(async () => 'again')).resolves.toBe('again');
  });
});
