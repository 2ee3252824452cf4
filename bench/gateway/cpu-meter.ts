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

/** A PostgreSQL server process (postmaster or backend), by its command line. */
const POSTGRES_COMMAND = /^([^\0]*\/)?postgres($|[:\0 ])/;

/**
 * PostgreSQL's CPU seconds so far: its live processes', and, through the postmaster that reaps
 * them, those of the backends that exited (a pool closing an idle connection would otherwise take
 * its CPU out of the sum). `seen` remembers which process ids were PostgreSQL's, so that a
 * sampler reads each one's command line once.
 */
export const postgresCpu = (seen = new Map<string, boolean>()): number =>
  readdirSync('/proc')
    .filter((pid) => {
      if (!/^\d+$/.test(pid)) return false;
      if (!seen.has(pid)) seen.set(pid, POSTGRES_COMMAND.test(commandOf(pid)));
      return seen.get(pid)!;
    })
    .reduce((sum, pid) => sum + cpuOf(`/proc/${pid}/stat`, true), 0);

/** The first line of /proc/stat: the machine's CPU seconds so far, all cores, by kind. */
const machineCpu = () => {
  const [user, nice, system, , iowait, irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .trim()
    .split(/\s+/)
    .slice(1)
    .map((ticks) => Number(ticks) / TICKS_PER_SECOND);
  return { busy: user + nice + system + irq + softirq, iowait, steal };
};

/** This process (the load) and each named child process (gateways, subgraphs): CPU seconds so far. */
const processesCpu = (children: ReadonlyMap<string, number>): CpuReading => {
  const reading: CpuReading = { load: cpuOf('/proc/self/stat') };
  for (const [name, pid] of children) reading[name] = cpuOf(`/proc/${pid}/stat`);
  return reading;
};

/**
 * Where the machine's CPU goes while a load runs (Linux /proc only; elsewhere an empty
 * reading): this process (the load), each named child process (gateways, subgraphs),
 * PostgreSQL's, and the time the machine's cores spent waiting on disk or taken by the host.
 */
export const readCpu = (children: ReadonlyMap<string, number>): CpuReading => {
  if (process.platform !== 'linux') return {};
  const reading = processesCpu(children);
  // Time the machine's cores waited on disk, or were taken by the host (a virtual machine's steal).
  const { iowait, steal } = machineCpu();
  reading['machine iowait'] = iowait;
  reading['machine steal'] = steal;
  reading.postgresql = postgresCpu();
  return reading;
};

/**
 * A reading for sampling many times a second: the named processes, PostgreSQL (`seen` as for
 * `postgresCpu`), the machine's cores busy in all (`machine busy`), and the rest of the machine:
 * whatever else kept them busy (the machine's own services, the kernel's work for the network).
 */
export const readCpuShares = (children: ReadonlyMap<string, number>, seen: Map<string, boolean>): CpuReading => {
  const reading = processesCpu(children);
  reading.postgresql = postgresCpu(seen);
  const ours = Object.values(reading).reduce((sum, seconds) => sum + seconds, 0);
  const { busy } = machineCpu();
  reading['rest of the machine'] = busy - ours;
  reading['machine busy'] = busy;
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
