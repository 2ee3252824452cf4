import type { AggregateStream, RecordedOf } from '@shuzhi/event-store';
import { enterpriseDecider, enterpriseStreamId, type EnterpriseState } from '../domain/enterprise.decider.js';
import type { EnterpriseEvent } from '../domain/enterprise.events.js';
import { stateOfRow, type EnterpriseRow } from '../projections/enterprises.projection.js';
import type { Enterprise, EnterpriseHistoryEntry } from './enterprise.models.js';

type Registered = Exclude<EnterpriseState, { status: 'NONE' }>;

/** The API's shape of an enterprise from its decider state (a stream or a read-model row). */
export const toEnterprise = ({ status, profile }: Registered, version: number): Enterprise => ({
  creditCode: profile.creditCode,
  name: profile.name,
  legalRepresentative: profile.legalRepresentativeId === null ? null : { __typename: 'Resident', id: profile.legalRepresentativeId },
  industryCode: profile.industryCode,
  registeredCapital: profile.registeredCapital,
  employees: profile.employees,
  status,
  registeredAt: new Date(profile.registeredAt),
  divisionCode: profile.divisionCode,
  streamId: enterpriseStreamId(profile.creditCode),
  version,
});

export const rowToEnterprise = (row: EnterpriseRow): Enterprise => toEnterprise(stateOfRow(row), row.streamVersion);

/** An enterprise as its stream stands, with its history; null when it was never registered. */
export const enterpriseOfStream = ({ state, version, events }: AggregateStream<EnterpriseEvent, EnterpriseState>): Enterprise | null =>
  state.status === 'NONE' ? null : { ...toEnterprise(state, version), history: historyOf(events) };

/** Each change with the status it left, who made it, why and when. */
export const historyOf = (events: readonly RecordedOf<EnterpriseEvent>[]): EnterpriseHistoryEntry[] => {
  let state = enterpriseDecider.initialState;
  return events.map((event) => {
    state = enterpriseDecider.evolve(state, event);
    if (state.status === 'NONE') throw new Error(`stream ${event.streamId} does not begin with EnterpriseRegistered`);
    return {
      version: event.streamVersion,
      type: event.type,
      status: state.status,
      at: new Date(event.data.at),
      by: event.data.by,
      reason: 'reason' in event.data ? event.data.reason : null,
    };
  });
};
