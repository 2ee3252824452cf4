import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/**
 * A process's open files and TCP connections, from /proc (Linux only; elsewhere nothing is
 * counted): what a thousand change feeds hold open in each process they cross.
 */
export interface OpenFiles {
  /** Every open file descriptor. */
  files: number;
  /** The soft limit on them (RLIMIT_NOFILE), as the process runs with it. */
  limit: number;
  /** Established TCP connections by the remote port they go to. */
  connectionsTo: Map<number, number>;
}

const socketInodes = (pid: number): Set<string> => {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match) inodes.add(match[1]);
    } catch {
      // Closed meanwhile.
    }
  }
  return inodes;
};

/** ESTABLISHED (state 01) TCP sockets of /proc/net/tcp and tcp6: inode → remote port. */
const establishedRemotePorts = (): Map<string, number> => {
  const ports = new Map<string, number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10 || fields[3] !== '01') continue;
      ports.set(fields[9], parseInt(fields[2].slice(fields[2].lastIndexOf(':') + 1), 16));
    }
  }
  return ports;
};

export const openFiles = (pid: number): OpenFiles | undefined => {
  if (process.platform !== 'linux') return undefined;
  const limitLine = readFileSync(`/proc/${pid}/limits`, 'utf8')
    .split('\n')
    .find((line) => line.startsWith('Max open files'));
  const ports = establishedRemotePorts();
  const connectionsTo = new Map<number, number>();
  const inodes = socketInodes(pid);
  for (const inode of inodes) {
    const port = ports.get(inode);
    if (port !== undefined) connectionsTo.set(port, (connectionsTo.get(port) ?? 0) + 1);
  }
  return { files: readdirSync(`/proc/${pid}/fd`).length, limit: Number(limitLine?.split(/\s+/)[3]), connectionsTo };
};
