import { createHash } from 'node:crypto';
import type { EventStore, NewEvent } from '@shuzhi/event-store';
import { enterpriseDecider, enterpriseStreamId } from '../domain/enterprise.decider.js';
import type { EnterpriseEvent } from '../domain/enterprise.events.js';
import { SEED_STEWARD, generateEnterprises, type EnterpriseSeedOptions } from './enterprise-generator.js';

export interface SeedEnterprisesOptions extends EnterpriseSeedOptions {
  /** Appends in flight at once (default 8): each is one stream, written whole in one round trip. */
  concurrency?: number;
  onProgress?: (written: number, total: number) => void;
}

export interface SeedResult {
  enterprises: number;
  events: number;
}

/**
 * The event id of a seeded event, from the seed, the stream and the event's place in it: a
 * second run with the same seed re-sends the same ids, which the store answers as already
 * written, so seeding twice writes once.
 */
export const seedEventId = (seed: string, streamId: string, index: number): string => {
  const hex = createHash('sha256').update(`shuzhi-seed\u0000${seed}\u0000${streamId}\u0000${index}`).digest('hex');
  // RFC 9562 version 8 (custom) with the RFC variant bits.
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

/** Each enterprise's events, decided by the register's own decider from the generated commands. */
export const decideSeed = (options: EnterpriseSeedOptions): Array<{ streamId: string; events: EnterpriseEvent[] }> =>
  generateEnterprises(options).map(({ creditCode, commands }) => {
    let state = enterpriseDecider.initialState;
    const events: EnterpriseEvent[] = [];
    for (const command of commands) {
      const decided = enterpriseDecider.decide(command, state);
      state = decided.reduce(enterpriseDecider.evolve, state);
      events.push(...decided);
    }
    return { streamId: enterpriseStreamId(creditCode), events };
  });

/**
 * Writes a generated register into the event log, through the decider, one append per
 * enterprise with several in flight. Running it again with the same options writes nothing.
 */
export const seedEnterprises = async (store: EventStore, options: SeedEnterprisesOptions): Promise<SeedResult> => {
  const streams = decideSeed(options);
  const concurrency = Math.max(1, options.concurrency ?? 8);
  let next = 0;
  let written = 0;
  const worker = async () => {
    for (let i = next++; i < streams.length; i = next++) {
      const { streamId, events } = streams[i];
      const toAppend: NewEvent[] = events.map((event, index) => ({
        type: event.type,
        data: event.data,
        eventId: seedEventId(options.seed, streamId, index),
        // When it happened in the register's history, not when it was migrated.
        metadata: { occurredAt: event.data.at },
      }));
      await store.appendToStream(streamId, toAppend, {
        expectedVersion: 'no-stream',
        metadata: {
          correlationId: `seed:${options.seed}`,
          actor: { department: SEED_STEWARD.department, client: SEED_STEWARD.clientId, role: 'STEWARD' },
        },
      });
      options.onProgress?.(++written, streams.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, streams.length) }, worker));
  return { enterprises: streams.length, events: streams.reduce((sum, s) => sum + s.events.length, 0) };
};
