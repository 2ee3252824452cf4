import { jest } from '@jest/globals';
import { GraphQLError, type ExecutionResult } from 'graphql';
import { GovernedFeed, type FeedStep } from './governed-feed.js';

/** An upstream the test pushes results into, as a subgraph's SSE stream would deliver them. */
class Upstream implements AsyncIterableIterator<ExecutionResult> {
  private queue: ExecutionResult[] = [];
  private waiting: ((result: IteratorResult<ExecutionResult>) => void) | undefined;
  returned = false;
  private ended = false;

  push(n: number): void {
    const result = { data: { change: { n } } };
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ done: false, value: result });
    } else this.queue.push(result);
  }

  end(): void {
    this.ended = true;
    this.waiting?.({ done: true, value: undefined });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<ExecutionResult>> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve({ done: false, value: queued });
    if (this.ended) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  async return(): Promise<IteratorResult<ExecutionResult>> {
    this.returned = true;
    this.waiting?.({ done: true, value: undefined });
    return { done: true, value: undefined };
  }
}

const numberOf = (result: ExecutionResult) => (result.data as { change: { n: number } }).change.n;
/** Every change delivered, its cursor `c<n>`; odd ones passed over when `skipOdd`. */
const finisher =
  (skipOdd = false) =>
  async (result: ExecutionResult): Promise<FeedStep> => {
    const n = numberOf(result);
    return skipOdd && n % 2 === 1 ? { skip: true, cursor: `c${n}` } : { deliver: result, cursor: `c${n}` };
  };
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('GovernedFeed: a subscription as the caller gets it', () => {
  it('delivers what the finisher delivers, passes over what it skips, and keeps the cursor of each', async () => {
    const upstream = new Upstream();
    const feed = new GovernedFeed(upstream, finisher(true), 'c0', 10);
    [1, 2, 3, 4].forEach((n) => upstream.push(n));
    expect(numberOf((await feed.next()).value)).toBe(2);
    expect(numberOf((await feed.next()).value)).toBe(4);
    expect(feed.position).toBe('c4');
    upstream.end();
    expect(await feed.next()).toEqual({ done: true, value: undefined });
  });

  it('cuts a caller that lets more than its buffer wait, with the cursor of the last change it was given', async () => {
    const upstream = new Upstream();
    const closed = jest.fn();
    const feed = new GovernedFeed(upstream, finisher(), 'c0', 3, closed);
    upstream.push(1);
    expect(numberOf((await feed.next()).value)).toBe(1);
    // The caller stops reading; the subgraph goes on.
    for (let n = 2; n <= 6; n++) upstream.push(n);
    await settle();
    expect(upstream.returned).toBe(true);
    const last = await feed.next();
    expect(last.value?.errors?.[0].extensions).toMatchObject({ code: 'QUOTA_EXCEEDED', cursor: 'c1' });
    expect(await feed.next()).toEqual({ done: true, value: undefined });
    expect(closed).toHaveBeenCalledTimes(1);
  });

  it('a caller that keeps up is never cut, however many changes pass', async () => {
    const upstream = new Upstream();
    const feed = new GovernedFeed(upstream, finisher(), 'c0', 2);
    for (let n = 1; n <= 50; n++) {
      upstream.push(n);
      expect(numberOf((await feed.next()).value)).toBe(n);
    }
  });

  it('ends at once from outside, even while waiting for a change; a resumable end carries the cursor, a refusal does not', async () => {
    const upstream = new Upstream();
    const feed = new GovernedFeed(upstream, finisher(), 'c7', 10);
    const waiting = feed.next();
    await settle();
    feed.end(new GraphQLError('no longer', { extensions: { code: 'UNAUTHENTICATED' } }));
    const ended = await waiting;
    expect(ended.value?.errors?.[0].extensions).toEqual({ code: 'UNAUTHENTICATED' });
    expect(await feed.next()).toEqual({ done: true, value: undefined });
    expect(upstream.returned).toBe(true);

    const other = new GovernedFeed(new Upstream(), finisher(), 'c9', 10);
    other.end(new GraphQLError('stopping', { extensions: { code: 'INTERNAL' } }), { resumable: true });
    expect((await other.next()).value?.errors?.[0].extensions).toEqual({ code: 'INTERNAL', cursor: 'c9' });
  });

  it('ends with the finisher\'s refusal, and a caller that goes away stops the subgraph\'s stream', async () => {
    const upstream = new Upstream();
    const refusing = new GovernedFeed(upstream, async () => ({ end: new GraphQLError('suspended', { extensions: { code: 'CONTRACT_REQUIRED' } }) }), 'c0', 10);
    upstream.push(1);
    expect((await refusing.next()).value?.errors?.[0].extensions).toEqual({ code: 'CONTRACT_REQUIRED' });
    expect(upstream.returned).toBe(true);

    const another = new Upstream();
    const feed = new GovernedFeed(another, finisher(), 'c0', 10);
    await feed.return();
    expect(another.returned).toBe(true);
    expect(await feed.next()).toEqual({ done: true, value: undefined });
  });

  it('says where to resume when the subgraph\'s stream breaks', async () => {
    const failing: AsyncIterable<ExecutionResult> = {
      async *[Symbol.asyncIterator]() {
        yield { data: { change: { n: 1 } } };
        throw new Error('connection reset');
      },
    };
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const feed = new GovernedFeed(failing, finisher(), 'c0', 10);
    expect(numberOf((await feed.next()).value)).toBe(1);
    expect((await feed.next()).value?.errors?.[0].extensions).toMatchObject({ code: 'INTERNAL', cursor: 'c1' });
    errors.mockRestore();
  });
});
