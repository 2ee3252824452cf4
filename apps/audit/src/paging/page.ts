import { ValidationFailed } from '@shuzhi/shared-kernel';

/**
 * How much one call may answer. A question over a long history (a day's access log, a year of
 * decisions) is answered page by page: one request never holds more than `max` items, and a
 * caller asking for more is told how to page rather than quietly given less.
 */
export interface PageLimits {
  default: number;
  max: number;
}

/** `first` items after the one `after` names (from the start without it). */
export interface PageRequest {
  first?: number | null;
  after?: string | null;
}

/** The page size asked for, or the default; VALIDATION_FAILED outside 1..max. */
export const pageSizeOf = (first: number | null | undefined, limits: PageLimits, argument = 'first'): number => {
  const size = first ?? limits.default;
  if (!Number.isSafeInteger(size) || size < 1 || size > limits.max) {
    throw new ValidationFailed(
      `${argument} must be a whole number from 1 to ${limits.max}; got ${first}. Page through larger answers: pass each page's cursor as after`,
      { max: limits.max },
    );
  }
  return size;
};

/**
 * A cursor: opaque to callers, who hand back what a page gave them. Inside, the kind of query
 * it pages (a cursor of one is refused by another) and the key of the item it resumes after.
 */
export const encodeCursor = (kind: string, key: readonly string[]): string => Buffer.from(JSON.stringify([kind, ...key]), 'utf8').toString('base64url');

/** The key `encodeCursor` was given, or VALIDATION_FAILED for anything that is not a cursor of this kind. */
export const decodeCursor = (kind: string, cursor: string, keyLength: number): string[] => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== keyLength + 1 || parsed[0] !== kind || !parsed.every((part) => typeof part === 'string')) {
    throw new ValidationFailed(`after is not a cursor of ${kind}: pass the cursor a page of the same query answered`);
  }
  return parsed.slice(1) as string[];
};
