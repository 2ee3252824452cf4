import { readCpuShares, type CpuReading } from './cpu-meter.js';
import { epochOf } from './load.js';

const SAMPLE_MS = 100;
/** A 100 ms interval counts as saturated when the machine's cores were this busy, all together. */
const SATURATED_SHARE = 0.95;
const BUSY = 'machine busy';

interface Sample {
  /** Epoch milliseconds. */
  at: number;
  cpu: CpuReading;
}

/** CPU seconds of one part between two samples. */
const used = (before: Sample, after: Sample, part: string): number => after.cpu[part] - (before.cpu[part] ?? 0);

/**
 * Who used the machine's cores, 100 ms at a time, while a run went on (Linux /proc only;
 * elsewhere nothing is sampled): each named process, PostgreSQL, and the rest of the machine.
 * Set against a run's slowest requests, it says what held them up: on a machine of two cores,
 * any process that takes one for a moment (a garbage collection with its helper threads, a
 * broker's housekeeping) on top of the load fills both, and delays every request in flight,
 * whichever service it passes through. /proc counts in 10 ms ticks: over 100 ms, a part's share
 * is good to about 10% of a core.
 */
export class CpuTimeline {
  private readonly samples: Sample[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly processes: ReadonlyMap<string, number>,
    private readonly cores: number,
  ) {}

  start(): void {
    if (process.platform !== 'linux') return;
    const seen = new Map<string, boolean>();
    const read = () => this.samples.push({ at: epochOf(performance.now()), cpu: readCpuShares(this.processes, seen) });
    read();
    this.timer = setInterval(read, SAMPLE_MS);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /**
   * The machine's cores busy between two moments (epoch ms), and each part's share, in % of one
   * core, busiest first (parts under 10% left out), over the samples that cover the span.
   */
  between(from: number, to: number): string {
    const first = this.samples.findLast((s) => s.at <= from) ?? this.samples[0];
    const last = this.samples.find((s) => s.at >= to) ?? this.samples[this.samples.length - 1];
    if (!first || !last || last.at <= first.at) return 'not sampled';
    const seconds = (last.at - first.at) / 1000;
    const percent = (part: string) => (100 * used(first, last, part)) / seconds;
    const shares = Object.keys(last.cpu)
      .filter((part) => part !== BUSY)
      .map((part) => ({ part, percent: percent(part) }))
      .filter((share) => share.percent >= 10)
      .sort((a, b) => b.percent - a.percent);
    return (
      `${percent(BUSY).toFixed(0)}% of ${this.cores * 100}% over ${(seconds * 1000).toFixed(0)} ms: ` +
      (shares.map((s) => `${s.part} ${s.percent.toFixed(0)}%`).join(', ') || 'nothing above 10%')
    );
  }

  /** How many of the sampled 100 ms intervals had the machine's cores all busy, of how many. */
  saturated(): string {
    const intervals = this.samples.slice(1).map((after, i) => ({ before: this.samples[i], after }));
    const saturated = intervals.filter(
      ({ before, after }) => used(before, after, BUSY) >= SATURATED_SHARE * this.cores * ((after.at - before.at) / 1000),
    ).length;
    return `${saturated} of ${intervals.length}`;
  }
}
