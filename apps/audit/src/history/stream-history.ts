import { Inject, Injectable } from '@nestjs/common';
import type { RecordedEvent } from '@shuzhi/event-store';
import { NotFound, ValidationFailed } from '@shuzhi/shared-kernel';
import { AUDIT_CONFIG, type AuditSources } from '../audit.config.js';
import { redactEvent } from './event-secrets.js';
import { KNOWN_STREAM_KINDS, streamFoldOf } from './stream-kinds.js';

/**
 * A stream's events as recorded, and its aggregate's state as of a time: folded with its own
 * service's decider, over the events recorded at or before that time. Both answer with the
 * secrets of the events redacted (`event-secrets.ts`).
 */
@Injectable()
export class StreamHistory {
  constructor(@Inject(AUDIT_CONFIG) private readonly sources: AuditSources) {}

  async events(streamId: string): Promise<RecordedEvent[]> {
    const events = await this.sources.store.readStream(streamId);
    if (events.length === 0) throw new NotFound(`no stream ${streamId} in the log`);
    return events.map(redactEvent);
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
