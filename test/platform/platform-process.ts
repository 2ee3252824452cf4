import { execFile, fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { waitUntil } from '@shuzhi/testing';

const ROOT = new URL('../../', import.meta.url);
const PLATFORM_MAIN = fileURLToPath(new URL('apps/platform/src/main.ts', ROOT));
export const REGISTER_TYPESCRIPT = new URL('libs/testing/register-typescript.mjs', ROOT).href;

/** A port nobody listens on now (the kernel's pick for port 0, let go at once). */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

/** Whether something could listen on `port` now, on any address as the gateway does. */
export const portIsFree = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const server = createServer()
      .once('error', () => resolve(false))
      .listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
  });

export const processIsAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

export const childPidsOf = async (pid: number): Promise<number[]> => {
  const { stdout } = await promisify(execFile)('ps', ['-o', 'pid=', '--ppid', String(pid)]).catch(() => ({ stdout: '' }));
  return stdout.split('\n').map((line) => Number(line.trim())).filter((n) => n > 0);
};

export interface PlatformPorts {
  PORT: number;
  GOVERNANCE_PORT: number;
  POPULATION_PORT: number;
  ENTERPRISE_PORT: number;
  SUBSIDY_PORT: number;
  AUDIT_PORT: number;
}

export const freePlatformPorts = async (): Promise<PlatformPorts> => ({
  PORT: await freePort(),
  GOVERNANCE_PORT: await freePort(),
  POPULATION_PORT: await freePort(),
  ENTERPRISE_PORT: await freePort(),
  SUBSIDY_PORT: await freePort(),
  AUDIT_PORT: await freePort(),
});

/** What `npm start` prints once the demo is seeded (or found) and its queries are shown. */
const DEMO_SHOWN = /The tour of the platform: npm run demo/;
const DEMO_FAILED = /Demo: the seed failed/;

/**
 * The platform as `npm start` runs it, from its TypeScript entry point (the build is not
 * available under jest): apps/platform/src/main.ts in a process of its own, which forks every
 * subgraph (from source too), starts the gateway and seeds the demo.
 */
export class PlatformProcess {
  output = '';

  private constructor(readonly child: ChildProcess) {}

  static async start(env: Record<string, string>, timeoutMs = 300_000): Promise<PlatformProcess> {
    const child = fork(PLATFORM_MAIN, [], {
      execArgv: ['--import', REGISTER_TYPESCRIPT],
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const platform = new PlatformProcess(child);
    child.stdout!.on('data', (chunk: Buffer) => (platform.output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (platform.output += chunk.toString()));
    try {
      await waitUntil(
        () => {
          if (child.exitCode !== null) throw new Error(`the platform exited with ${child.exitCode}: ${platform.output.slice(-4000)}`);
          if (DEMO_FAILED.test(platform.output)) throw new Error(`the demo seed failed: ${platform.output.slice(-4000)}`);
          return DEMO_SHOWN.test(platform.output);
        },
        { timeoutMs, intervalMs: 200, what: 'the platform to start and show its demo' },
      );
    } catch (error) {
      await platform.kill();
      throw new Error(`${error instanceof Error ? error.message : error}; its output ended with:\n${platform.output.slice(-6000)}`, { cause: error });
    }
    return platform;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** SIGTERM, as Ctrl-C's sibling; resolves with the exit code once the process is gone. */
  async stop(timeoutMs = 60_000): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    const exited = new Promise<number | null>((resolve) => this.child.once('exit', (code) => resolve(code)));
    this.child.kill('SIGTERM');
    const timer = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`the platform did not stop within ${timeoutMs} ms`)), timeoutMs).unref());
    return Promise.race([exited, timer]);
  }

  /** Cleanup after a failed test: the platform and whatever it started, at once. */
  async kill(): Promise<void> {
    const pids = [...(await childPidsOf(this.pid)), this.pid];
    for (const pid of pids.filter(processIsAlive)) process.kill(pid, 'SIGKILL');
  }
}
