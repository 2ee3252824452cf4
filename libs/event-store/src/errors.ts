import type { ExpectedVersion } from './event-store.js';

/** The stream was not at the version the writer expected: someone else wrote first. */
export class ConcurrencyConflict extends Error {
  override readonly name = 'ConcurrencyConflict';
  constructor(
    readonly streamId: string,
    readonly expectedVersion: ExpectedVersion,
    readonly actualVersion: number | 'no-stream',
  ) {
    super(`stream ${streamId} is at version ${actualVersion}, expected ${expectedVersion}`);
  }
}

/** Input the store refuses before writing anything: what is wrong is in the message. */
export class InvalidEventInput extends Error {
  override readonly name = 'InvalidEventInput';
}
