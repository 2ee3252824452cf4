/*
 * The deciders of every service, imported from their pure `domain/` modules: a state as of a
 * time must be folded by exactly the code that decided, not by a copy of it. This is the one
 * place a service reads another's code (.dependency-cruiser.cjs allows apps/audit to import
 * other services' domain/ folders, and nothing else of them).
 */
import { enterpriseDecider, ENTERPRISE_STREAM_PREFIX } from '../../../enterprise/src/domain/enterprise.decider.js';
import { consentDecider } from '../../../governance/src/domain/consent/consent.decider.js';
import { datasetDecider } from '../../../governance/src/domain/dataset/dataset.decider.js';
import { clientDecider, departmentDecider, purposeDecider } from '../../../governance/src/domain/registry/registry.decider.js';
import { contractDecider } from '../../../governance/src/domain/sharing-contract/contract.decider.js';
import { householdDecider } from '../../../population/src/domain/household/household.decider.js';
import { idNumberReservationDecider } from '../../../population/src/domain/id-number/id-number-reservation.decider.js';
import { residentDecider } from '../../../population/src/domain/resident/resident.decider.js';
import { applicationDecider } from '../../../subsidy/src/domain/subsidy-application.decider.js';
import { APPLICATION_STREAM_PREFIX, PROGRAM_STREAM_PREFIX } from '../../../subsidy/src/domain/subsidy-ids.js';
import { programDecider } from '../../../subsidy/src/domain/subsidy-program.decider.js';

/** A decider's fold, whatever its own types: the audit only replays recorded `{ type, data }`. */
export interface StreamFold {
  initialState: unknown;
  evolve(state: unknown, event: { type: string; data: unknown }): unknown;
}

const fold = <State, Event>(decider: { initialState: State; evolve(state: State, event: Event): State }): StreamFold =>
  decider as unknown as StreamFold;

/**
 * Stream prefix → the decider of that kind of aggregate (API.md's `<kind>-<id>` names). Longer
 * prefixes first, so that no kind's prefix shadows another's.
 */
export const STREAM_KINDS: ReadonlyArray<readonly [prefix: string, fold: StreamFold]> = [
  [APPLICATION_STREAM_PREFIX, fold(applicationDecider)],
  [ENTERPRISE_STREAM_PREFIX, fold(enterpriseDecider)],
  ['department-', fold(departmentDecider)],
  ['household-', fold(householdDecider)],
  ['id-number-', fold(idNumberReservationDecider)],
  ['resident-', fold(residentDecider)],
  ['contract-', fold(contractDecider)],
  ['dataset-', fold(datasetDecider)],
  ['consent-', fold(consentDecider)],
  ['purpose-', fold(purposeDecider)],
  ['client-', fold(clientDecider)],
  [PROGRAM_STREAM_PREFIX, fold(programDecider)],
];

/** The decider whose stream this is, or undefined for a stream no decider owns (access records, seals). */
export const streamFoldOf = (streamId: string): StreamFold | undefined =>
  STREAM_KINDS.find(([prefix]) => streamId.startsWith(prefix) && streamId.length > prefix.length)?.[1];

export const KNOWN_STREAM_KINDS = STREAM_KINDS.map(([prefix]) => `${prefix}<id>`);
