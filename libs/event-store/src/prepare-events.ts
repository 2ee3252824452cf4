import { randomBytes } from 'node:crypto';
import type { AppendOptions, EventMetadata, ExpectedVersion, NewEvent } from './event-store.js';
import { InvalidEventInput } from './errors.js';

/** An event checked and completed, ready for any adapter to write as it is. */
export interface PreparedEvent {
  eventId: string;
  type: string;
  data: unknown;
  metadata: EventMetadata;
}

/** Who acts when nobody is named: the platform's own processes (expiry timers, seeding). */
export const SYSTEM_ACTOR = { department: 'platform', client: 'system', role: 'SYSTEM' } as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_STREAM_ID_LENGTH = 255;

/**
 * Checks everything an append needs before any adapter touches storage, so a refused append
 * writes nothing, and fills the metadata defaults. Every adapter calls this first: one rule
 * for what a valid event is.
 */
export const prepareAppend = (
  streamId: unknown,
  events: readonly NewEvent[],
  options: AppendOptions,
  now: Date = new Date(),
): PreparedEvent[] => {
  if (typeof streamId !== 'string' || streamId.trim() === '') {
    throw new InvalidEventInput('stream id must be a non-empty string');
  }
  if (streamId.length > MAX_STREAM_ID_LENGTH) {
    throw new InvalidEventInput(`stream id is longer than ${MAX_STREAM_ID_LENGTH} characters`);
  }
  if (streamId.startsWith('$')) {
    throw new InvalidEventInput('stream ids starting with "$" are reserved for the event store');
  }
  assertExpectedVersion(options?.expectedVersion);
  if (!Array.isArray(events) || events.length === 0) {
    throw new InvalidEventInput('an append needs at least one event');
  }
  const seen = new Set<string>();
  return events.map((event, index) => {
    const where = `event ${index} of stream ${streamId}`;
    if (event === null || typeof event !== 'object') throw new InvalidEventInput(`${where} is not an object`);
    if (typeof event.type !== 'string' || event.type.trim() === '') {
      throw new InvalidEventInput(`${where} has no type`);
    }
    const eventId = event.eventId ?? uuidV7(now);
    if (typeof eventId !== 'string' || !UUID.test(eventId)) {
      throw new InvalidEventInput(`${where} has event id ${String(eventId)}, which is not a UUID`);
    }
    if (seen.has(eventId.toLowerCase())) throw new InvalidEventInput(`${where} repeats event id ${eventId}`);
    seen.add(eventId.toLowerCase());
    assertJson(event.data, `${where} (${event.type}): data`);
    const metadata: EventMetadata = {
      correlationId: eventId,
      causationId: null,
      actor: SYSTEM_ACTOR,
      occurredAt: now.toISOString(),
      schemaVersion: 1,
      ...options.metadata,
      ...event.metadata,
    };
    assertJson(metadata, `${where} (${event.type}): metadata`);
    return { eventId: eventId.toLowerCase(), type: event.type, data: event.data, metadata };
  });
};

/**
 * A time-ordered UUID (RFC 9562 version 7): ids generated one after another land next to each
 * other in the event-id index instead of at random pages, which keeps appends cheap as the log grows.
 */
export const uuidV7 = (now: Date = new Date()): string => {
  const bytes = randomBytes(16);
  const ms = BigInt(now.getTime());
  for (let i = 0; i < 6; i++) bytes[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  bytes[6] = (bytes[6] & 0x0f) | 0x70;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

export function assertExpectedVersion(expected: unknown): asserts expected is ExpectedVersion {
  if (expected === 'any' || expected === 'no-stream') return;
  if (typeof expected === 'number' && Number.isSafeInteger(expected) && expected >= 0) return;
  throw new InvalidEventInput(
    `expected version must be a whole number of at least 0, 'no-stream' or 'any'; got ${String(expected)}`,
  );
}

/**
 * Accepts exactly the values that survive a JSON round trip unchanged, so what is read back
 * is what was written (an undefined property is dropped, as absent). Dates, undefined values,
 * functions, bigints, NaN and cycles are refused rather than silently turned into something
 * else; so is U+0000, which PostgreSQL's jsonb cannot hold.
 */
const assertJson = (value: unknown, where: string): void => {
  const problem = jsonProblem(value, []);
  if (problem) throw new InvalidEventInput(`${where}${problem.path.join('')} ${problem.says}`);
};

/**
 * What keeps `value` from being plain JSON and where (path segments, outermost first), or
 * undefined. The path is put together only for a problem found: every event of every append
 * passes through here, and nearly all of them are fine.
 */
const jsonProblem = (value: unknown, ancestors: object[]): { path: string[]; says: string } | undefined => {
  switch (typeof value) {
    case 'string':
      return value.includes('\u0000') ? { path: [], says: 'contains the character U+0000' } : undefined;
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : { path: [], says: `is ${value}, which JSON cannot hold` };
    case 'object': {
      if (value === null) return undefined;
      if (ancestors.includes(value)) return { path: [], says: 'refers to itself (a cycle)' };
      if (!Array.isArray(value)) {
        const proto = Object.getPrototypeOf(value);
        if (proto !== Object.prototype && proto !== null) {
          const kind = (value as object).constructor?.name ?? 'object';
          return { path: [], says: `is a ${kind}, not plain JSON (write dates as ISO strings)` };
        }
      }
      ancestors.push(value);
      const problem = Array.isArray(value) ? arrayProblem(value, ancestors) : objectProblem(value as Record<string, unknown>, ancestors);
      ancestors.pop();
      return problem;
    }
    default:
      return { path: [], says: `is ${value === undefined ? 'undefined' : `a ${typeof value}`}, not JSON` };
  }
};

const arrayProblem = (items: unknown[], ancestors: object[]) => {
  for (let i = 0; i < items.length; i++) {
    // Holes pass, as they always have here (JSON.stringify writes them as null).
    if (!(i in items)) continue;
    const problem = jsonProblem(items[i], ancestors);
    if (problem) return (problem.path.unshift(`[${i}]`), problem);
  }
  return undefined;
};

const objectProblem = (object: Record<string, unknown>, ancestors: object[]) => {
  for (const key of Object.keys(object)) {
    if (key.includes('\u0000')) return { path: [], says: 'has a key containing U+0000' };
    const item = object[key];
    // An undefined property is an absent one, as JSON reads it back: allowed, and dropped.
    if (item === undefined) continue;
    const problem = jsonProblem(item, ancestors);
    if (problem) return (problem.path.unshift(`.${key}`), problem);
  }
  return undefined;
};
