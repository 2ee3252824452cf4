import { isIPv6 } from 'node:net';

export interface FailedKeyAttemptLimits {
  /** Wrong keys a source may present in one window; past them its unknown keys are refused unchecked. */
  maxFailures: number;
  windowMs: number;
  /** Sources remembered at most, so that an attacker varying addresses cannot grow the table. */
  maxSources: number;
}

interface Window {
  startedAt: number;
  failures: number;
}

/**
 * Wrong API keys per source address, counted in fixed windows. The table is bounded: once full,
 * the source that failed least recently is forgotten, which at worst gives one attacker among
 * more than `maxSources` addresses a fresh window; the scrypt queue bounds what that buys.
 */
export class FailedKeyAttempts {
  // A Map iterates in insertion order: re-inserting on each use keeps the stalest first.
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly limits: FailedKeyAttemptLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Milliseconds until `source` may present unknown keys again; 0 when it may now. A blocked
   * source that keeps trying is the last to be forgotten.
   */
  blockedFor(source: string): number {
    const window = this.current(source);
    if (!window || window.failures < this.limits.maxFailures) return 0;
    this.touch(source, window);
    return window.startedAt + this.limits.windowMs - this.now();
  }

  recordFailure(source: string): void {
    const window = this.current(source) ?? { startedAt: this.now(), failures: 0 };
    window.failures++;
    this.touch(source, window);
    if (this.windows.size > this.limits.maxSources) this.windows.delete(this.windows.keys().next().value!);
  }

  /** Sources remembered now, for tests of the bound. */
  get size(): number {
    return this.windows.size;
  }

  private touch(source: string, window: Window): void {
    this.windows.delete(source);
    this.windows.set(source, window);
  }

  private current(source: string): Window | undefined {
    const window = this.windows.get(source);
    if (window && this.now() - window.startedAt >= this.limits.windowMs) {
      this.windows.delete(source);
      return undefined;
    }
    return window;
  }
}

/**
 * The source a request is counted against: the socket's remote address, never a header a client
 * can write. An IPv6 holder is usually given a whole /64, so its addresses count as one source;
 * an IPv4-mapped address counts as the IPv4 address it is.
 */
export const sourceOfAddress = (address: string | undefined): string => {
  if (!address) return 'unknown';
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return mapped[1];
  const bare = address.replace(/%.*$/, '');
  if (!isIPv6(bare)) return bare;
  const [head, tail] = bare.split('::');
  const groups = (part: string | undefined) => (part ? part.split(':').flatMap((group) => (group.includes('.') ? ['0', '0'] : [group])) : []);
  const before = groups(head);
  const after = groups(tail);
  const all = tail === undefined ? before : [...before, ...Array<string>(8 - before.length - after.length).fill('0'), ...after];
  return `${all.slice(0, 4).map((group) => parseInt(group, 16).toString(16)).join(':')}::/64`;
};
