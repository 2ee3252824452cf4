/**
 * Access records: the gateway appends one per operation it served or refused (introspection
 * aside), before the response leaves it; the audit service reads them ("who did read what"). The
 * `type` strings are stored forever; a new shape keeps this one and adds an upcaster.
 */

/** Streams of access records: one per UTC day, so an auditor reads a day without an index. */
export const ACCESS_STREAM_PREFIX = 'access-';

/** `access-2026-12-10`: the stream of the UTC day of `at`. */
export const accessStreamId = (at: Date): string => `${ACCESS_STREAM_PREFIX}${at.toISOString().slice(0, 10)}`;

/** Who asked, why, and the ids that tie the record to the decision and the subgraph calls. */
export interface AccessContext {
  clientId: string;
  department: string;
  /** The declared `X-Purpose`, null when none was given. */
  purpose: string | null;
  decisionId: string;
  correlationId: string;
  /** The instant the decision was taken at (`PolicyRequest.at`). */
  at: string;
  /** Checkpoint of the gateway's policy snapshot the decision read; null before the first batch. */
  snapshotCheckpoint: string | null;
  /** Hex SHA-256 of the operation text, its operation name and its variables. */
  operationHash: string;
}

/**
 * An argument the operation gave a field (`Query.residentByIdNumber(idNumber)`), with its value:
 * who was looked up is in the record even when nobody was found. `field` is what it reads (null:
 * a platform field's argument, or one that declares nothing); `contractId` the grant it rested on;
 * `allowed` false when the lookup was refused.
 */
export interface AccessLookup {
  via: string;
  field: string | null;
  value: string;
  contractId: string | null;
  allowed: boolean;
}

/**
 * Data was served. `fields` is every `Type.field` sent (masked ones included), `maskedFields`
 * those sent masked with their rule, `deniedFields` those left out under `X-Partial: allow`,
 * `subjects` the rows sent by their key, `withheldSubjects` rows sent as null for want of consent.
 */
export interface AccessRecorded {
  type: 'AccessRecorded';
  data: AccessContext & {
    outcome: 'ALLOW' | 'PARTIAL';
    contracts: Array<{ id: string; version: number }>;
    fields: string[];
    maskedFields: Array<{ field: string; rule: string }>;
    deniedFields: string[];
    subjects: Array<{ type: string; id: string }>;
    withheldSubjects: Array<{ type: string; id: string; missingFields: string[] }>;
    /** Absent from records written before lookups were recorded. */
    lookups?: AccessLookup[];
  };
}

/** The operation was refused before any subgraph was asked; nothing was served. */
export interface AccessRefused {
  type: 'AccessRefused';
  data: AccessContext & {
    code: string;
    reason: string;
    deniedFields: string[];
    contracts: Array<{ id: string; version: number }>;
    /** Absent from records written before lookups were recorded. */
    lookups?: AccessLookup[];
  };
}

export type AccessEvent = AccessRecorded | AccessRefused;

export const ACCESS_EVENT_TYPES: ReadonlyArray<AccessEvent['type']> = ['AccessRecorded', 'AccessRefused'];
