import { readdirSync, readFileSync } from 'node:fs';

/** CPU seconds used so far, by part of the machine. */
export type CpuReading = Record<string, number>;

const TICKS_PER_SECOND = 100;

/**
 * utime + stime of one /proc stat file, in seconds (0 when it is gone); with `reapedChildren`,
 * also cutime + cstime: what its children that exited and were waited for used.
 */
const cpuOf = (statPath: string, reapedChildren = false): number => {
  try {
    const stat = readFileSync(statPath, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const children = reapedChildren ? Number(fields[13]) + Number(fields[14]) : 0;
    return (Number(fields[11]) + Number(fields[12]) + children) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
};

const commandOf = (pid: string): string => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
};

/**
 * Where the machine's CPU goes while a load runs (Linux /proc only; elsewhere an empty
 * reading): this process (the load), each named child process (gateways, subgraphs),
 * PostgreSQL's, and the time the machine's cores spent waiting on disk or taken by the host.
 */
export const readCpu = (children: ReadonlyMap<string, number>): CpuReading => {
  if (process.platform !== 'linux') return {};
  const reading: CpuReading = { load: cpuOf('/proc/self/stat') };
  for (const [name, pid] of children) reading[name] = cpuOf(`/proc/${pid}/stat`);
  // Time the machine's cores waited on disk, or were taken by the host (a virtual machine's steal).
  const [iowait, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).filter((_, i) => i === 5 || i === 8);
  reading['machine iowait'] = Number(iowait) / TICKS_PER_SECOND;
  reading['machine steal'] = Number(steal) / TICKS_PER_SECOND;
  // A backend that exits (a pool closing an idle connection) takes its CPU out of the live
  // processes' sum, and the postmaster that reaps it adds it to its children's time.
  reading.postgresql = readdirSync('/proc')
    .filter((pid) => /^\d+$/.test(pid) && /^([^\0]*\/)?postgres($|[:\0 ])/.test(commandOf(pid)))
    .reduce((sum, pid) => sum + cpuOf(`/proc/${pid}/stat`, true), 0);
  return reading;
};

/** Milliseconds of one part's CPU per request between two readings. */
const msPerRequest = (before: CpuReading, after: CpuReading, part: string, requests: number): number =>
  ((after[part] - (before[part] ?? 0)) * 1000) / Math.max(1, requests);

/** Milliseconds of CPU per request, by part, between two readings. */
export const cpuPerRequest = (before: CpuReading, after: CpuReading, requests: number): string =>
  Object.keys(after)
    .map((part) => `${part} ${msPerRequest(before, after, part, requests).toFixed(2)}`)
    .join(', ');

/** Milliseconds of CPU per request used by every process measured (the cores' disk wait and steal aside). */
export const machineCpuPerRequest = (before: CpuReading, after: CpuReading, requests: number): number =>
  Object.keys(after)
    .filter((part) => !part.startsWith('machine '))
    .reduce((sum, part) => sum + msPerRequest(before, after, part, requests), 0);
