import { ValidationFailed } from './errors.js';

/**
 * How large and what shape a value a caller writes into an event may be. Events are kept
 * forever, replayed into every read model and shown to reviewers, so nothing enters one
 * unbounded: a 5 000-character consent subject id was once accepted. Each limit is what a
 * government form of the kind gives, with room to spare; one place decides them all.
 */
export const INPUT_LIMITS = {
  /** The name of a department, purpose, client, dataset or program; an update cycle. */
  name: 200,
  /** A reason, a legal basis (the articles it cites), a scenario: what a reviewer reads in full. */
  reason: 2000,
  /** A summary or description: a catalogue entry's paragraphs. */
  description: 4000,
  /** An id or code a caller gives: a resident id, a credit code, a field name. */
  identifier: 128,
  /**
   * Any list a caller gives: fields asked for, masking rules, eligibility rules, industries.
   * The widest catalogued datasets have a few hundred data items (信息项).
   */
  list: 500,
} as const;

/**
 * Characters that are never text: C0 and C1 controls, and the bidirectional overrides and
 * isolates, which make text display in another order than it is stored (a reviewer would read
 * one reason and the record hold another).
 */
const NOT_TEXT = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/u;
/** What text of several lines may hold besides text: line breaks (LF or CRLF) and tabs. */
const LINE_BREAKS_AND_TABS = /\r\n|[\n\t]/g;

/** Letters, digits and `_ . : -`, starting with a letter or digit: safe in a stream id, a log line and a URL. */
const IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;

/** `field` for the governance API's refusals, `violations` for the registers' (enterprise, subsidy), which list them. */
const refuse = (field: string, reason: string) => new ValidationFailed(`${field} ${reason}`, { field, violations: [{ field, reason }] });

/** Length in characters as a person counts them: a rare Chinese character outside the BMP is one. */
const characters = (value: string): number => {
  let count = 0;
  for (const _ of value) count++;
  return count;
};

export interface TextShape {
  /** Line breaks and tabs allowed (reasons, descriptions); a name is one line. */
  multiline?: boolean;
}

/** `value` trimmed, or null when absent or blank; refused when longer than `max` or holding characters that are not text. */
export const optionalText = (value: unknown, field: string, max: number, shape: TextShape = {}): string | null => {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') throw refuse(field, 'must be text');
  const trimmed = value.trim();
  if (trimmed === '') return null;
  // A string longer than twice the limit in UTF-16 units is over it whatever it holds.
  if (trimmed.length > 2 * max || characters(trimmed) > max) throw refuse(field, `must be at most ${max} characters`);
  if (NOT_TEXT.test(shape.multiline ? trimmed.replace(LINE_BREAKS_AND_TABS, '') : trimmed)) {
    throw refuse(field, shape.multiline ? 'must not hold control characters other than line breaks and tabs' : 'must be one line without control characters');
  }
  return trimmed;
};

/** Like {@link optionalText}, and refused when absent or blank. */
export const boundedText = (value: unknown, field: string, max: number, shape: TextShape = {}): string => {
  const text = optionalText(value, field, max, shape);
  if (text === null) throw refuse(field, 'is required');
  return text;
};

/**
 * An id or code a caller gives (a subject id, a field name): at most
 * {@link INPUT_LIMITS.identifier} characters of letters, digits and `_ . : -`. Not trimmed: an id
 * with spaces around it is another id.
 */
export const identifier = (value: unknown, field: string): string => {
  if (typeof value !== 'string' || value === '') throw refuse(field, 'is required');
  if (value.length > INPUT_LIMITS.identifier) throw refuse(field, `must be at most ${INPUT_LIMITS.identifier} characters`);
  if (!IDENTIFIER.test(value)) throw refuse(field, 'must be letters, digits and _ . : -, starting with a letter or digit');
  return value;
};

/** `values`, refused when more than `max`; absent is an empty list (whether one is needed is the caller's rule). */
export const boundedList = <T>(values: readonly T[] | null | undefined, field: string, max: number = INPUT_LIMITS.list): readonly T[] => {
  if (values === null || values === undefined) return [];
  if (!Array.isArray(values)) throw refuse(field, 'must be a list');
  if (values.length > max) throw refuse(field, `must list at most ${max} items; this one lists ${values.length}`);
  return values;
};
