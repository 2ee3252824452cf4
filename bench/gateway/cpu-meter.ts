import { readdirSync, readFileSync } from 'node:fs';

/** CPU seconds used so far, by part of the machine. */
export type CpuReading = Record<string, number>;

const TICKS_PER_SECOND = 100;

/** utime + stime of one /proc stat file, in seconds; 0 when it is gone. */
const cpuOf = (statPath: string): number => {
  try {
    const stat = readFileSync(statPath, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
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
 * reading): this process's main thread (the gateways), the rest of this process (the load
 * worker, V8's and libuv's helper threads), each named child process, and PostgreSQL's.
 */
export const readCpu = (children: ReadonlyMap<string, number>): CpuReading => {
  if (process.platform !== 'linux') return {};
  const mainThread = cpuOf(`/proc/self/task/${process.pid}/stat`);
  const reading: CpuReading = { 'gateway thread': mainThread, 'rest of the bench process': cpuOf('/proc/self/stat') - mainThread };
  for (const [name, pid] of children) reading[name] = cpuOf(`/proc/${pid}/stat`);
  // Exited backends take their CPU with them; the long-lived ones (each connection's) dominate.
  reading.postgresql = readdirSync('/proc')
    .filter((pid) => /^\d+$/.test(pid) && /^([^\0]*\/)?postgres($|[:\0 ])/.test(commandOf(pid)))
    .reduce((sum, pid) => sum + cpuOf(`/proc/${pid}/stat`), 0);
  return reading;
};

/** Milliseconds of CPU per request, by part, between two readings. */
export const cpuPerRequest = (before: CpuReading, after: CpuReading, requests: number): string =>
  Object.keys(after)
    .map((part) => `${part} ${(((after[part] - (before[part] ?? 0)) * 1000) / Math.max(1, requests)).toFixed(2)}`)
    .join(', ');
