import { Inject, Injectable } from '@nestjs/common';
import type { RecordedEvent } from '@shuzhi/event-store';
import { NotFound, ValidationFailed } from '@shuzhi/shared-kernel';
import { AUDIT_CONFIG, type AuditSources } from '../audit.config.js';
import { decodeCursor, encodeCursor, pageSizeOf, type PageLimits, type PageRequest } from '../paging/page.js';
import { redactEvent } from './event-secrets.js';
import { KNOWN_STREAM_KINDS, streamFoldOf } from './stream-kinds.js';

/** A stream of access records holds a day of the city's reads: it is read page by page. */
export const STREAM_HISTORY_PAGE: PageLimits = { default: 100, max: 1_000 };

/** An event as the audit answers it: secrets redacted, with the cursor of the page that ends at it. */
export interface HistoryEvent extends RecordedEvent {
  cursor: string;
}

const CURSOR_KIND = 'streamHistory';

/**
 * A stream's events as recorded, and its aggregate's state as of a time: folded with its own
 * service's decider, over the events recorded at or before that time. Both answer with the
 * secrets of the events redacted (`event-secrets.ts`).
 */
@Injectable()
export class StreamHistory {
  constructor(@Inject(AUDIT_CONFIG) private readonly sources: AuditSources) {}

  /** `first` events from the start, or after the event `after` names, in version order. */
  async events(streamId: string, page: PageRequest = {}): Promise<HistoryEvent[]> {
    const size = pageSizeOf(page.first, STREAM_HISTORY_PAGE);
    const fromVersion = page.after == null ? 0 : versionAfter(streamId, page.after) + 1;
    // Versions run without gaps from 0, so a window of versions is a page of events.
    const events = await this.sources.store.readStream(streamId, { fromVersion, untilVersion: fromVersion + size - 1 });
    if (events.length === 0 && page.after == null) throw new NotFound(`no stream ${streamId} in the log`);
    return events.map((event) => ({ ...redactEvent(event), cursor: encodeCursor(CURSOR_KIND, [streamId, String(event.streamVersion)]) }));
  }

  /** The state as of `at`; null when the stream had no event yet at that time. */
  async stateAt(streamId: string, at: Date): Promise<unknown> {
    const fold = streamFoldOf(streamId);
    if (!fold) {
      // Folding events without their decider would make up a state no service ever had.
      throw new ValidationFailed(`${streamId} is not the stream of an aggregate; states are folded for ${KNOWN_STREAM_KINDS.join(', ')}`, {
        knownKinds: KNOWN_STREAM_KINDS,
      });
    }
    const events = await this.sources.store.readStream(streamId, { untilTime: at });
    if (events.length === 0) {
      const exists = (await this.sources.store.readStream(streamId, { untilVersion: 0 })).length > 0;
      if (!exists) throw new NotFound(`no stream ${streamId} in the log`);
      return null;
    }
    // Folded from redacted events: a decider that kept a secret in its state could not show it.
    return events.reduce((state, event) => fold.evolve(state, redactEvent(event)), fold.initialState);
  }
}

const versionAfter = (streamId: string, cursor: string): number => {
  const [stream, version] = decodeCursor(CURSOR_KIND, cursor, 2);
  if (stream !== streamId) throw new ValidationFailed(`after is a cursor of stream ${stream}, not of ${streamId}`);
  if (!/^\d{1,15}$/.test(version)) throw new ValidationFailed('after is not a cursor of streamHistory: pass the cursor a page of the same query answered');
  return Number(version);
};
