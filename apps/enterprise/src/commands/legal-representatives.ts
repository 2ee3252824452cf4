import { Inject, Injectable } from '@nestjs/common';
import { readCheckpoint, type Checkpoint, type RecordedEvent } from '@shuzhi/event-store';
import type { ResidentFact } from '../domain/enterprise.decider.js';
import { ENTERPRISE_CONFIG, type EnterpriseConfig } from '../enterprise.config.js';
import { KnownResidentRow, knownResidentsProjection } from '../projections/known-residents.projection.js';

const PAGE = 1_000;

/**
 * Whether a resident named as legal representative exists, as population's published events
 * say: the known-residents projection, plus whatever of those events it has not applied yet,
 * read from the log itself. So a resident registered a moment before the enterprise is found,
 * and the answer never waits on the projection.
 */
@Injectable()
export class LegalRepresentatives {
  constructor(@Inject(ENTERPRISE_CONFIG) private readonly config: EnterpriseConfig) {}

  async find(residentId: string | null | undefined): Promise<ResidentFact | undefined> {
    const id = residentId?.trim();
    if (!id) return undefined;
    const manager = this.config.dataSource.manager;
    // Checkpoint first, row second: the row is then at least as new as the checkpoint, and the
    // tail read after it may hold events the row has seen already, which re-apply harmlessly.
    const checkpoint = await readCheckpoint(manager, knownResidentsProjection.name);
    const row = await manager.findOneBy(KnownResidentRow, { residentId: id });
    const tail = await this.unprojectedEventsOf(id, checkpoint);
    const current = tail.reduce<KnownResidentRow | null>((known, event) => knownResidentsProjection.evolve(known, event), row);
    return current ? { residentId: current.residentId, deceased: current.deceased } : undefined;
  }

  private async unprojectedEventsOf(residentId: string, after: Checkpoint | undefined): Promise<RecordedEvent[]> {
    const found: RecordedEvent[] = [];
    for (let position = after; ; ) {
      const page = await this.config.store.readAll({
        after: position,
        limit: PAGE,
        types: knownResidentsProjection.types,
        streamPrefix: knownResidentsProjection.streamPrefix,
      });
      found.push(...page.events.filter((event) => knownResidentsProjection.keysOf(event).includes(residentId)));
      if (page.endOfLog || page.checkpoint === undefined) return found;
      position = page.checkpoint;
    }
  }
}
