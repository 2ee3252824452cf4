import type { LoggerService, LogLevel } from '@nestjs/common';
import { pino, type Level, type Logger } from 'pino';
import { currentRequest } from './request-context.js';

const LEVELS: readonly string[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * LOG_LEVEL when set; otherwise `info`, and `warn` under test runners (NODE_ENV=test, which jest
 * sets), where one line per request of every in-process service would bury the test output.
 */
const levelFromEnvironment = (env: NodeJS.ProcessEnv): string => {
  const wanted = env.LOG_LEVEL?.trim().toLowerCase();
  if (wanted && LEVELS.includes(wanted)) return wanted;
  return env.NODE_ENV === 'test' ? 'warn' : 'info';
};

let processLogger: Logger | undefined;
let serviceName: string | undefined;

/**
 * The process's one logger: JSON lines on stdout, level from LOG_LEVEL, and on every line
 * written while a request is served, that request's correlation id (the one its events carry
 * in their metadata), so that a log line leads to the events and the access record.
 */
export const logger = (): Logger => {
  processLogger ??= pino({
    level: levelFromEnvironment(process.env),
    base: { pid: process.pid, ...(serviceName ? { service: serviceName } : {}) },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin: () => {
      const correlationId = currentRequest()?.correlationId;
      return correlationId ? { correlationId } : {};
    },
  });
  return processLogger;
};

/**
 * Names the service on every line of this process (`governance`, `gateway`, ...). The first name
 * holds: the platform runs the gateway in its own process and names itself first.
 */
export const nameService = (service: string): void => {
  if (serviceName) return;
  serviceName = service;
  processLogger?.setBindings({ service });
};

/**
 * Lines an operator and the test harnesses read whatever the level: where a process listens,
 * that it is stopping. At least `info`, more when LOG_LEVEL asks for more.
 */
export const lifecycleLogger = (): Logger => {
  const current = logger().level as Level;
  return logger().child({}, { level: logger().levels.values[current] < logger().levels.values.info ? current : 'info' });
};

const NEST_TO_PINO: Record<LogLevel, Level> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

/**
 * Nest's own logging through the process logger. Nest's routine lines (routes mapped, modules
 * started) stay out unless LOG_LEVEL is debug or finer, as with Nest's levels set to errors and
 * warnings before; `levels` narrows it further (tests that expect failures to be quiet).
 */
export class NestLogger implements LoggerService {
  private readonly allowed: ReadonlySet<LogLevel>;

  constructor(levels?: readonly LogLevel[]) {
    const verbose = logger().isLevelEnabled('debug');
    this.allowed = new Set(levels ?? (verbose ? (Object.keys(NEST_TO_PINO) as LogLevel[]) : ['fatal', 'error', 'warn']));
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.write('log', message, rest);
  }

  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }

  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }

  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }

  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('verbose', message, rest);
  }

  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  /** Nest passes `(message, ...optionalParams, context)`; an error's stack comes before the context. */
  private write(level: LogLevel, message: unknown, rest: unknown[]): void {
    if (!this.allowed.has(level)) return;
    const params = [...rest];
    const context = typeof params[params.length - 1] === 'string' ? (params.pop() as string) : undefined;
    const stack = typeof params[0] === 'string' && params[0].includes('\n    at ') ? (params.shift() as string) : undefined;
    const fields = { context, ...(stack ? { stack } : {}) };
    if (message instanceof Error) logger()[NEST_TO_PINO[level]]({ ...fields, err: message }, message.message);
    else if (typeof message === 'object' && message !== null) logger()[NEST_TO_PINO[level]]({ ...fields, detail: message });
    else logger()[NEST_TO_PINO[level]](fields, String(message));
  }
}
