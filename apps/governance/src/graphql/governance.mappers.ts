import { Inject, Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import type { AggregateStream } from '@shuzhi/event-store';
import type { ConsentReceipt, ConsentTerms, ContractTerms, DatasetEvent } from '@shuzhi/governance-events';
import { contractStreamId } from '../domain/sharing-contract/contract.decider.js';
import { consentStreamId } from '../domain/consent/consent.decider.js';
import { datasetStreamId, type DatasetState } from '../domain/dataset/dataset.decider.js';
import { GOVERNANCE_CONFIG, type GovernanceConfig } from '../governance.config.js';
import { DepartmentRow } from '../projections/registry.projections.js';
import type { Consent, Dataset, Department, SharingContract } from './governance.models.js';

export const departmentOfRow = ({ code, name, level, divisionCode }: DepartmentRow): Department => ({ code, name, level, divisionCode });

/** A contract as both its decider state and its read-model row know it. */
export interface ContractView {
  terms: ContractTerms;
  status: string;
  review: { stage: string; deadline: string | Date; overdue: boolean } | null;
  version: number;
}

export interface ConsentView {
  terms: ConsentTerms;
  receipt: ConsentReceipt;
  status: string;
  version: number;
}

/** Builds the API's shapes, naming departments as the registry knows them. */
@Injectable()
export class GovernanceMappers {
  constructor(@Inject(GOVERNANCE_CONFIG) private readonly config: GovernanceConfig) {}

  async departments(codes: readonly string[]): Promise<Map<string, Department>> {
    const rows = await this.config.dataSource.manager.findBy(DepartmentRow, { code: In([...new Set(codes)]) });
    const known = new Map(rows.map((row) => [row.code, departmentOfRow(row)]));
    // A department registered a moment ago may not be projected yet: its code stands in.
    return new Map(codes.map((code) => [code, known.get(code) ?? { code, name: code, level: null, divisionCode: null }]));
  }

  async contracts(views: readonly ContractView[]): Promise<SharingContract[]> {
    const names = await this.departments(views.flatMap((v) => [v.terms.consumerDepartment, v.terms.providerDepartment]));
    return views.map(({ terms, status, review, version }) => ({
      id: terms.contractId,
      streamId: contractStreamId(terms.contractId),
      version,
      status,
      datasetCode: terms.datasetCode,
      consumer: names.get(terms.consumerDepartment)!,
      provider: names.get(terms.providerDepartment)!,
      fields: terms.fields,
      purpose: terms.purpose,
      legalBasis: terms.legalBasis,
      scenario: terms.scenario,
      validFrom: new Date(terms.validFrom),
      validTo: new Date(terms.validTo),
      dailyQuota: terms.dailyQuota,
      masking: terms.masking,
      consentRequired: terms.consentRequired,
      divisionScope: terms.divisionScope ?? null,
      returnFlow: terms.returnFlow === true,
      reviewStage: review?.stage ?? null,
      reviewDeadline: review ? new Date(review.deadline) : null,
      reviewOverdue: review?.overdue ?? false,
    }));
  }

  async consents(views: readonly ConsentView[]): Promise<Consent[]> {
    const names = await this.departments(views.map((v) => v.terms.consumerDepartment));
    return views.map(({ terms, receipt, status, version }) => ({
      id: terms.consentId,
      streamId: consentStreamId(terms.consentId),
      version,
      status,
      subjectId: terms.subjectId,
      consumer: names.get(terms.consumerDepartment)!,
      purpose: terms.purpose,
      datasetCode: terms.datasetCode,
      fields: terms.fields,
      expiresAt: new Date(terms.expiresAt),
      receipt,
    }));
  }

  /** A dataset from its stream: the fold gives the versions, the events their times. */
  async dataset({ state, version, events }: AggregateStream<DatasetEvent, DatasetState>): Promise<Dataset | null> {
    if (state.status === 'NONE') return null;
    const { metadata, versions } = state;
    const registeredAt = events.filter((e) => e.type === 'SchemaVersionRegistered').map((e) => e.recordedAt);
    const provider = (await this.departments([metadata.providerDepartment])).get(metadata.providerDepartment)!;
    const current = versions[versions.length - 1];
    return {
      code: metadata.code,
      name: metadata.name,
      provider,
      summary: metadata.summary,
      sharingType: metadata.sharingType,
      updateCycle: metadata.updateCycle,
      graphqlType: metadata.graphqlType,
      compatibility: metadata.compatibility,
      fields: current.fields,
      schema: current.schema,
      schemaVersions: versions.map((v, i) => ({ ...v, registeredAt: registeredAt[i] })),
      streamId: datasetStreamId(metadata.code),
      version,
    };
  }
}
