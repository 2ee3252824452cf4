import { postgresPids, readCpuShares, type CpuReading } from './cpu-meter.js';
import { epochOf } from './load.js';

const SAMPLE_MS = 100;
/** A 100 ms interval counts as saturated when the machine's cores were this busy, all together. */
const SATURATED_SHARE = 0.95;

/**
 * Who used the machine's cores, 100 ms at a time, while a run went on (Linux /proc only;
 * elsewhere nothing is sampled): each named process, PostgreSQL, and the rest of the machine.
 * Set against a run's slowest requests, it says what held them up: on a machine of two cores,
 * any process that takes both for a moment (a garbage collection with its helper threads, a
 * broker's housekeeping) delays every request in flight, whichever service it passes through.
 */
export class CpuTimeline {
  private readonly samples: Array<{ at: number; cpu: CpuReading }> = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly processes: ReadonlyMap<string, number>,
    private readonly cores: number,
  ) {}

  start(): void {
    if (process.platform !== 'linux') return;
    const postgres = postgresPids();
    const read = () => this.samples.push({ at: epochOf(performance.now()), cpu: readCpuShares(this.processes, postgres) });
    read();
    this.timer = setInterval(read, SAMPLE_MS);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /**
   * Each part's use of the machine between two moments (epoch ms), in % of one core, busiest
   * first (parts under 10% left out), over the samples that cover the span.
   */
  between(from: number, to: number): string {
    const first = this.samples.findLast((s) => s.at <= from) ?? this.samples[0];
    const last = this.samples.find((s) => s.at >= to) ?? this.samples[this.samples.length - 1];
    if (!first || !last || last.at <= first.at) return 'not sampled';
    const seconds = (last.at - first.at) / 1000;
    const shares = Object.keys(last.cpu)
      .map((part) => ({ part, percent: (100 * Math.max(0, last.cpu[part] - (first.cpu[part] ?? 0))) / seconds }))
      .sort((a, b) => b.percent - a.percent);
    const total = shares.reduce((sum, s) => sum + s.percent, 0);
    return (
      `${total.toFixed(0)}% of ${this.cores * 100}% over ${(seconds * 1000).toFixed(0)} ms: ` +
      (shares
        .filter((s) => s.percent >= 10)
        .map((s) => `${s.part} ${s.percent.toFixed(0)}%`)
        .join(', ') || 'nothing above 10%')
    );
  }

  /** How many of the sampled 100 ms intervals had the machine's cores all busy, of how many. */
  saturated(): string {
    let saturated = 0;
    for (let i = 1; i < this.samples.length; i++) {
      const [before, after] = [this.samples[i - 1], this.samples[i]];
      const busy = Object.keys(after.cpu).reduce((sum, part) => sum + Math.max(0, after.cpu[part] - (before.cpu[part] ?? 0)), 0);
      if (busy >= SATURATED_SHARE * this.cores * ((after.at - before.at) / 1000)) saturated++;
    }
    return `${saturated} of ${Math.max(0, this.samples.length - 1)}`;
  }
}
