import { Inject, Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { aggregateStream, type RecordedEvent } from '@shuzhi/event-store';
import { DIVISION_CODE_FIELD, type DatasetView } from '@shuzhi/governance-events';
import type { SubjectFact } from '../domain/consent/consent.decider.js';
import { datasetDecider, datasetStreamId, type DatasetState } from '../domain/dataset/dataset.decider.js';
import type { FieldGrant } from '../domain/dataset/dataset.decider.js';
import { departmentDecider, departmentStreamId, purposeStreamId, type DepartmentState } from '../domain/registry/registry.decider.js';
import { GOVERNANCE_CONFIG, type GovernanceConfig } from '../governance.config.js';
import { ConsentRow } from '../projections/consent.projection.js';
import { ContractRow } from '../projections/contract.projection.js';
import { SubgraphRow } from '../projections/registry.projections.js';
import { knownSubject } from './known-subjects.js';

export type RegisteredDepartment = Extract<DepartmentState, { status: 'REGISTERED' }>;

/**
 * What a command needs to know of other aggregates, loaded before its decider runs. Existence
 * (of departments, purposes, and subjects in other services' registers) and dataset shape come
 * from the streams themselves (never stale); grants in force come from the read models, the one
 * place that lists them by dataset.
 */
@Injectable()
export class GovernanceFacts {
  constructor(@Inject(GOVERNANCE_CONFIG) private readonly config: GovernanceConfig) {}

  async dataset(code: string): Promise<DatasetState> {
    return (await aggregateStream(this.config.store, datasetStreamId(code), datasetDecider)).state;
  }

  async datasetView(code: string): Promise<DatasetView | undefined> {
    return this.viewOf(await this.dataset(code));
  }

  viewOf(state: DatasetState): DatasetView | undefined {
    if (state.status === 'NONE') return undefined;
    const latest = state.versions[state.versions.length - 1];
    return {
      code: state.metadata.code,
      providerDepartment: state.metadata.providerDepartment,
      sharingType: state.metadata.sharingType,
      fields: latest?.fields ?? [],
    };
  }

  /** What the register of the dataset's type knows of the subject; undefined without a dataset. */
  async subjectOf(dataset: DatasetState, subjectId: string): Promise<SubjectFact | undefined> {
    if (dataset.status === 'NONE') return undefined;
    return knownSubject(this.config.store, dataset.metadata.graphqlType, subjectId);
  }

  departmentRegistered(code: string): Promise<boolean> {
    return this.exists(departmentStreamId(code));
  }

  /** The department as its stream stands (its area above all); undefined when none is registered under the code. */
  async department(code: string): Promise<RegisteredDepartment | undefined> {
    const { state } = await aggregateStream(this.config.store, departmentStreamId(code), departmentDecider);
    return state.status === 'REGISTERED' ? state : undefined;
  }

  purposeRegistered(code: string): Promise<boolean> {
    return this.exists(purposeStreamId(code));
  }

  /** ACTIVE and SUSPENDED contracts (a suspension may end) and ACTIVE consents on a dataset. */
  async grantsOn(datasetCode: string): Promise<FieldGrant[]> {
    const manager = this.config.dataSource.manager;
    const contracts = await manager.findBy(ContractRow, { datasetCode, status: In(['ACTIVE', 'SUSPENDED']) });
    const consents = await manager.findBy(ConsentRow, { datasetCode, status: 'ACTIVE' });
    return [
      ...contracts.map((c) => ({ kind: 'contract' as const, id: c.id, fields: c.fields })),
      ...consents.map((c) => ({ kind: 'consent' as const, id: c.id, fields: c.fields })),
    ];
  }

  /**
   * Whether the rows of a dataset's type say which division they lie in: a subgraph of its
   * provider resolves the type's `divisionCode` (the subgraph registry), whether a dataset
   * catalogues it or not. False without a dataset.
   */
  async rowsPlaced(datasetCode: string): Promise<boolean> {
    const state = await this.dataset(datasetCode);
    if (state.status === 'NONE') return false;
    const { providerDepartment, graphqlType } = state.metadata;
    return (await this.ownedFields()).get(providerDepartment)?.has(`${graphqlType}.${DIVISION_CODE_FIELD}`) ?? false;
  }

  /** The `Type.field`s each department's registered subgraphs resolve: what its datasets may bind. */
  async ownedFields(): Promise<ReadonlyMap<string, ReadonlySet<string>>> {
    const owned = new Map<string, Set<string>>();
    for (const row of await this.config.dataSource.manager.find(SubgraphRow)) {
      let fields = owned.get(row.departmentCode);
      if (!fields) owned.set(row.departmentCode, (fields = new Set()));
      for (const field of row.fields) fields.add(field);
    }
    return owned;
  }

  private async exists(streamId: string): Promise<boolean> {
    const events: RecordedEvent[] = await this.config.store.readStream(streamId, { untilVersion: 0 });
    return events.length > 0;
  }
}
