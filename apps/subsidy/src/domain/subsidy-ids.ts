import { createHash } from 'node:crypto';
import type { SubjectKind } from './eligibility-rules.js';

/**
 * A name-based UUID (RFC 9562 version 5, SHA-1): the same name gives the same id on every run.
 * This is what makes the batch idempotent: a rerun derives the ids of the applications and
 * events it would write, and the store takes a re-sent event id as a no-op.
 */
export const nameBasedUuid = (name: string): string => {
  const bytes = createHash('sha1').update(`shuzhi:subsidy:${name}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

/** One application per subject per program: a subject is granted a program's subsidy once. */
export const subsidyApplicationId = (programId: string, subject: SubjectKind, subjectId: string): string =>
  nameBasedUuid(`application/${programId}/${subject}/${subjectId}`);

/** The id of the `index`th event a step writes to a stream; a step is done once, so this names it. */
export const stepEventId = (streamId: string, step: string, index = 0): string => nameBasedUuid(`event/${streamId}/${step}/${index}`);

export const PROGRAM_STREAM_PREFIX = 'program-';
export const programStreamId = (programId: string) => `${PROGRAM_STREAM_PREFIX}${programId}`;

export const APPLICATION_STREAM_PREFIX = 'subsidy-application-';
export const applicationStreamId = (applicationId: string) => `${APPLICATION_STREAM_PREFIX}${applicationId}`;
