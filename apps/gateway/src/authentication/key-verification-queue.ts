/**
 * Runs at most `concurrency` key verifications at once and lets `maxWaiting` more wait their
 * turn; beyond that it takes none. scrypt runs on libuv's thread pool, so without this bound
 * key guessing from many addresses could occupy every core the gateway serves with.
 */
export class KeyVerificationQueue {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly concurrency: number,
    private readonly maxWaiting: number,
  ) {}

  /** The task's result, or undefined at once when the queue is full. */
  run<T>(task: () => Promise<T>): Promise<T> | undefined {
    if (this.running >= this.concurrency && this.waiting.length >= this.maxWaiting) return undefined;
    return this.turn()
      .then(task)
      .finally(() => this.release());
  }

  private async turn(): Promise<void> {
    if (this.running < this.concurrency) {
      this.running++;
      return;
    }
    // The finishing task hands its place over, so `running` stays as it is.
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }
}
